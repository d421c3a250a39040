"""``manage.py restore FILE``: replace the database's contents with a backup (``make restore``).

It asks first, as everything written since the backup is lost; ``--yes`` (``YES=1`` for make)
answers for scripts, and without a terminal to ask on it refuses. ``--into NAME`` restores into
another, existing database on the same server instead, e.g. to check a backup.
Stop the app first: the restore waits for any transaction still open on the tables.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.db.backup import database_restore

NOT_CONFIRMED = "Nothing restored. Confirm with --yes (make restore FILE=… YES=1)."


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (pg_restore --clean, one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--into", metavar="NAME", help="Restore into this database instead.")

    def handle(self, *args, file, yes, into, **options):
        target = into or connection.settings_dict["NAME"]
        if not yes and not self._confirmed(file, target):
            raise CommandError(NOT_CONFIRMED)
        restored = database_restore(path=file, dbname=into)
        self.stdout.write(f"Restored {file} into the database {restored!r}.")

    def _confirmed(self, file: Path, target: str) -> bool:
        question = (
            f"This replaces the contents of the database {target!r} with {file}; everything "
            "written since that backup is lost. Type 'yes' to go on: "
        )
        try:
            return input(question).strip().lower() == "yes"
        except EOFError:  # no terminal to ask on
            return False
