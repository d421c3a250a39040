from django.db import migrations


class Migration(migrations.Migration):
    """The sequence that every write statement on a domain table advances (see audit.py)."""

    dependencies = [("casualties", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS ledger_data_version",
            reverse_sql="DROP SEQUENCE IF EXISTS ledger_data_version",
        ),
    ]
