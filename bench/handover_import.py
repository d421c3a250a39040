"""Benchmark: a remains file of ``--rows`` rows imported as one draft handover. Prints figures.

    .venv/bin/python bench/handover_import.py [--rows 300] [--runs 5]

Runs in a database of its own (``bench_handover_import``, created and migrated on first use,
kept after), so the development data is not touched: one conflict, two parties, a clerk and
``--rows`` / 5 persons whom a fifth of the rows name by record number (presumptive). Each run
times ``handover_import`` end to end (reading the CSV, finding the persons, ``handover_create``
in one transaction, its COMMIT), then deletes the draft. Target (issue 16): ≤ 1 s for 300 rows.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_handover_import")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402

from casualties.models import Conflict, Party, Person  # noqa: E402
from repatriation.importing import handover_import  # noqa: E402

HEADER = "case_number,condition,identification,person,method,identified_on,notes\n"


def scenery(rows: int):
    conflict, _ = Conflict.objects.get_or_create(
        slug="bench-import", defaults={"name": "Bench", "start_date": datetime.date(2022, 9, 1)}
    )
    arm, _ = Party.objects.get_or_create(code="BARM", defaults={"name": "Receiving"})
    aze, _ = Party.objects.get_or_create(code="BAZE", defaults={"name": "Handing over"})
    clerk, _ = User.objects.get_or_create(username="bench-clerk")
    persons = list(Person.objects.filter(conflict=conflict, party=arm)[: rows // 5])
    for n in range(len(persons), rows // 5):
        persons.append(
            Person.objects.create(
                conflict=conflict,
                party=arm,
                full_name=f"Person {n}",
                status="missing",
                status_date=datetime.date(2022, 9, 14),
            )
        )
    return conflict, arm, aze, clerk, persons


def csv_text(rows: int, persons) -> str:
    lines = []
    for n in range(rows):
        if n % 5 == 0 and persons:
            person = persons[(n // 5) % len(persons)].pk
            lines.append(f",complete,presumptive,{person},dna,2022-10-01,row {n}\n")
        else:
            lines.append(f",partial,unidentified,,,,row {n}\n")
    return HEADER + "".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)
    conflict, arm, aze, clerk, persons = scenery(options.rows)
    data = csv_text(options.rows, persons).encode()
    fields = {
        "conflict": conflict,
        "from_party": aze,
        "to_party": arm,
        "date": datetime.date(2022, 9, 20),
        "reported_count": options.rows,
    }
    timings = []
    for _run in range(options.runs):
        started = time.perf_counter()
        result = handover_import(data, user=clerk, **fields)
        timings.append(time.perf_counter() - started)
        assert result.handover is not None, result.errors[:3]
        assert result.handover.remains.count() == options.rows
        result.handover.delete()
    median, worst = statistics.median(timings) * 1000, max(timings) * 1000
    print(f"{options.rows} rows, {options.runs} runs: median {median:.0f} ms, max {worst:.0f} ms")


if __name__ == "__main__":
    main()
