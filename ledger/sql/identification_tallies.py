"""The remains tallies the pipeline figures sum (``ledger.models.IdentificationTally``).

The triggers that keep them are in migrations ``ledger/0002_identification_tallies`` and
``ledger/0004_released_tally`` (which added the release day); this is
the full recomputation, which ``manage.py rebuild_tallies`` runs and the tests
compare the triggers' result with.
"""

from ledger.models import IdentificationTally
from ledger.sql.common import HANDOVER, REMAINS

TALLY = IdentificationTally._meta.db_table

# The same key as the triggers' ``ledger_tally_remains``: one row per group.
TALLY_ROWS = f"""
    SELECT h.conflict_id, h.to_party_id, h.date, r.identification,
           CASE WHEN r.identification <> 'unidentified' THEN r.identified_on END,
           CASE WHEN r.disposition = 'returned_to_sender' THEN r.disposition_on END,
           CASE WHEN r.disposition IN ('released_to_family', 'buried') THEN r.disposition_on END,
           count(*)::int
    FROM {HANDOVER} h JOIN {REMAINS} r ON r.handover_id = h.id
    WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery')
    GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
COLUMNS = (
    "conflict_id, party_id, received_on, identification, identified_on, returned_on, released_on, n"
)

# The lock waits for every transaction that changed a tally (triggers write them in the same
# statement as the remains), and holds new ones back until the rebuilt rows commit; their
# deltas then apply on top, as their rows were not in the rebuild's snapshot.
REBUILD = [
    f"LOCK TABLE {TALLY} IN EXCLUSIVE MODE",
    f"DELETE FROM {TALLY}",
    f"INSERT INTO {TALLY} ({COLUMNS}) {TALLY_ROWS}",
]
# The tallies as the triggers left them, grouped like ``TALLY_ROWS``, for comparison.
CURRENT = f"""
    SELECT conflict_id, party_id, received_on, identification, identified_on, returned_on,
           released_on, sum(n)::int
    FROM {TALLY} GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
"""
