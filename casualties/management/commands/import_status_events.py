"""``manage.py import_status_events FILE.csv --conflict SLUG --party CODE``: status histories.

One row per event: ``external_id`` (or ``person``), ``status``, ``status_date``, optional
``basis``, ``reason``, ``source_note``; see ``casualties.importing.status_events``. Every row is
checked and applied through the lifecycle rules; any error saves nothing and is printed with its
line and column. The same file imported again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casualties.importing.common import ImportRefused
from casualties.importing.status_events import status_events_import
from casualties.management.commands.import_persons import import_mapping, import_targets


class Command(BaseCommand):
    help = "Import status changes (one row per event) for persons of one conflict and party."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("file", type=Path, help="CSV file, UTF-8: external_id or person, status, status_date.")
        add("--conflict", required=True, help="Slug of the conflict.")
        add("--party", required=True, help="Code of the party the persons belong to.")
        add("--dry-run", action="store_true", help="Check every event, save nothing.")
        add("--user", help="Username recorded as the importer (audit trail, status changes).")
        add(
            "--map",
            action="append",
            default=[],
            metavar="THEIRS=OURS",
            help='Read a column of the file as one of ours: --map "Released on=status_date".',
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        conflict, party, user = import_targets(options)
        try:
            with path.open("rb") as file:
                result = status_events_import(
                    file=file,
                    conflict=conflict,
                    party=party,
                    user=user,
                    dry_run=options["dry_run"],
                    file_name=path.name,
                    mapping=import_mapping(options["map"]),
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except ImportRefused as refused:
            raise CommandError(f"Nothing imported:\n{refused}") from refused
        self.stdout.write(f"{result.report()}; {result.seconds:.2f} s.")
