"""The remains tallies the pipeline figures sum (``ledger.models.IdentificationTally``), and
the backward tallies summed from them (``PipelineReceiptTally`` and its two siblings).

The triggers that keep them are in migrations ``ledger/0002_identification_tallies``,
``ledger/0004_released_tally`` (which added the release day) and ``ledger/0012_pipeline_tallies``;
this is the full recomputation, which ``manage.py rebuild_tallies`` runs and the tests
compare the triggers' result with.
"""

from ledger.models import (
    IdentificationTally,
    PipelineConfirmedTally,
    PipelineDaysTally,
    PipelineReceiptTally,
)
from ledger.models.pipeline_tallies import WITHIN_COLUMNS
from ledger.sql.common import HANDOVER, REMAINS, literal, rebuilt
from repatriation.choices import Identification

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

RECEIPT_TALLY = PipelineReceiptTally._meta.db_table
CONFIRMED_TALLY = PipelineConfirmedTally._meta.db_table
DAYS_TALLY = PipelineDaysTally._meta.db_table

_CONFIRMED = f"identification = {literal(Identification.CONFIRMED)}"
_WITHIN = ", ".join(
    f"coalesce(sum(n) FILTER (WHERE {_CONFIRMED} AND identified_on - received_on <= "
    f"{column.removeprefix('within_')}), 0)::int"
    for column in WITHIN_COLUMNS
)
# The backward tallies as the triggers of 0012 keep them, from the remains tallies not returned
# to the sender: (table, columns, rows), each grouped by its key.
PIPELINE_ROWS = (
    (
        RECEIPT_TALLY,
        "conflict_id, party_id, received_on, n, confirmed, presumptive, released, "
        + ", ".join(WITHIN_COLUMNS),
        f"""SELECT conflict_id, party_id, received_on, sum(n)::int,
               coalesce(sum(n) FILTER (WHERE {_CONFIRMED}), 0)::int,
               coalesce(sum(n) FILTER (
                   WHERE identification = {literal(Identification.PRESUMPTIVE)}), 0)::int,
               coalesce(sum(n) FILTER (WHERE {_CONFIRMED} AND released_on IS NOT NULL), 0)::int,
               {_WITHIN}
        FROM {TALLY} WHERE returned_on IS NULL GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",
    ),
    (
        CONFIRMED_TALLY,
        "conflict_id, party_id, identified_on, n",
        f"""SELECT conflict_id, party_id, identified_on, sum(n)::int FROM {TALLY}
        WHERE returned_on IS NULL AND {_CONFIRMED} GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",
    ),
    (
        DAYS_TALLY,
        "conflict_id, party_id, days, n",
        f"""SELECT conflict_id, party_id, greatest(identified_on - received_on, 0), sum(n)::int
        FROM {TALLY} WHERE returned_on IS NULL AND {_CONFIRMED}
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",
    ),
)

# The remains tallies' triggers move the backward tallies too, but from whatever those held:
# after the remains tallies are rebuilt, the backward ones are recomputed from them.
REBUILD = rebuilt([(TALLY, COLUMNS, TALLY_ROWS), *PIPELINE_ROWS])
# The tallies as the triggers left them, grouped like ``TALLY_ROWS``, for comparison.
CURRENT = f"""
    SELECT conflict_id, party_id, received_on, identification, identified_on, returned_on,
           released_on, sum(n)::int
    FROM {TALLY} GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
"""


def pipeline_current(table: str, columns: str) -> str:
    """One backward tally's rows as the triggers left them, for comparison with its rows in
    ``PIPELINE_ROWS``."""
    return f"SELECT {columns} FROM {table}"
