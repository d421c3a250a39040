"""The person figures, read from the person tallies (``ledger.models``: PersonTally,
PersonMonthTally, PersonNowTally, CaptivityTally, HeldDaysTally) that triggers keep from the
status changes: their cost grows with the cells and the months of the timeline, not with the
persons; as of a day, with those on the nearer side of it."""

from ledger.models import (
    CaptivityTally,
    HeldDaysTally,
    PersonCaptivity,
    PersonMonthTally,
    PersonNowTally,
    PersonSpell,
    PersonTally,
)
from ledger.sql.common import ONE_LEDGER, STATUS_CHANGE, dated, in_scope, reads_backward

TALLY = PersonTally._meta.db_table
NOW_TALLY = PersonNowTally._meta.db_table
MONTH_TALLY = PersonMonthTally._meta.db_table
CAPTIVITY_TALLY = CaptivityTally._meta.db_table
HELD_DAYS = HeldDaysTally._meta.db_table


_DAYS = f"""
    SELECT {{}}(day) FROM {TALLY}
    WHERE conflict_id = %(conflict)s::bigint AND party_id = %(party)s::bigint
        AND dimension = 'region'
"""
# As of a day, one ledger's cells are the moves of the months before the day's month and of
# its days up to the day; or the running totals less the moves of the months after it and of
# its days after the day: whichever side of the day is shorter is read (every spell's cell
# moves on the region dimension, so its first and last day are the ledger's).
_SIDE = f"""
    SELECT {reads_backward("%(as_of)s::date", _DAYS.format("min"), _DAYS.format("max"))}
        AS backward
"""
_BACKWARD = "(SELECT backward FROM side)"
_MONTH = "date_trunc('month', %(as_of)s::date)::date"


def _moves(dimensions: str) -> str:
    """As of a day (``side`` says which side is read)."""
    scope = f"{in_scope('conflict_id', 'party_id')} AND dimension IN ({dimensions})"
    columns = "conflict_id, party_id, dimension, value, status"
    return f"""
        SELECT {columns}, n FROM {MONTH_TALLY}
        WHERE NOT {_BACKWARD} AND month < {_MONTH} AND {scope}
        UNION ALL
        SELECT {columns}, n FROM {TALLY}
        WHERE NOT {_BACKWARD} AND day >= {_MONTH} AND day <= %(as_of)s::date AND {scope}
        UNION ALL
        SELECT {columns}, n FROM {NOW_TALLY} WHERE {_BACKWARD} AND {scope}
        UNION ALL
        SELECT {columns}, -n FROM {MONTH_TALLY}
        WHERE {_BACKWARD} AND month > {_MONTH} AND {scope}
        UNION ALL
        SELECT {columns}, -n FROM {TALLY}
        WHERE {_BACKWARD} AND day > %(as_of)s::date
            AND day < ({_MONTH} + interval '1 month')::date AND {scope}
    """


def _cells(dimensions: str, *, as_of_given: bool) -> str:
    # Now: the running totals; as of a day: the moves up to it (``_moves``).
    if as_of_given:
        moves = f"WITH side AS ({_SIDE}) SELECT * FROM ({_moves(dimensions)}) moves"
    else:
        moves = f"""SELECT conflict_id, party_id, dimension, value, status, n FROM {NOW_TALLY}
            WHERE {in_scope("conflict_id", "party_id")} AND dimension IN ({dimensions})"""
    return f"""
    SELECT conflict_id, party_id, dimension, value, status, sum(n)::int AS n
    FROM ({moves}) moves
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
# Read from the nearer side of the day (as the cells are): every captivity begun by the day
# (``_HELD_FORWARD``), or the finished captivities' days less those finishing after the day,
# and the captivities running on it (``_HELD_BACKWARD``: now, always).
_CAPTURED = f"""
    SELECT {{}}(captured_on) FROM {CAPTIVITY_TALLY}
    WHERE conflict_id = %(conflict)s::bigint AND party_id = %(party)s::bigint
"""
_HELD_BACK = f"""
    ({ONE_LEDGER} AND %(as_of)s::date IS NULL)
    OR {reads_backward("%(as_of)s::date", _CAPTURED.format("min"), _CAPTURED.format("max"))}
"""
_ENDS_AFTER = "(%(as_of)s::date IS NOT NULL AND ended_on > %(as_of)s::date)"
_HELD = f"""
    SELECT coalesce(CASE WHEN {dated("ended_on")} THEN ended_on END,
                    coalesce(%(as_of)s::date, current_date)) - captured_on AS days, n
    FROM {CAPTIVITY_TALLY}
    WHERE NOT ({_HELD_BACK}) AND {in_scope("conflict_id", "party_id")} AND {dated("captured_on")}
    UNION ALL
    SELECT days, n FROM {HELD_DAYS} WHERE ({_HELD_BACK}) AND {in_scope("conflict_id", "party_id")}
    UNION ALL
    SELECT ended_on - captured_on, -n FROM {CAPTIVITY_TALLY}
    WHERE ({_HELD_BACK}) AND {in_scope("conflict_id", "party_id")} AND {_ENDS_AFTER}
    UNION ALL
    SELECT coalesce(%(as_of)s::date, current_date) - captured_on, n FROM {CAPTIVITY_TALLY}
    WHERE ({_HELD_BACK}) AND {in_scope("conflict_id", "party_id")} AND {dated("captured_on")}
        AND (ended_on IS NULL OR {_ENDS_AFTER})
"""
# In integers: a running sum over numeric costs more than reading the rows.
MEDIAN_DAYS_HELD = f"""
    WITH held AS (
        SELECT days, sum(n)::int AS n FROM ({_HELD}) moves GROUP BY days HAVING sum(n) <> 0
    ),
    total AS (SELECT sum(n) AS persons FROM held),
    ranked AS (
        SELECT days, sum(n) OVER (ORDER BY days ROWS UNBOUNDED PRECEDING) AS upto FROM held
    )
    -- The middle one or two persons' 1-based positions: (persons + 1) / 2 and persons / 2 + 1.
    SELECT (min(days) FILTER (WHERE upto >= (persons - 1) / 2 + 1)
            + min(days) FILTER (WHERE upto >= persons / 2 + 1)) / 2.0 AS median_days_held
    FROM ranked, total
"""

# The full recomputation ``manage.py rebuild_tallies`` runs: every person refreshed at once by
# the function the triggers call, into emptied tables. The locks wait for every transaction
# that changed a tally and hold new ones back until the rebuilt rows commit.
PERSON_TABLES = [
    model._meta.db_table
    for model in (
        PersonSpell,
        PersonCaptivity,
        PersonTally,
        PersonMonthTally,
        PersonNowTally,
        CaptivityTally,
        HeldDaysTally,
    )
]
REBUILD = [
    *(f"LOCK TABLE {table} IN EXCLUSIVE MODE" for table in PERSON_TABLES),
    *(f"DELETE FROM {table}" for table in PERSON_TABLES),
    f"""SELECT ledger_persons_refresh(array_agg(DISTINCT person_id ORDER BY person_id))
        FROM {STATUS_CHANGE}""",
]
