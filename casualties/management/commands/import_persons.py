"""``manage.py import_persons FILE.csv --conflict SLUG --party CODE``: a person list, in bulk.

The CSV's header names DESIGN §3 person fields (``full_name``, ``status`` and ``status_date``
required). Every row is checked first; errors are printed with line, column and reason, and
nothing is imported if any row is bad, unless ``--skip-invalid``. Rejected rows are written,
with the reason per line, to ``--rejects`` (``FILE.rejects.csv`` by default).
"""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casualties.importing.persons import persons_import
from casualties.models import Conflict, Party

UNKNOWN_CONFLICT = "No conflict with the slug “%s”."
UNKNOWN_PARTY = "No party with the code “%s”."
UNKNOWN_USER = "No user named “%s”."
BAD_MAP = "“%s” is not a column mapping: write THEIRS=OURS, e.g. “Hebrew Name=full_name”."
SHOWN_ERRORS = 50


class ProgressBar:
    """``\\r``-updated bar on a terminal; a plain line every few seconds otherwise (logs)."""

    def __init__(self, stream, width: int = 30, every: float = 2.0):
        self.stream, self.width, self.every = stream, width, every
        self.tty = stream.isatty()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < self.every:
            return
        self.last = now
        share = min(done / total, 1.0) if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{stage:<8} [{bar}] {done:>9,}/{total:,}"
        self.stream.write(f"\r{text}" if self.tty else f"{text}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.last:
            self.stream.write("\n")


def import_mapping(pairs: list[str]) -> dict[str, str]:
    """``--map THEIRS=OURS`` options as {their column: ours} (this and the other imports)."""
    mapping = {}
    for pair in pairs:
        theirs, sep, ours = pair.rpartition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise CommandError(BAD_MAP % pair)
        mapping[theirs.strip()] = ours.strip()
    return mapping


def import_targets(options) -> tuple:
    """The conflict, party and user an import's ``--conflict``, ``--party`` and ``--user``
    name (this and the other imports), or a ``CommandError`` naming the unknown one."""
    conflict = Conflict.objects.filter(slug=options["conflict"]).first()
    if conflict is None:
        raise CommandError(UNKNOWN_CONFLICT % options["conflict"])
    party = Party.objects.filter(code=options["party"]).first()
    if party is None:
        raise CommandError(UNKNOWN_PARTY % options["party"])
    user = None
    if options["user"]:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(UNKNOWN_USER % options["user"])
    return conflict, party, user


class Command(BaseCommand):
    help = "Import a CSV list of persons into one conflict and party (COPY, one transaction)."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("file", type=Path, help="CSV file, UTF-8, header of DESIGN §3 person fields.")
        add("--conflict", required=True, help="Slug of the conflict.")
        add("--party", required=True, help="Code of the party the persons belong to.")
        add("--dry-run", action="store_true", help="Check every row, import nothing.")
        add("--skip-invalid", action="store_true", help="Import the good rows, reject the rest.")
        add("--rejects", type=Path, help="Where to write rejected rows (FILE.rejects.csv).")
        add("--user", help="Username recorded as the importer (audit trail, status changes).")
        add("--no-progress", action="store_true", help="No progress bar.")
        add(
            "--map",
            action="append",
            default=[],
            metavar="THEIRS=OURS",
            help='Read a column of the file as one of ours: --map "Hebrew Name=full_name".',
        )
        add("--ignore-unknown", action="store_true", help="Skip columns the import does not know.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        conflict, party, user = import_targets(options)
        bar = None if options["no_progress"] else ProgressBar(sys.stderr)
        try:
            with path.open("rb") as file:
                result = persons_import(
                    file=file,
                    conflict=conflict,
                    party=party,
                    user=user,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    progress=bar,
                    file_name=path.name,
                    mapping=import_mapping(options["map"]),
                    ignore_unknown=options["ignore_unknown"],
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        if bar:
            bar.finish()
        self._report(result, options["rejects"] or path.with_suffix(".rejects.csv"))
        if result.refused:
            raise CommandError("Nothing imported: fix the rows above (or use --skip-invalid).")

    def _report(self, result, rejects: Path) -> None:
        for error in result.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"line {error.line}, column {error.column}: {error.reason}")
        if result.error_count > SHOWN_ERRORS:
            self.stderr.write(f"… and {result.error_count - SHOWN_ERRORS:,} more errors.")
        if result.rejects_csv:
            rejects.write_text(result.rejects_csv, encoding="utf-8")
            self.stderr.write(f"Rejected rows, with reasons: {rejects}")
        verb = "would be" if result.dry_run else "imported"
        self.stdout.write(
            f"{result.total:,} rows read; {verb}: {result.summary()}; "
            f"{result.error_count:,} errors; {result.seconds:.2f} s "
            f"(reading and checking {result.check_seconds:.2f} s), "
            f"{result.rows_per_second:,.0f} rows/s."
        )
