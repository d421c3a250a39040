from django.db import migrations


class Migration(migrations.Migration):
    """The one-row table that every committed write to a domain table advances (audit.py)."""

    dependencies = [("casualties", "0001_initial")]

    operations = [
        migrations.RunSQL(
            """
            CREATE TABLE ledger_data_version (
                id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
                version bigint NOT NULL,
                changed_at timestamptz NOT NULL
            );
            INSERT INTO ledger_data_version (version, changed_at) VALUES (1, now());
            """,
            reverse_sql="DROP TABLE ledger_data_version",
        ),
    ]
