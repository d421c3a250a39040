"""The audit trail's hash chain (core/audit_sql.py, core/models.py): one row per statement that
wrote events (a *link*: which events, a hash of each), chained at commit, and the chain's head.

Only the tables are made here; their triggers, and the guards on every event table, are
(re)installed after every ``migrate`` (core/apps.py), so an event table that an app adds later
is guarded and chained without a migration of ours.
"""

import django.contrib.postgres.fields
import django.db.models.functions.datetime
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_cache_table")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.IntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField()),
                ("hash", models.BinaryField()),
            ],
            options={
                "db_table": "core_audit_head",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="one_audit_head")
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("table_name", models.TextField()),
                (
                    "event_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), size=None
                    ),
                ),
                ("digests", models.BinaryField()),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                ("seq", models.BigIntegerField(null=True, unique=True)),
                ("prev_hash", models.BinaryField(null=True)),
                ("hash", models.BinaryField(null=True)),
            ],
            options={"db_table": "core_audit_link"},
        ),
    ]
