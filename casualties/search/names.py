"""Finding persons by name: the name search of the registry, the API and the staff forms,
and the exact look-up by name that batch forms use."""

from collections.abc import Callable

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Lower

from casualties.models import NameWord, NameWords, Person, PersonAlias
from casualties.search.name_parts import is_surname
from casualties.search.postings import NameHits, holding_words
from casualties.search.transliteration import query_key

# The annotation that holds how well a person matched a name search (0–1, higher first).
SEARCH_RANK = "search_rank"
# Marks (as an alias, never selected) a search whose rank differs from person to person.
RANK_VARIES = "search_rank_varies"
# pg_trgm's GIN index serves ``LIKE '%…%'`` only for patterns of at least one trigram.
MIN_SUBSTRING = 3
# Shorter words are matched only as substrings: "aram" is 0.6 word-similar to "araqelyan",
# so the similarity of a short word finds more noise than misspellings, and slowly.
MIN_FUZZY = 5
# A name has a few words; more only add index look-ups (a pasted paragraph would add hundreds).
MAX_WORDS = 6
# A query word matching more name words than this (a three-letter fragment) is matched only by
# the closest ones: the search is then too broad to be read anyway.
MAX_EXPANSION = 1_000


class WordSimilar(Func):
    """``key <% field``: some extent of ``field`` is word-similar to ``key`` above
    ``pg_trgm.word_similarity_threshold`` (0.6). Written as the operator, not as a comparison
    of ``word_similarity()``, because only the operator is served by the trigram index."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


def _word_matches(word: str, field: str) -> Q:
    if len(word) < MIN_SUBSTRING:
        return Q(WordSimilar(Value(word), F(field)))
    if len(word) < MIN_FUZZY:
        return Q(**{f"{field}__contains": word})
    # The substring test comes first: PostgreSQL stops at it for most matches, and it is
    # far cheaper than the similarity it spares.
    return Q(**{f"{field}__contains": word}) | Q(WordSimilar(Value(word), F(field)))


def _query_words(key: str) -> list[str]:
    """The words of a search that must each match (of 3 letters or more: an initial says too
    little), or the whole key when it has none so long."""
    return [word for word in key.split() if len(word) >= MIN_SUBSTRING][:MAX_WORDS] or [key]


def _key_matches(key: str) -> Q:
    """A search key holding every word of ``key``, each as a substring (a partial name) or,
    from 5 letters, as a similar word (a misspelling)."""
    matches = Q()
    for word in _query_words(key):
        matches &= _word_matches(word, "search_key")
    return matches


def _name_words_matched(words: list[str]) -> list[dict[str, float]]:
    """For each query word, the name words it matches (``_word_matches``) and how closely
    (word similarity, 1 for the same word, to two decimals): one query on the vocabulary."""
    queries = [
        NameWord.objects.filter(_word_matches(word, "word"))
        .annotate(position=Value(position), score=TrigramWordSimilarity(Value(word), "word"))
        .order_by("-score", "word")
        .values_list("position", "word", "score")[:MAX_EXPANSION]
        for position, word in enumerate(words)
    ]
    matched: list[dict[str, float]] = [{} for _ in words]
    for position, word, score in queries[0].union(*queries[1:], all=True):
        matched[position][word] = _surname_first(words[position], word, score)
    return matched


def _surname_first(query_word: str, word: str, score: float) -> float:
    """The score of ``word`` for ``query_word`` (to two decimals). A query word with a
    surname's form (``name_parts``) asks for a surname: surnames score in the upper half,
    given names and patronymics that resemble it (Gevorg, Gevorgi for "gevorgyan") in the
    lower, so every person with the surname ranks above every person with such a name."""
    if is_surname(query_word):
        score = (1 + score) / 2 if is_surname(word) else score / 2
    return round(score, 2)


def _score(value: float) -> Cast:
    # A float literal would be numeric, whose arithmetic costs more per row than float8's.
    return Cast(Value(value), FloatField())


class AmongIds(Func):
    """``id = ANY('{…}'::bigint[])``: the ids as one array parameter, in PostgreSQL's text
    form. ``pk__in`` writes one constant per id, and a few hundred persons found by an alias
    would be prepared in Python, then parsed and planned by PostgreSQL as hundreds of
    constants, in each of a search's two queries and its rank."""

    output_field = BooleanField()

    def __init__(self, ids):
        super().__init__(F("pk"))
        self.ids = "{" + ",".join(str(int(pk)) for pk in ids) + "}"

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids]


def _tiers(scores: dict, condition: Callable[[list], Q | Expression]) -> Case:
    """A rank from ``scores`` ({value: score}): the highest score among the values a row
    matches by ``condition(values)``, else 0."""
    by_score: dict[float, list] = {}
    for value, score in scores.items():
        by_score.setdefault(score, []).append(value)
    return Case(
        *[
            When(condition(by_score[score]), then=_score(score))
            for score in sorted(by_score, reverse=True)
        ],
        default=_score(0.0),
    )


