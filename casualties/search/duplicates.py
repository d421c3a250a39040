"""Pairs of person records that may describe one individual, and pairs that may be relatives,
found in SQL by blocking.

Comparing every record's name with every other's does not scale: common surnames concentrate
(in a national list the eight commonest hold one person in five), and a trigram self-join then
compares them all. Records are instead paired only inside blocks, records of one conflict and
party that share:

- ``dob``: the date of birth;
- ``dob_swapped``: the date of birth with day and month swapped (a list that wrote 04/05 for
  5 April);
- ``service_number``: the service number (case and surrounding spaces ignored);
- ``name``: the given name and surname as transliterated (their search-key words, see
  ``name_parts`` for which word is the surname, in either name order).

Inside a block a pair is a **duplicate candidate** when nothing known contradicts it (where
both records have a date of birth the dates are equal or swapped, where both have a service
number the numbers are equal) and either the service numbers agree or the names are alike
(trigram similarity of the search keys at least ``SIMILARITY_THRESHOLD``).

Records with the same surname and patronymic and different given names are **possible
relatives** (twins, brothers), never duplicates, when their dates of birth are equal or at most
``RELATIVE_DAYS`` apart; they form a block of their own (``relatives``).

Score = trigram similarity of the two search keys (0–1)
        + ``DOB_BONUS`` (0.5) when both dates of birth are known and equal (or swapped)
        + ``SERVICE_NUMBER_BONUS`` (0.5) when both service numbers are known and equal.
Each pair carries the blocks it shares: why it is listed.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from casualties.search.duplicate_sql import CANDIDATES_SQL
from casualties.search.name_parts import SURNAME_PATTERN

SIMILARITY_THRESHOLD = 0.5
DOB_BONUS = 0.5
SERVICE_NUMBER_BONUS = 0.5
# Siblings listed as possible relatives are born at most this far apart.
RELATIVE_DAYS = 3 * 366
DUPLICATE, RELATIVES = "duplicate", "relatives"
REASONS = ("dob", "dob_swapped", "service_number", "name", "relatives")


@dataclass(frozen=True)
class Candidate:
    """Two records (``a_id`` < ``b_id``) that may be one person (or relatives), and why."""

    a_id: int
    b_id: int
    similarity: float
    dob_agrees: bool | None  # None: unknown on at least one side
    service_number_agrees: bool | None
    score: float
    reasons: tuple[str, ...] = ()


def _like_pattern(name_key: str) -> str:
    escaped = name_key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def duplicate_candidates(
    *,
    conflict_id: int | None = None,
    party_id: int | None = None,
    name_key: str = "",
    kind: str = DUPLICATE,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Candidate], int | None]:
    """One page of pairs of ``kind`` (duplicate candidates, or possible relatives), best score
    first, and the number of such pairs in all (None when the page is past the end).
    ``name_key`` (a query key, see ``transliteration.query_key``) keeps pairs where either
    search key contains it."""
    params = {
        "conflict": conflict_id,
        "party": party_id,
        "name": name_key,
        "name_like": _like_pattern(name_key),
        "surname": SURNAME_PATTERN,
        "threshold": SIMILARITY_THRESHOLD,
        "relative_days": RELATIVE_DAYS,
        "relatives": kind == RELATIVES,
        "dob_bonus": DOB_BONUS,
        "sn_bonus": SERVICE_NUMBER_BONUS,
        "limit": limit,
        "offset": offset,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, params)
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else None
    return [Candidate(*row[:6], tuple(row[6])) for row in rows], total
