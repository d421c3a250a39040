"""Benchmark: bulk import of a person list, ours against django-import-export. Prints figures.

    DEBUG=1 .venv/bin/python bench/import.py [--rows 200000] [--ie-rows 20000] [--runs 3]

Writes ``--rows`` valid generated rows (Armenian names, every status, some restricted fields)
to a temporary CSV, then times, on the development database, into a fresh conflict
``bench-import``:

1. ``manage.py import_persons`` (checks in Python while a worker thread COPYs the checked
   chunks and inserts persons, first status changes, name words and audit events set-wise,
   one transaction), ``--runs`` times, the imported rows deleted and vacuumed between runs;
2. django-import-export 4 (a ``ModelResource`` for Person with the same columns, its default
   row-by-row import in one transaction, also audited) on the first ``--ie-rows`` rows of the
   same file — it is far too slow for all of them in reasonable time, which the output says.

Targets (issue 6): at least 20,000 rows/s, and at least 20 times django-import-export.
The conflict, its persons and the bench party are deleted afterwards (their audit events stay:
the trail is append-only).
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import pghistory  # noqa: E402
import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from import_export import fields, resources  # noqa: E402

from casualties.models import Conflict, Party, Person  # noqa: E402
from core.db.bulk import prepare_bulk_writes  # noqa: E402
from demo import synthetic  # noqa: E402

SLUG, PARTY = "bench-import", "BENCH-IMP"
STATUSES = ("missing", "killed", "injured", "captured", "released", "found_alive")
COLUMNS = ["full_name", "name_latin", "status", "status_date", "is_civilian", "rank", "unit",
           "home_region", "date_of_birth", "service_number", "notes"]  # fmt: skip
TARGET_RATE, TARGET_RATIO = 20_000, 20


def write_csv(path: Path, rows: int) -> None:
    first, last = synthetic.A_FIRST, synthetic.A_LAST
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for i in range(rows):
            restricted = i % 4 == 0
            writer.writerow([
                f"{first[i % len(first)]} {last[(i // len(first) + i) % len(last)]}",
                "",
                STATUSES[i % len(STATUSES)],
                f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "yes" if i % 20 == 0 else "no",
                "Private",
                f"Bench unit {1 + i % 40}",
                f"Bench region {1 + i % 12}",
                f"{1970 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}" if restricted else "",
                f"BENCH-SN-{i}" if restricted else "",
                "Benchmark row, not a real person.",
            ])  # fmt: skip


class PersonResource(resources.ModelResource):
    """The same columns for django-import-export; conflict, party and the derived names are
    filled per row, as our import does set-wise."""

    full_name = fields.Field(attribute="full_name", column_name="full_name")

    class Meta:
        model = Person
        fields = COLUMNS
        import_id_fields = []
        skip_diff = True

    def __init__(self, conflict, party):
        super().__init__()
        self.conflict, self.party = conflict, party

    def before_save_instance(self, instance, row, **kwargs):
        instance.conflict, instance.party = self.conflict, self.party
        instance.name_latin = instance.name_latin or synthetic.to_latin(instance.full_name)
        instance.refresh_search_key()


def time_ours(path: Path) -> tuple[float, int]:
    out = StringIO()
    started = time.perf_counter()
    call_command("import_persons", str(path), conflict=SLUG, party=PARTY, no_progress=True,
                 stdout=out, stderr=StringIO())  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"  import_persons says: {out.getvalue().strip()}")
    return seconds, Person.objects.filter(conflict__slug=SLUG).count()


def time_import_export(path: Path, rows: int, conflict, party) -> tuple[float, int]:
    with path.open(encoding="utf-8") as file:
        lines = [next(file) for _ in range(rows + 1)]
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    before = Person.objects.filter(conflict=conflict).count()
    started = time.perf_counter()
    with pghistory.context(command="bench-import-export"):
        result = PersonResource(conflict, party).import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        sys.exit("django-import-export reported errors; the comparison would be meaningless.")
    return seconds, Person.objects.filter(conflict=conflict).count() - before


def cleanup() -> None:
    conflict = Conflict.objects.filter(slug=SLUG).first()
    with transaction.atomic():
        prepare_bulk_writes()
        if conflict:
            synthetic.delete_data(conflict)
            conflict.delete()
        Party.objects.filter(code=PARTY).delete()


def vacuum() -> None:
    """Earlier runs leave the deleted rows of their imports behind: reclaim them first, so each
    run measures the same tables, not those of the runs before. Then a checkpoint, so no run
    pays for the one that the write-ahead log of the runs before it would otherwise force."""
    with connection.cursor() as cursor:
        for table in ("casualties_person", "casualties_statuschange", "casualties_personevent",
                      "casualties_statuschangeevent", "casualties_nameword",
                      "casualties_nameposting"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")
        try:
            with transaction.atomic():
                cursor.execute("CHECKPOINT")
        except DatabaseError:
            print("  (no CHECKPOINT privilege here: a run may include a checkpoint others caused)")


def clear_imported(conflict) -> None:
    # Fresh statistics first: the delete is planned right after 200,000 inserts.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casualties_person, casualties_statuschange")
    with transaction.atomic():
        prepare_bulk_writes()
        synthetic.delete_data(conflict)
    vacuum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--ie-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="imports of the file, one at a time")
    args = parser.parse_args()
    ie_rows = min(args.ie_rows, args.rows)
    cleanup()
    vacuum()
    conflict = Conflict.objects.create(
        slug=SLUG, name="Import benchmark", start_date="2023-01-01",
        description="Benchmark data made by bench/import.py; deleted when it ends.",
    )  # fmt: skip
    party = Party.objects.create(code=PARTY, name="Import benchmark party", kind="state")
    rates = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "persons.csv"
            write_csv(path, args.rows)
            print(f"{args.rows:,} generated rows in {path.stat().st_size / 1e6:.1f} MB of CSV")
            print(f"{Person.objects.count():,} persons already in the database")
            for _ in range(args.runs):
                ours, loaded = time_ours(path)
                rates.append(loaded / ours)
                clear_imported(conflict)
            ie, ie_loaded = time_import_export(path, ie_rows, conflict, party)
    finally:
        cleanup()
    ours_rate, ie_rate = statistics.median(rates), ie_loaded / ie
    partial = "" if ie_rows == args.rows else f" (first {ie_rows:,} rows only: too slow for all)"
    each = ", ".join(f"{rate:,.0f}" for rate in rates)
    print(f"import_persons:       {args.rows:,} rows, median {ours_rate:,.0f} rows/s ({each})")
    print(
        f"django-import-export: {ie_loaded:,} rows in {ie:.2f} s = {ie_rate:,.0f} rows/s{partial}"
    )
    print(f"ratio: {ours_rate / ie_rate:.1f}x")
    rate_met = "met" if ours_rate >= TARGET_RATE else "NOT met"
    ratio_met = "met" if ours_rate / ie_rate >= TARGET_RATIO else "NOT met"
    print(f"target >= {TARGET_RATE:,} rows/s: {rate_met}; target >= {TARGET_RATIO}x: {ratio_met}")
    print("The machine is shared: figures are noisy; compare medians of several runs.")


if __name__ == "__main__":
    main()
