"""The person tallies of the persons already there (issue 19): every person refreshed at once,
by the function the triggers call. A migration of its own, as the tallies' unique keys, which
the function's upserts need, are created only when the migration that adds the tables ends."""

from django.db import migrations

FILL = """
SELECT ledger_persons_refresh(array_agg(DISTINCT person_id ORDER BY person_id))
FROM casualties_statuschange;
"""

EMPTY = """
DELETE FROM ledger_personspell;
DELETE FROM ledger_personcaptivity;
DELETE FROM ledger_persontally;
DELETE FROM ledger_personnowtally;
DELETE FROM ledger_captivitytally;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_person_tallies")]

    operations = [migrations.RunSQL(FILL, EMPTY)]
