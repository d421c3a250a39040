"""The database cache's table (settings.CACHES): made by ``migrate`` like every other table, so
a deployment that runs only ``migrate`` serves pages that use the cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable skips a table that already exists (databases made before this migration).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
