"""``manage.py rebuild_tallies``: recompute the ledger's tallies (the identification
pipeline's, the returned block's, the persons', the confirmed remains' checks, and the figure
points) from the remains, handovers, persons, status changes and figures (after a load with
triggers off, or to check the triggers)."""

from django.core.management.base import BaseCommand
from django.db import connections, transaction

from ledger.sql import (
    figure_points,
    identification_tallies,
    persons,
    registry,
    returned_tallies,
)


class Command(BaseCommand):
    help = "Recompute the ledger's tallies from the remains, handovers, status changes and figures."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        # The checks last: they derive from the identified persons and the spells.
        statements = (
            identification_tallies.REBUILD
            + returned_tallies.REBUILD
            + registry.REBUILD
            + persons.REBUILD
            + figure_points.REBUILD
        )
        with transaction.atomic(using=database), connections[database].cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute(
                f"SELECT count(*), coalesce(sum(n), 0) FROM {identification_tallies.TALLY}"
            )
            rows, remains = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {returned_tallies.RETURNED_TALLY}")
            [days] = cursor.fetchone()
            cursor.execute(
                f"SELECT coalesce(sum(n), 0) FROM {registry.NOW_TALLY} WHERE dimension = 'region'"
            )
            [counted] = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {persons.CHECKS}")
            [checks] = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {figure_points.POINT}")
            [points] = cursor.fetchone()
        self.stdout.write(
            f"{rows} tally rows for {remains} remains; {days} returned day tallies; "
            f"{counted} persons; {checks} confirmed remains checks; {points} figure points."
        )
