"""The handover day sums and count mismatches the ledger's ``returned`` block reads
(``ledger.models``: HandoverDay, HandoverMismatch).

The triggers that keep them are in migration ``ledger/0010_handover_days``; these are the full
recomputations from the handovers and remains, which ``manage.py rebuild_tallies`` runs and
the tests compare the triggers' result with: each ``ROWS`` query gives the rows the matching
``CURRENT`` one reads back from the table.
"""

from ledger.models import HandoverDay, HandoverMismatch
from ledger.sql.common import HANDOVER, REMAINS, literal, rebuilt
from repatriation.choices import HandoverKind, HandoverState, RemainsCondition

DAYS = HandoverDay._meta.db_table
MISMATCHES = HandoverMismatch._meta.db_table

_KINDS = f"h.kind IN ({literal(HandoverKind.REMAINS)}, {literal(HandoverKind.RECOVERY)})"
_VERIFIED = f"h.state = {literal(HandoverState.VERIFIED)}"
_LOGGED = f"""
    SELECT handover_id, count(*) AS logged,
           count(*) FILTER (WHERE condition = {literal(RemainsCondition.COMPLETE)}) AS complete
    FROM {REMAINS} GROUP BY 1
"""

DAY_ROWS = f"""
    SELECT h.conflict_id, h.to_party_id, h.date, h.kind, {_VERIFIED}, count(*)::int,
           sum(h.reported_count)::bigint, coalesce(sum(r.logged), 0)::int,
           coalesce(sum(r.complete), 0)::int
    FROM {HANDOVER} h LEFT JOIN ({_LOGGED}) r ON r.handover_id = h.id
    WHERE {_KINDS}
    GROUP BY 1, 2, 3, 4, 5
"""
MISMATCH_ROWS = f"""
    SELECT h.id, h.conflict_id, h.to_party_id, h.date, h.reported_count,
           coalesce(r.logged, 0)::int
    FROM {HANDOVER} h LEFT JOIN ({_LOGGED}) r ON r.handover_id = h.id
    WHERE {_VERIFIED} AND {_KINDS} AND coalesce(r.logged, 0) <> h.reported_count
"""

_DAY_COLUMNS = "conflict_id, party_id, day, kind, verified, handovers, reported, logged, complete"
_MISMATCH_COLUMNS = "handover_id, conflict_id, party_id, date, reported, logged"

# (table, columns, full recomputation, the table read back as the same rows). Every row is
# read back: one the triggers left at all zeros is a fault too.
TABLES = [
    (DAYS, _DAY_COLUMNS, DAY_ROWS, f"SELECT {_DAY_COLUMNS} FROM {DAYS}"),
    (
        MISMATCHES,
        _MISMATCH_COLUMNS,
        MISMATCH_ROWS,
        f"SELECT {_MISMATCH_COLUMNS} FROM {MISMATCHES}",
    ),
]

REBUILD = rebuilt((table, columns, rows) for table, columns, rows, _current in TABLES)
