"""Benchmark: importing a series of daily official figures. Prints figures; asserts nothing.

    .venv/bin/python bench/statements.py [--days 2000] [--runs 3]

Writes a CSV of ``--days`` daily ``killed_or_missing`` figures (a cumulative series that dips
once in every 100 days, as revised official counts do) and imports it with
``manage.py import_statements`` into a throwaway conflict, party and source of the development
database, ``--runs`` times; each run starts empty, and everything is deleted at the end (the
audit trail keeps its events, as it must). It also times a re-run of the same file, which
skips every date. Target (issue 6): 1,000+ daily figures in seconds.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from casualties.models import Conflict, Figure, Party, Source, Statement  # noqa: E402
from ledger.computation import ledger_for  # noqa: E402

SLUG, CODE, SOURCE = "bench-statements", "BENCH-S", "Benchmark statements source"


def series_csv(days: int) -> str:
    start = datetime.date(2000, 1, 1)
    lines = ["date,party,category,value,qualifier\n"]
    for n in range(days):
        value = n * 3 - (5 if n % 100 == 99 else 0)
        lines.append(f"{start + datetime.timedelta(n)},{CODE},killed_or_missing,{value},exact\n")
    return "".join(lines)


def setup() -> tuple[Conflict, Party]:
    party, _ = Party.objects.get_or_create(code=CODE, defaults={"name": "Benchmark party"})
    conflict, _ = Conflict.objects.get_or_create(
        slug=SLUG, defaults={"name": "Benchmark (throwaway)", "start_date": "2000-01-01"}
    )
    Source.objects.get_or_create(name=SOURCE, defaults={"party": party, "kind": "government"})
    return conflict, party


def empty() -> None:
    Statement.objects.filter(conflict__slug=SLUG).delete()


def cleanup() -> None:
    with transaction.atomic():
        empty()
        Source.objects.filter(name=SOURCE).delete()
        Conflict.objects.filter(slug=SLUG).delete()
        Party.objects.filter(code=CODE).delete()


def timed_import(path: Path) -> tuple[float, str]:
    out = StringIO()
    start = time.perf_counter()
    call_command("import_statements", str(path), conflict=SLUG, source=SOURCE, stdout=out)
    return time.perf_counter() - start, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    conflict, party = setup()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "series.csv"
            path.write_text(series_csv(args.days))
            report(path, args.runs, conflict, party)
    finally:
        cleanup()


def report(path: Path, runs: int, conflict: Conflict, party: Party) -> None:
    seconds = []
    for _ in range(runs):
        empty()
        elapsed, summary = timed_import(path)
        seconds.append(elapsed)
        print(f"  {summary}")
    rerun, summary = timed_import(path)
    figures = Figure.objects.filter(statement__conflict=conflict).count()
    decreased = [
        d
        for d in ledger_for(conflict=conflict, party=party)["discrepancies"]
        if d["code"] == "figure_decreased"
    ]
    print(
        f"import of {figures} daily figures, {runs} runs (whole command): "
        f"median {statistics.median(seconds):.2f} s, "
        f"min {min(seconds):.2f} s, max {max(seconds):.2f} s"
    )
    print(f"re-run of the same file (every date skipped): {rerun:.2f} s — {summary}")
    print(f"ledger: {len(decreased)} figure_decreased discrepancies")


if __name__ == "__main__":
    main()
