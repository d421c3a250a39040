"""The handover day sums and count mismatches of the handovers already there (issue 19), from
the handovers and their tallies (the same as ``ledger.sql.handover_days``' rebuild). A
migration of its own, as the day rows' unique key, which the triggers' upserts need, is created
only when the migration that adds the table ends."""

from django.db import migrations

FILL = """
INSERT INTO ledger_handoverday
    (conflict_id, party_id, day, kind, verified, handovers, reported, logged, complete)
SELECT h.conflict_id, h.to_party_id, h.date, h.kind, h.state = 'verified', count(*),
       sum(h.reported_count), coalesce(sum(t.logged), 0), coalesce(sum(t.complete), 0)
FROM repatriation_handover h LEFT JOIN ledger_handovertally t ON t.handover_id = h.id
WHERE h.kind IN ('remains', 'recovery')
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO ledger_handovermismatch (handover_id, conflict_id, party_id, date, reported, logged)
SELECT h.id, h.conflict_id, h.to_party_id, h.date, h.reported_count, coalesce(t.logged, 0)
FROM repatriation_handover h LEFT JOIN ledger_handovertally t ON t.handover_id = h.id
WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery')
    AND coalesce(t.logged, 0) <> h.reported_count;
"""

EMPTY = "DELETE FROM ledger_handovermismatch; DELETE FROM ledger_handoverday;"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_handover_days")]

    operations = [migrations.RunSQL(FILL, EMPTY)]
