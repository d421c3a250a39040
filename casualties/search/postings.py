"""A name search's matches, counted and ranked from the name postings alone.

A common surname matches tens of thousands of persons. Counting them through the persons
would read a row of each, scattered over most of the table (at 1,000,000 persons, most of a
table larger than the server's buffers); the postings' primary key (published, word, person)
holds every word of every person next to each other, so the count and the ids of a page come
from that index alone (``NameHits.page``). The page's rows are then read by id.

This serves only a search that is nothing else: no other filter and the closest first
(``posted_hits``). Any other list (filtered by conflict, ordered by name…) reads the persons
as before, with its matches found through the postings (``holding_words``).
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

POSTINGS = "casualties_nameposting"
# The order of a search's results unless another is asked for (filtersets.PersonOrderingFilter).
RANKED = ("-search_rank", "id")


def _published(public: bool) -> str:
    # A public search reads only the postings of published names: no hidden name is counted.
    return "name_public AND " if public else ""


def holding_words(matched: list[dict[str, float]], aliased, *, public: bool) -> RawSQL:
    """The ids of the persons holding one of the words found for every query word (none if
    a query word found none), and of ``aliased``: one subquery, since PostgreSQL reads every
    person for an ``IN (subquery)`` OR-ed with another condition."""
    sets = [f"SELECT person_id FROM {POSTINGS} WHERE {_published(public)}word = ANY(%s)"]
    sets = sets * len(matched) if matched and all(matched) else []
    params = [sorted(found) for found in matched] if sets else []
    named = " INTERSECT ".join(sets)
    if not aliased:
        return RawSQL(named or "SELECT NULL::bigint WHERE false", params)
    ids = "SELECT unnest(%s::bigint[])"
    return RawSQL(f"({named}) UNION ALL {ids}" if named else ids, [*params, list(aliased)])


@dataclass
class NameHits:
    """What ``name_search`` found, to be counted and ranked from the postings: for each query
    word the words matched and their scores, the persons an alias matches and its score, and
    the persons' filter the search was built on (``where``: nothing but the search)."""

    matched: list[dict[str, float]]
    aliased: dict[int, float]
    public: bool
    base: object = None
    where: object = None

    def _statement(self) -> tuple[str, list]:
        """(SQL, parameters) of every match's id and rank, the rank as ``name_search``
        computes it: for the names, the mean over the query words of the closest word a
        person holds, for a person holding a word found for every query word; for an alias,
        its score; the better of the two."""
        params: list = []
        parts = []
        aliased_ids = list(self.aliased)
        if self.matched and all(self.matched):
            words, positions, scores = [], [], []
            for position, found in enumerate(self.matched):
                for word, score in found.items():
                    words.append(word)
                    positions.append(position)
                    scores.append(score)
            held = ", ".join(
                f"max(asked.score) FILTER (WHERE asked.position = {position}) AS r{position}"
                for position in range(len(self.matched))
            )
            # A query word whose words all score alike ranks every match alike (the
            # constant ``name_search`` uses), an alias's person holding none of them too.
            terms, lone = [], []
            for position, found in enumerate(self.matched):
                distinct = set(found.values())
                if len(distinct) == 1:
                    terms.append(f"{float(distinct.pop())!r}::float8")
                    lone.append(terms[-1])
                else:
                    terms.append(f"coalesce(r{position}, 0::float8)")
                    lone.append("0::float8")
            every = " AND ".join(f"r{position} IS NOT NULL" for position in range(len(terms)))
            if aliased_ids:
                # An aliased person holding some of the words ranks by them too.
                every = f"({every}) OR person_id = ANY(%s::bigint[])"
            mean = f"({' + '.join(terms)}) / {len(terms)}::float8"
            parts.append(
                f"""SELECT person_id, {mean} AS rank FROM (
                    SELECT posting.person_id, {held}
                    FROM {POSTINGS} AS posting
                    JOIN unnest(%s::text[], %s::int[], %s::float8[])
                        AS asked (word, position, score) ON asked.word = posting.word
                    WHERE {_published(self.public)}posting.word = ANY(%s::text[])
                    GROUP BY posting.person_id
                ) AS held WHERE {every}"""
            )
            params += [words, positions, scores, sorted(set(words))]
            if aliased_ids:
                params.append(aliased_ids)
                # Aliased persons holding none of the words.
                parts.append(
                    f"SELECT person_id, ({' + '.join(lone)}) / {len(terms)}::float8"
                    " FROM unnest(%s::bigint[]) AS person_id"
                )
                params.append(aliased_ids)
        if not aliased_ids:
            # The names alone: one row per person already (or no match at all).
            return (parts[0] if parts else ""), params
        parts.append("SELECT * FROM unnest(%s::bigint[], %s::float8[])")
        params += [aliased_ids, [self.aliased[pk] for pk in aliased_ids]]
        found = " UNION ALL ".join(parts)
        return (
            f"SELECT person_id, max(rank) AS rank FROM ({found}) AS found (person_id, rank)"
            " GROUP BY person_id",
            params,
        )

    def page(self, using: str, bottom: int, size: int) -> tuple[list[int], int | None]:
        """The ids of matches ``bottom`` to ``bottom + size`` (closest first, then by id) and
        the number of matches (None past the end, where no row carries it)."""
        sql, params = self._statement()
        if not sql:
            return [], 0
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT person_id, count(*) OVER () FROM ({sql}) AS hits"
                " ORDER BY rank DESC, person_id LIMIT %s OFFSET %s",
                [*params, size, bottom],
            )
            rows = cursor.fetchall()
        if not rows:
            # From the first row on, nothing at all matched; past the end, the count is
            # carried by no row.
            return [], None if bottom else 0
        return [pk for pk, _ in rows], rows[0][1]

    def count(self, using: str) -> int:
        sql, params = self._statement()
        if not sql:
            return 0
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS hits", params)
            return cursor.fetchone()[0]

    def rows(self, object_list: QuerySet, ids: list[int]) -> QuerySet:
        """The rows of ``ids`` (which match) as ``object_list`` reads them, without finding
        the matches again."""
        rows = object_list._chain()
        rows.query.where = self.base.clone()
        return rows.filter(pk__in=ids).order_by()


def posted_hits(object_list) -> NameHits | None:
    """The search's ``NameHits`` when ``object_list`` is a name search and nothing else,
    closest first; else None."""
    if not isinstance(object_list, QuerySet):
        return None
    query = object_list.query
    hits = getattr(query, "name_hits", None)
    if hits is None or query.where != hits.where or tuple(query.order_by) != RANKED:
        return None
    if query.distinct or query.combinator or query.is_sliced:
        return None
    return hits
