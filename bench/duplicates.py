"""Benchmark: duplicate candidates and possible relatives by blocking, on the development
database. Prints figures; asserts nothing.

    DEBUG=1 .venv/bin/python bench/duplicates.py [--sizes 4000,200000] [--repeat 3]
        [--synthetic] [--explain] [--drop]

* ``--sizes``: Armenian lists built by ``demo.armenian_list`` (realistic surname frequency,
  both name orders, twins, planted duplicates), one party each of the conflict
  ``bench-armenian`` (kept between runs, so a second run times at once; ``--drop`` deletes it);
* ``--synthetic``: every party of the ``synthetic`` conflict of ``manage.py generate_data``
  (50,000 persons by default; run it first).

For each party: one page of 50 duplicate candidates with their total, then one page of
possible relatives (each one query, best of ``--repeat``). ``--explain`` prints the plan's
costliest lines. Targets (issue 22): ≤ 2 s for 4,000 persons, ≤ 10 s for 200,000.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import pghistory  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from casualties.models import Conflict, Party, Person  # noqa: E402
from casualties.search import duplicates  # noqa: E402
from casualties.search.duplicate_sql import CANDIDATES_SQL  # noqa: E402
from casualties.search.name_parts import SURNAME_PATTERN  # noqa: E402
from demo import synthetic  # noqa: E402
from demo.armenian_list import armenian_list  # noqa: E402

SLUG = "bench-armenian"


def armenian_party(conflict: Conflict, size: int) -> Party:
    party, _ = Party.objects.get_or_create(
        code=f"BENCH-ARM-{size}", defaults={"name": f"Armenian list of {size}", "kind": "state"}
    )
    have = Person.objects.filter(conflict=conflict, party=party).count()
    if have < size:
        Person.objects.filter(conflict=conflict, party=party).delete()
        started = time.perf_counter()
        with transaction.atomic(), pghistory.context(command="bench-duplicates"):
            armenian_list({"conflict": conflict, "party": party}, size=size)
        print(f"  built {size:,} persons in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE casualties_person")
    return party


def timed(**filters) -> str:
    runs, total = [], 0
    for _ in range(ARGS.repeat):
        started = time.perf_counter()
        _page, total = duplicates.duplicate_candidates(**filters)
        runs.append(time.perf_counter() - started)
    return f"{min(runs):7.2f} s best of {len(runs)} ({max(runs):.2f} worst), {total or 0:,} pairs"


def explain(conflict_id: int, party_id: int) -> None:
    params = {
        "conflict": conflict_id, "party": party_id, "name": "", "name_like": "%%",
        "surname": SURNAME_PATTERN, "threshold": duplicates.SIMILARITY_THRESHOLD,
        "relative_days": duplicates.RELATIVE_DAYS, "relatives": False,
        "dob_bonus": duplicates.DOB_BONUS, "sn_bonus": duplicates.SERVICE_NUMBER_BONUS,
        "limit": 50, "offset": 0,
    }  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + CANDIDATES_SQL, params)
        lines = [row[0] for row in cursor.fetchall()]
    print(*[f"    {line}" for line in lines if "Join" in line or "Scan" in line][:20], sep="\n")


def measure(conflict_id: int, party: Party, n: int) -> None:
    ids = {"conflict_id": conflict_id, "party_id": party.pk}
    print(f"{party.code}: {n:,} persons")
    print(f"  duplicates: {timed(**ids)}")
    print(f"  relatives:  {timed(**ids, kind=duplicates.RELATIVES)}")
    if ARGS.explain:
        explain(conflict_id, party.pk)


def main() -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()}")
    if ARGS.drop:
        Person.objects.filter(conflict__slug=SLUG).delete()
        Conflict.objects.filter(slug=SLUG).delete()
        Party.objects.filter(code__startswith="BENCH-ARM-").delete()
        return
    conflict, _ = Conflict.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Armenian list benchmark",
            "start_date": datetime.date(2020, 9, 27),
            "description": "Invented persons made by bench/duplicates.py (demo.armenian_list).",
        },
    )
    for size in [int(size) for size in ARGS.sizes.split(",") if size]:
        party = armenian_party(conflict, size)
        measure(conflict.pk, party, size)
    if ARGS.synthetic:
        found = synthetic.find_conflict("synthetic")
        if found is None:
            print("no synthetic conflict: run DEBUG=1 manage.py generate_data first")
            return
        for party in Party.objects.filter(person__conflict=found).distinct().order_by("code"):
            measure(found.pk, party, Person.objects.filter(conflict=found, party=party).count())
    print(f"done, load average {os.getloadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="4000,200000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--drop", action="store_true")
    ARGS = parser.parse_args()
    main()