def _word_rank(matched: dict[str, float]) -> float | Case:
    """How closely a person's key holds one query word: the score of its closest name word
    (a number when every word found is as close)."""
    scores = set(matched.values())
    if len(scores) == 1:
        return scores.pop()
    return _tiers(matched, lambda words: Q(name_words__overlap=words))


def _names_rank(matched: list[dict[str, float]]) -> tuple[Expression, bool]:
    """The mean over the query words of ``_word_rank``, and whether it varies by person."""
    ranks = [_word_rank(found) for found in matched]
    if all(isinstance(rank, float) for rank in ranks):
        return _score(sum(ranks) / len(ranks)), False
    terms = [_score(rank) if isinstance(rank, float) else rank for rank in ranks]
    return sum(terms[1:], terms[0]) / _score(len(terms)), True


def _aliased(key: str, *, public: bool) -> dict[int, float]:
    """The persons an alias of whom matches ``key``, with the word similarity of ``key`` to
    their closest such alias (to two decimals): one query on the alias index. A ``public``
    search reads only public aliases of public names."""
    aliases = PersonAlias.objects.filter(_key_matches(key))
    if public:
        aliases = aliases.filter(public=True, person__name_public=True)
    found = (
        aliases.values("person_id")
        .annotate(rank=Max(TrigramWordSimilarity(Value(key), "search_key")))
        .order_by()
    )
    return {row["person_id"]: round(row["rank"], 2) for row in found}


def name_search(persons: QuerySet[Person], text: str, *, public: bool) -> QuerySet[Person]:
    """``persons`` whose names or aliases match ``text`` in any script (Սարգսյան, Саргсян and
    Sargsyan are one name), word by word, annotated with ``search_rank``: for the names, the
    mean over the query's words of how close the person's closest word is; for an alias, the
    word similarity of the whole ``text`` to it; the better of the two. Nothing when ``text``
    has no letter or digit to compare.

    Each query word is first matched against the vocabulary of name words (``NameWord``: one
    row per distinct word, far fewer than persons) by substring or similarity; then the
    persons are found by holding one of the words found for every query word, through the
    name postings (``postings.holding_words``). That reads only the persons that match,
    however common the name, where trigrams of the whole key would be rechecked against every
    person sharing a frequent trigram. A search on all persons is counted and ranked from the
    postings alone (``postings.NameHits``, read by ``paging.SearchPaginator``).

    A ``public`` search sees only names that may be published, and only the public aliases of
    those (a merged hidden name is a hidden alias), so neither results, order nor counts tell
    the public anything about a hidden name.
    """
    key = query_key(text)
    if not any(char.isalnum() for char in key):
        return persons.none()
    # A search on every person (or every published one) can be counted and ranked from the
    # postings alone (``postings.posted_hits``); one filtered otherwise reads the persons.
    alone = not persons.query.where
    persons = persons.alias(name_words=NameWords("search_key"))
    if public:
        persons = persons.filter(name_public=True)
    base = persons.query.where
    words = _query_words(key)
    matched = _name_words_matched(words)
    # The few persons an alias matches are read first (one query on the alias index), so
    # that the matches are one subquery: the postings' persons and these.
    aliased = _aliased(key, public=public)
    matches = Q(pk__in=holding_words(matched, aliased, public=public))
    rank, varies = _score(0.0), False
    if all(matched):
        rank, varies = _names_rank(matched)
    if aliased:
        rank, varies = Greatest(rank, _tiers(aliased, AmongIds)), True
    if varies:
        persons = persons.alias(**{RANK_VARIES: Value(True)})
    found = persons.filter(matches).annotate(**{SEARCH_RANK: ExpressionWrapper(rank, FloatField())})
    if alone:
        found.query.name_hits = NameHits(
            matched, aliased, public, base=base.clone(), where=found.query.where.clone()
        )
    return found


def person_search(text: str, *, conflict_id=None, party_id=None) -> QuerySet[Person]:
    """Staff look-up: persons whose name or alias matches ``text``, closest first."""
    persons = Person.objects.all()
    if conflict_id:
        persons = persons.filter(conflict_id=conflict_id)
    if party_id:
        persons = persons.filter(party_id=party_id)
    return name_search(persons, text, public=False).order_by(f"-{SEARCH_RANK}", "id")


def persons_named(names: set[str], *, conflict, party) -> dict[str, list[Person]]:
    """Persons of ``party`` in ``conflict`` whose native or Latin name is exactly one of
    ``names`` (any case), keyed by the lower-cased name; one query for a whole batch."""
    lowered = {name.lower() for name in names}
    found: dict[str, list[Person]] = {}
    persons = (
        Person.objects.select_related("party")
        .annotate(native=Lower("full_name"), latin=Lower("name_latin"))
        .filter(conflict=conflict, party=party)
        .filter(Q(native__in=lowered) | Q(latin__in=lowered))
    )
    for person in persons:
        for key in {person.native, person.latin} & lowered:
            found.setdefault(key, []).append(person)
    return found
