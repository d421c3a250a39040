"""Pairs of person records that may describe the same individual, found in SQL.

A pair is a candidate when both records belong to the same conflict and party, their search
keys (names in Latin letters, lower-case) are similar by pg_trgm (``%``, similarity at least
``SIMILARITY_THRESHOLD``), and nothing known contradicts it: where both records have a date of
birth the dates are equal, and where both have a service number the numbers are equal (case and
surrounding spaces ignored).

Score = trigram similarity of the two search keys (0–1)
        + ``DOB_BONUS`` (0.5) when both dates of birth are known and equal
        + ``SERVICE_NUMBER_BONUS`` (0.5) when both service numbers are known and equal,
so 0.5–2.0: an unknown date or number adds nothing, which ranks such a pair below one
whose details are known to agree.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.utils import OperationalError

SIMILARITY_THRESHOLD = 0.5
DOB_BONUS = 0.5
SERVICE_NUMBER_BONUS = 0.5
# A page of candidates is one query; this bounds what it may cost the shared database when a
# party holds thousands of people with the same name (narrow the search by name then).
STATEMENT_TIMEOUT_MS = 15_000

# ``b.search_key % a.search_key`` lets PostgreSQL probe the trigram index person_search_trgm
# once per person ``a`` (a nested loop over a bitmap index scan) instead of comparing every
# pair. ``a`` drives: with a name, only persons whose key contains it (found through the same
# index) are probed, and their partner ``b`` may be anyone; each pair is kept once, from its
# lower id unless only the higher one contains the name. ``count(*) OVER ()`` gives the total
# in the same query as the page.
CANDIDATES_SQL = """
WITH pairs AS (
    SELECT least(a.id, b.id) AS a_id, greatest(a.id, b.id) AS b_id,
           similarity(a.search_key, b.search_key) AS similarity,
           CASE WHEN a.date_of_birth IS NULL OR b.date_of_birth IS NULL THEN NULL
                ELSE TRUE END AS dob_agrees,
           CASE WHEN btrim(a.service_number) = '' OR btrim(b.service_number) = '' THEN NULL
                ELSE TRUE END AS service_number_agrees
    FROM casualties_person a
    JOIN casualties_person b
      ON b.search_key %% a.search_key
     AND b.conflict_id = a.conflict_id
     AND b.party_id = a.party_id
     AND (b.id > a.id OR (%(name)s <> '' AND b.search_key NOT LIKE %(name_like)s))
    WHERE (%(conflict)s::bigint IS NULL OR a.conflict_id = %(conflict)s::bigint)
      AND (%(party)s::bigint IS NULL OR a.party_id = %(party)s::bigint)
      AND (%(name)s = '' OR a.search_key LIKE %(name_like)s)
      AND (a.date_of_birth IS NULL OR b.date_of_birth IS NULL
           OR a.date_of_birth = b.date_of_birth)
      AND (btrim(a.service_number) = '' OR btrim(b.service_number) = ''
           OR upper(btrim(a.service_number)) = upper(btrim(b.service_number)))
)
SELECT a_id, b_id, similarity, dob_agrees, service_number_agrees,
       similarity
         + CASE WHEN dob_agrees THEN %(dob_bonus)s ELSE 0 END
         + CASE WHEN service_number_agrees THEN %(sn_bonus)s ELSE 0 END AS score,
       count(*) OVER () AS total
FROM pairs
ORDER BY score DESC, a_id, b_id
LIMIT %(limit)s OFFSET %(offset)s
"""


class TooManyCandidates(Exception):
    """The search took longer than ``STATEMENT_TIMEOUT_MS``: it should be narrowed."""


@dataclass(frozen=True)
class Candidate:
    """Two records (``a_id`` < ``b_id``) that may be one person, and why."""

    a_id: int
    b_id: int
    similarity: float
    dob_agrees: bool | None  # None: unknown on at least one side
    service_number_agrees: bool | None
    score: float


def _like_pattern(name_key: str) -> str:
    escaped = name_key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def duplicate_candidates(
    *,
    conflict_id: int | None = None,
    party_id: int | None = None,
    name_key: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Candidate], int | None]:
    """One page of candidate pairs, best score first, and the number of candidates in all
    (None when the page is past the end). ``name_key`` (a search key, see
    ``transliteration.search_key``) keeps pairs where either name contains it."""
    params = {
        "conflict": conflict_id,
        "party": party_id,
        "name": name_key,
        "name_like": _like_pattern(name_key),
        "dob_bonus": DOB_BONUS,
        "sn_bonus": SERVICE_NUMBER_BONUS,
        "limit": limit,
        "offset": offset,
    }
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true),"
                " set_config('statement_timeout', %s, true)",
                [str(SIMILARITY_THRESHOLD), str(STATEMENT_TIMEOUT_MS)],
            )
            cursor.execute(CANDIDATES_SQL, params)
            rows = cursor.fetchall()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooManyCandidates from error
        raise
    total = rows[0][-1] if rows else None
    return [Candidate(*row[:-1]) for row in rows], total
