"""The points of the figures already there (issue 19): every series computed at once, by the
function the triggers call. A migration of its own, as the points' unique figure key, which
the triggers' upserts need, and the indexes are created only when the migration that adds the
table ends."""

from django.db import migrations

FILL = """
INSERT INTO ledger_figurepoint (
    figure_id, statement_id, conflict_id, party_id, category, source_id, self_reported,
    as_of, issued_on, revision, value, latest, day_latest, decreased, decreased_from,
    decreased_statement, decreased_as_of, revised, revised_from, revised_statement
)
SELECT * FROM ledger_figure_points_of((
    SELECT array_agg(DISTINCT ROW(st.conflict_id, f.subject_party_id, st.source_id, f.category)
                         ::ledger_figure_series)
    FROM casualties_figure f JOIN casualties_statement st ON st.id = f.statement_id
));
"""

EMPTY = "DELETE FROM ledger_figurepoint;"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_figure_points")]

    operations = [migrations.RunSQL(FILL, EMPTY)]
