"""``manage.py import_statements FILE --conflict SLUG --source NAME``: load a series of figures.

One row per figure (date, party, category, value, optional civilians, qualifier, citation_title,
citation_url, note), one statement per date; see ``casualties.importing.statements``. All rows are
checked first and nothing is saved if any is wrong; a date already stated by the source adds only
the figures that changed, as revisions ("N revised").
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casualties.importing.common import ImportRefused
from casualties.importing.statements import statements_import
from casualties.models import Conflict, Source

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = "Import a series of official figures (CSV or JSON), one statement per date."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("file", type=Path, help="CSV or JSON file of rows.")
        add("--conflict", required=True, help="Slug of the conflict.")
        add(
            "--source",
            help="Name of the source that stated the figures (rows may name theirs in a "
            "source column; without --source, every row must).",
        )
        add("--format", choices=FORMATS, help="Default: from the file's extension.")
        add("--user", help="Username recorded in the audit trail as the importer.")
        add("--dry-run", action="store_true", help="Check and count, save nothing.")

    def handle(self, *args, file: Path, **options):
        conflict = self._get(Conflict, slug=options["conflict"])
        source = options["source"] and self._get(Source, name=options["source"])
        user = options["user"] and self._get(get_user_model(), username=options["user"])
        format = options["format"] or file.suffix.lower().lstrip(".")
        if format not in FORMATS:
            raise CommandError(f"Cannot tell the format of “{file.name}”: pass --format csv|json.")
        try:
            with file.open("rb") as stream:
                result = statements_import(
                    conflict=conflict,
                    source=source or None,
                    file=stream,
                    format=format,
                    user=user,
                    dry_run=options["dry_run"],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read “{file}”: {exc.strerror}.") from exc
        except ImportRefused as exc:
            raise CommandError(f"Nothing imported:\n{exc}") from exc
        self._summary(result)

    @staticmethod
    def _get(model, **lookup):
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist:
            ((name, value),) = lookup.items()
            label = model._meta.verbose_name
            raise CommandError(f"No {label} with {name} “{value}”.") from None

    def _summary(self, result) -> None:
        verb = "Would create" if result.dry_run else "Created"
        self.stdout.write(
            f"{verb} {result.statements} statements with {result.figures} figures "
            f"in {result.seconds:.2f} s; {result.revised} revised; "
            f"skipped {len(result.skipped_dates)} dates already stated."
        )
        for issued_on, party, category, old, new in result.revisions:
            self.stdout.write(f"  revised {issued_on:%Y-%m-%d} {party} {category}: {old} → {new}")
