"""The tallies the ledger's ``returned`` block reads (``ledger.models``: HandoverTally,
HandoverReturnTally, ReturnedTally, IdentifiedPerson).

The triggers that keep them are in migration ``ledger/0003_returned_tallies``; these are the
full recomputations from the remains, which ``manage.py rebuild_tallies`` runs
and the tests compare the triggers' result with: each ``ROWS`` query gives the rows the
matching ``CURRENT`` one reads back from the tally.
"""

from ledger.models import HandoverReturnTally, HandoverTally, IdentifiedPerson, ReturnedTally
from ledger.sql import handover_days
from ledger.sql.common import HANDOVER, REMAINS, literal, rebuilt
from repatriation.choices import (
    Disposition,
    HandoverKind,
    HandoverState,
    Identification,
    RemainsCondition,
)

HANDOVER_TALLY = HandoverTally._meta.db_table
RETURN_TALLY = HandoverReturnTally._meta.db_table
RETURNED_TALLY = ReturnedTally._meta.db_table
IDENTIFIED = IdentifiedPerson._meta.db_table

_COMPLETE = f"r.condition = {literal(RemainsCondition.COMPLETE)}"
_CONFIRMED = f"r.identification = {literal(Identification.CONFIRMED)}"
_COUNTED = (
    f"h.state = {literal(HandoverState.VERIFIED)} "
    f"AND h.kind IN ({literal(HandoverKind.REMAINS)}, {literal(HandoverKind.RECOVERY)})"
)

HANDOVER_ROWS = f"""
    SELECT handover_id, count(*)::int, (count(*) FILTER (WHERE {_COMPLETE}))::int
    FROM {REMAINS} r GROUP BY 1
"""
RETURN_ROWS = f"""
    SELECT handover_id, disposition_on, count(*)::int,
           (count(*) FILTER (WHERE {_COMPLETE}))::int
    FROM {REMAINS} r WHERE r.disposition = {literal(Disposition.RETURNED_TO_SENDER)}
    GROUP BY 1, 2
"""
IDENTIFIED_ROWS = f"""
    SELECT h.conflict_id, h.to_party_id, r.person_id, min(greatest(h.date, r.identified_on))
    FROM {REMAINS} r JOIN {HANDOVER} h ON h.id = r.handover_id
    WHERE {_CONFIRMED} AND {_COUNTED}
    GROUP BY 1, 2, 3
"""
# Each measure's day: the later of the handover's date and the remains' identification (a
# presumption without a date counts from the handover's).
RETURNED_ROWS = f"""
    SELECT h.conflict_id, h.to_party_id, m.measure, m.day, count(*)::int
    FROM {REMAINS} r JOIN {HANDOVER} h ON h.id = r.handover_id
    CROSS JOIN LATERAL (VALUES
        ('confirmed', CASE WHEN {_CONFIRMED} THEN greatest(h.date, r.identified_on) END),
        ('complete_confirmed',
         CASE WHEN {_CONFIRMED} AND {_COMPLETE} THEN greatest(h.date, r.identified_on) END),
        ('presumptive', CASE WHEN r.identification = {literal(Identification.PRESUMPTIVE)}
                        THEN greatest(h.date, r.identified_on) END)
    ) m (measure, day)
    WHERE {_COUNTED} AND m.day IS NOT NULL
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT conflict_id, to_party_id, 'identified', min, count(*)::int
    FROM ({IDENTIFIED_ROWS}) i GROUP BY 1, 2, 4
"""

# (table, columns, full recomputation, the table read back as the same rows)
TALLIES = [
    (
        HANDOVER_TALLY,
        "handover_id, logged, complete",
        HANDOVER_ROWS,
        f"SELECT handover_id, logged, complete FROM {HANDOVER_TALLY} WHERE logged <> 0",
    ),
    (
        RETURN_TALLY,
        "handover_id, returned_on, n, complete",
        RETURN_ROWS,
        f"SELECT handover_id, returned_on, n, complete FROM {RETURN_TALLY} WHERE n <> 0",
    ),
    (
        IDENTIFIED,
        "conflict_id, party_id, person_id, first_on",
        IDENTIFIED_ROWS,
        f"SELECT conflict_id, party_id, person_id, first_on FROM {IDENTIFIED}",
    ),
    (
        RETURNED_TALLY,
        "conflict_id, party_id, measure, day, n",
        RETURNED_ROWS,
        f"SELECT conflict_id, party_id, measure, day, n FROM {RETURNED_TALLY} WHERE n <> 0",
    ),
]

# The handover day sums last: rebuilding the handover tallies fires their triggers, whose
# result their own rebuild replaces.
REBUILD = (
    rebuilt((table, columns, rows) for table, columns, rows, _current in TALLIES)
    + handover_days.REBUILD
)
