"""The person figures, read from the person tallies (``ledger.models``: PersonTally,
PersonNowTally, CaptivityTally) that triggers keep from the status changes: their cost grows
with the days and cells of the timeline, not with the persons; as of a day, with the days on
the nearer side of it."""

from ledger.models import (
    CaptivityTally,
    PersonCaptivity,
    PersonNowTally,
    PersonSpell,
    PersonTally,
)
from ledger.sql.common import STATUS_CHANGE, dated, in_scope

TALLY = PersonTally._meta.db_table
NOW_TALLY = PersonNowTally._meta.db_table
CAPTIVITY_TALLY = CaptivityTally._meta.db_table


_ONE_LEDGER = "%(conflict)s::bigint IS NOT NULL AND %(party)s::bigint IS NOT NULL"
_DAYS = f"""
    SELECT {{}}(day) FROM {TALLY}
    WHERE conflict_id = %(conflict)s::bigint AND party_id = %(party)s::bigint
        AND dimension = 'region'
"""
# As of a day, one ledger's cells are its days' moves up to the day, or its running totals
# less the moves after it: whichever side of the day holds fewer of its days is read (every
# spell's cell moves on the region dimension, so its first and last day are the ledger's).
_BACKWARD = f"""
    {_ONE_LEDGER} AND coalesce(
        %(as_of)s::date - ({_DAYS.format("min")}) > ({_DAYS.format("max")}) - %(as_of)s::date,
        false)
"""


def _moves(dimensions: str, *, as_of_given: bool) -> str:
    scope = f"{in_scope('conflict_id', 'party_id')} AND dimension IN ({dimensions})"
    columns = "conflict_id, party_id, dimension, value, status"
    if not as_of_given:
        return f"SELECT {columns}, n FROM {NOW_TALLY} WHERE {scope}"
    return f"""
        SELECT {columns}, n FROM {TALLY}
        WHERE NOT ({_BACKWARD}) AND day <= %(as_of)s::date AND {scope}
        UNION ALL
        SELECT {columns}, n FROM {NOW_TALLY} WHERE ({_BACKWARD}) AND {scope}
        UNION ALL
        SELECT {columns}, -n FROM {TALLY}
        WHERE ({_BACKWARD}) AND day > %(as_of)s::date AND {scope}
    """


def _cells(dimensions: str, *, as_of_given: bool) -> str:
    # Now: the running totals; as of a day: the moves up to it (``_moves``).
    return f"""
    SELECT conflict_id, party_id, dimension, value, status, sum(n)::int AS n
    FROM ({_moves(dimensions, as_of_given=as_of_given)}) moves
    GROUP BY conflict_id, party_id, dimension, value, status HAVING sum(n) <> 0
    ORDER BY dimension, value, status
"""


def status_counts(*, as_of_given: bool) -> str:
    """Persons by status (now, or as of the day), per ledger in scope."""
    return f"""
    SELECT conflict_id, party_id, status, sum(n)::int AS n
    FROM ({_cells("'region'", as_of_given=as_of_given)}) c
    GROUP BY conflict_id, party_id, status
"""


def person_cells(*, as_of_given: bool) -> str:
    """(dimension, value, status, n) of one ledger: persons by home region, by basis, and the
    persons ever captured (``captive``) by status."""
    return _cells("'basis', 'captive', 'region'", as_of_given=as_of_given)


# The median days held, as percentile_cont(0.5) over the persons would give it: from the first
# capture to the first release or death after it, or to the day asked about (today) for those
# still held; the average of the two middle persons' days when their number is even.
MEDIAN_DAYS_HELD = f"""
    WITH held AS (
        SELECT conflict_id, party_id,
               coalesce(CASE WHEN {dated("ended_on")} THEN ended_on END,
                        coalesce(%(as_of)s::date, current_date)) - captured_on AS days,
               sum(n) AS n
        FROM {CAPTIVITY_TALLY}
        WHERE {in_scope("conflict_id", "party_id")} AND {dated("captured_on")}
        GROUP BY 1, 2, 3
    ),
    ranked AS (
        SELECT days, sum(n) OVER (ORDER BY days) AS upto, sum(n) OVER () AS persons FROM held
    )
    SELECT (min(days) FILTER (WHERE upto >= floor((persons - 1) / 2.0) + 1)
            + min(days) FILTER (WHERE upto >= ceil((persons - 1) / 2.0) + 1)) / 2.0
           AS median_days_held
    FROM ranked
"""

# The full recomputation ``manage.py rebuild_tallies`` runs: every person refreshed at once by
# the function the triggers call, into emptied tables. The locks wait for every transaction
# that changed a tally and hold new ones back until the rebuilt rows commit.
PERSON_TABLES = [
    model._meta.db_table
    for model in (PersonSpell, PersonCaptivity, PersonTally, PersonNowTally, CaptivityTally)
]
REBUILD = [
    *(f"LOCK TABLE {table} IN EXCLUSIVE MODE" for table in PERSON_TABLES),
    *(f"DELETE FROM {table}" for table in PERSON_TABLES),
    f"""SELECT ledger_persons_refresh(array_agg(DISTINCT person_id ORDER BY person_id))
        FROM {STATUS_CHANGE}""",
]
