"""The pipeline's backward tallies filled from the remains tallies (after 0012 has created their
keys and triggers). The lock holds writers back until the filled rows commit; their deltas then
apply on top. Frozen here; the same rows are ``PIPELINE_ROWS`` in
``ledger.sql.identification_tallies``."""

from django.db import migrations

FILL = """
LOCK TABLE ledger_identificationtally IN EXCLUSIVE MODE;
DELETE FROM ledger_pipelinereceipttally;
DELETE FROM ledger_pipelineconfirmedtally;
DELETE FROM ledger_pipelinedaystally;
INSERT INTO ledger_pipelinereceipttally (conflict_id, party_id, received_on, n, confirmed,
    presumptive, released, within_30, within_90, within_180, within_365)
SELECT conflict_id, party_id, received_on, sum(n)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'presumptive'), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'
                                 AND released_on IS NOT NULL), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'
                                 AND identified_on - received_on <= 30), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'
                                 AND identified_on - received_on <= 90), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'
                                 AND identified_on - received_on <= 180), 0)::int,
       coalesce(sum(n) FILTER (WHERE identification = 'confirmed'
                                 AND identified_on - received_on <= 365), 0)::int
FROM ledger_identificationtally WHERE returned_on IS NULL
GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
INSERT INTO ledger_pipelineconfirmedtally (conflict_id, party_id, identified_on, n)
SELECT conflict_id, party_id, identified_on, sum(n)::int
FROM ledger_identificationtally
WHERE returned_on IS NULL AND identification = 'confirmed'
GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
INSERT INTO ledger_pipelinedaystally (conflict_id, party_id, days, n)
SELECT conflict_id, party_id, greatest(identified_on - received_on, 0), sum(n)::int
FROM ledger_identificationtally
WHERE returned_on IS NULL AND identification = 'confirmed'
GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0012_pipeline_tallies"),
    ]

    # Reversed, 0012's reversal drops the tables.
    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
