"""``manage.py rebuild_identification_tallies``: recompute the ledger's remains tallies (the
identification pipeline's, and the returned block's) from the remains and handovers (after a
load with triggers off, or to check the triggers)."""

from django.core.management.base import BaseCommand
from django.db import connections, transaction

from ledger.sql import identification_tallies, returned_tallies


class Command(BaseCommand):
    help = "Recompute the ledger's remains tallies (identification and returned) from the remains."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database), connections[database].cursor() as cursor:
            for statement in identification_tallies.REBUILD + returned_tallies.REBUILD:
                cursor.execute(statement)
            cursor.execute(
                f"SELECT count(*), coalesce(sum(n), 0) FROM {identification_tallies.TALLY}"
            )
            rows, remains = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {returned_tallies.RETURNED_TALLY}")
            [days] = cursor.fetchone()
        self.stdout.write(f"{rows} tally rows for {remains} remains; {days} returned day tallies.")
