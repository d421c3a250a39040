"""``manage.py rebuild_identification_tallies``: recompute the pipeline's remains tallies from
the remains and handovers (after a load with triggers off, or to check the triggers)."""

from django.core.management.base import BaseCommand
from django.db import connections, transaction

from ledger.sql.identification_tallies import REBUILD, TALLY


class Command(BaseCommand):
    help = "Recompute the identification pipeline's remains tallies from the remains."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database), connections[database].cursor() as cursor:
            for statement in REBUILD:
                cursor.execute(statement)
            cursor.execute(f"SELECT count(*), coalesce(sum(n), 0) FROM {TALLY}")
            rows, remains = cursor.fetchone()
        self.stdout.write(f"{rows} tally rows for {remains} remains.")
