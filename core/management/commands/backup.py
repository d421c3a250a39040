"""``manage.py backup``: dump the app's database to ``var/backups/ledger-YYYYmmdd-HHMMSS.dump``.

The embedded database by default, or the one ``DATABASE_URL`` names (``make backup``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from core.db.backup import DEFAULT_DIRECTORY, database_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) into a time-stamped file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=DEFAULT_DIRECTORY,
            help=f"Where to write the file (default: {DEFAULT_DIRECTORY}).",
        )

    def handle(self, *args, directory, **options):
        path = database_backup(directory=directory)
        size = path.stat().st_size
        self.stderr.write(f"Backed up to {path} ({size:,} bytes).")
        # The path alone on stdout, for scripts: path=$(manage.py backup)
        self.stdout.write(str(path))
