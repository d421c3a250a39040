"""Benchmark: candidate duplicate pairs on the development database. Prints figures; asserts
nothing, changes nothing.

    DEBUG=1 .venv/bin/python bench/duplicates.py [--name bogdanov] [--repeat 3]

Times ``duplicate_candidates`` (one page of 50 and the total, one query) for every
(conflict, party) holding persons, narrowed by ``--name`` and not, and prints the plan's top
lines so one sees the trigram index person_search_trgm probed once per person. Run
``manage.py generate_data`` first for the 50,000 synthetic persons. A search that exceeds
``STATEMENT_TIMEOUT_MS`` is reported as such (the page then asks to narrow it).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from casualties.models import Person  # noqa: E402
from casualties.search import duplicates  # noqa: E402
from casualties.search.transliteration import search_key  # noqa: E402


def timed(**filters) -> str:
    runs = []
    for _ in range(ARGS.repeat):
        start = time.perf_counter()
        try:
            _page, total = duplicates.duplicate_candidates(**filters)
        except duplicates.TooManyCandidates:
            return f"over the {duplicates.STATEMENT_TIMEOUT_MS} ms limit"
        runs.append((time.perf_counter() - start) * 1000)
    return f"{min(runs):8.1f} ms best of {len(runs)}, {total or 0} pairs"


def plan(**filters) -> list[str]:
    sql = "EXPLAIN " + duplicates.CANDIDATES_SQL
    params = {
        "conflict": filters["conflict_id"],
        "party": filters["party_id"],
        "name": filters["name_key"],
        "name_like": f"%{filters['name_key']}%",
        "dob_bonus": duplicates.DOB_BONUS,
        "sn_bonus": duplicates.SERVICE_NUMBER_BONUS,
        "limit": 50,
        "offset": 0,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(duplicates.SIMILARITY_THRESHOLD)],
        )
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    scopes = Person.objects.values("conflict_id", "party_id").annotate(n=Count("id"))
    for scope in scopes.order_by("conflict_id", "party_id"):
        base = {"conflict_id": scope["conflict_id"], "party_id": scope["party_id"]}
        print(f"conflict {base['conflict_id']}, party {base['party_id']}: {scope['n']} persons")
        print(f"  all names:          {timed(**base, name_key='')}")
        key = search_key(ARGS.name)
        print(f"  names with {key!r}: {timed(**base, name_key=key)}")
        print("  plan:", *[line for line in plan(**base, name_key="") if "Scan" in line], sep="\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="bogdanov")
    parser.add_argument("--repeat", type=int, default=3)
    ARGS = parser.parse_args()
    main()
