from django.db import migrations


class Migration(migrations.Migration):
    """Request counters for API throttling (core/api/throttling.py), shared by every worker.

    UNLOGGED: counters need no crash safety or replication, and skip the write-ahead log.
    """

    dependencies = [("casualties", "0004_person_list_order_indexes")]

    operations = [
        migrations.RunSQL(
            """
            CREATE UNLOGGED TABLE api_throttle (
                bucket text NOT NULL,
                window_start bigint NOT NULL,
                hits integer NOT NULL,
                PRIMARY KEY (bucket, window_start)
            );
            """,
            reverse_sql="DROP TABLE api_throttle",
        ),
    ]
