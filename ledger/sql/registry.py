"""The person figures, read from the person tallies (``ledger.models``: PersonTally,
PersonNowTally, CaptivityTally) that triggers keep from the status changes: their cost grows
with the days and cells of the timeline, not with the persons."""

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


def _cells(dimensions: str, *, as_of_given: bool) -> str:
    # Now: the running totals; as of a day: the days' moves up to it.
    source = f"{TALLY} WHERE {dated('day')} AND" if as_of_given else f"{NOW_TALLY} WHERE"
    return f"""
    SELECT conflict_id, party_id, dimension, value, status, sum(n)::int AS n
    FROM {source} {in_scope("conflict_id", "party_id")} AND dimension IN ({dimensions})
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
