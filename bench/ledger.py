"""Benchmark: one ledger on a large synthetic conflict. Prints figures; asserts nothing.

    .venv/bin/python bench/ledger.py [--skip-generate] [--requests 20] [--breakdown DAY]

Generates 50,000 persons, 2,000 handovers, 60,000 remains and 500 statements (conflict
``synthetic``, in the development database, or ``DATABASE_URL``'s), then requests
GET /api/v1/ledger/synthetic/SYN-A/ through the whole Django stack (DEBUG off, no network) and
times the ledger in process and its SQL alone. Targets (DESIGN, issue 3): ≤ 50 ms per ledger on
a 2-core machine, and ≤ 3× its SQL time. ``--breakdown`` prints, for the ledger now and as of
DAY, each of its queries' planning and execution times (medians of EXPLAIN ANALYZE, timing off)
and its time as the app runs it, prepared (core/db/prepared.py).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("API_THROTTLE_ANON", "100000000/minute")  # the bench is one caller

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from casualties.models import Conflict, Party  # noqa: E402
from core.db.prepared import fetch  # noqa: E402
from ledger.computation import ledger_for  # noqa: E402

SIZE = {"persons": 50_000, "handovers": 2_000, "remains_per_handover": 30, "statements": 500}
URL = "/api/v1/ledger/synthetic/SYN-A/"
WARM_UP = 6  # runs of a prepared query before PostgreSQL settles on its plan


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_requests(client: Client, url: str, n: int, *, cold: bool) -> list[float]:
    """Milliseconds per request; ``cold`` empties the ledger cache first, so each computes."""
    for _ in range(WARM_UP):  # the pool, PostgreSQL's buffers, the prepared queries' plans
        if cold:
            cache.clear()
        client.get(url, secure=True)
    times = []
    for _ in range(n):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:200])
    return times


def time_sql(n: int) -> tuple[list[float], list[float], int]:
    """Milliseconds per ledger computation in process, and of them inside cursor.execute
    (query + transfer); after six computations, so the prepared queries have their plans."""
    conflict = Conflict.objects.get(slug="synthetic")
    party = Party.objects.get(code="SYN-A")
    spent: list[float] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    for _ in range(WARM_UP):
        ledger_for(conflict=conflict, party=party)
    whole, totals, queries = [], [], 0
    for _ in range(n):
        spent.clear()
        start = time.perf_counter()
        with connection.execute_wrapper(timer):
            ledger_for(conflict=conflict, party=party)
        whole.append((time.perf_counter() - start) * 1000)
        totals.append(sum(spent))
        queries = len(spent)
    return whole, totals, queries


def breakdown(as_of: datetime.date | None, n: int = 5) -> None:
    """Each query of one ledger computation: median planning and execution ms of a plan made
    for its values (EXPLAIN ANALYZE), and ms as the app runs it, prepared (as the client sees
    it: planned once per connection, then a generic plan)."""
    conflict = Conflict.objects.get(slug="synthetic")
    party = Party.objects.get(code="SYN-A")
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        ledger_for(conflict=conflict, party=party, as_of=as_of)
    print(f"\n  as of {as_of or 'now'}: planning / execution / prepared ms (median of {n})")
    totals = [0.0, 0.0, 0.0]
    with connection.cursor() as cursor:
        for sql, params in queries:
            runs = []
            for _ in range(n):
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) " + sql, params)
                lines = [line for (line,) in cursor.fetchall()]
                runs.append(
                    [
                        float(next(line for line in lines if line.startswith(key)).split()[2])
                        for key in ("Planning Time", "Execution Time")
                    ]
                )
            prepared = []
            for run in range(WARM_UP + n):
                start = time.perf_counter()
                fetch(sql, params)
                if run >= WARM_UP:
                    prepared.append((time.perf_counter() - start) * 1000)
            planning, execution = (statistics.median(column) for column in zip(*runs, strict=True))
            figures = (planning, execution, statistics.median(prepared))
            totals = [total + figure for total, figure in zip(totals, figures, strict=True)]
            text = " ".join(sql.split())[:70]
            print(f"    {planning:6.2f} {execution:7.2f} {figures[2]:7.2f}  {text}")
    print(
        f"    {totals[0]:6.2f} {totals[1]:7.2f} {totals[2]:7.2f}  in all ({len(queries)} queries)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing data")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--breakdown", type=datetime.date.fromisoformat, metavar="DAY")
    args = parser.parse_args()

    if not args.skip_generate:
        start = time.perf_counter()
        call_command("generate_data", replace=True, force=True, **SIZE)
        print(f"generate_data: {time.perf_counter() - start:.1f} s")

    client = Client(HTTP_HOST="localhost")
    whole, sql, queries = time_sql(args.requests)
    sql_median = statistics.median(sql)
    print(f"\n{args.requests} requests each, {os.cpu_count()} cores; median / p95 in ms")
    print(f"  ledger SQL alone ({queries} queries)     {sql_median:7.1f}")
    print(f"  ledger computed in process          {statistics.median(whole):7.1f}")
    for label, url, cold in (
        ("GET one ledger, computed", URL, True),
        ("GET one ledger, cached", URL, False),
        ("GET every ledger, computed", "/api/v1/ledger/", True),
        ("GET every ledger, cached", "/api/v1/ledger/", False),
    ):
        times = time_requests(client, url, args.requests, cold=cold)
        median, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"  {label:36s} {median:7.1f} / {p95:7.1f}")
        if url == URL and cold:
            verdict = "met" if p95 <= 50 else "not met"
            print(
                f"    endpoint / SQL {median / sql_median:.2f} x (target ≤ 3 x); ≤ 50 ms {verdict}"
            )
    if args.breakdown:
        breakdown(None)
        breakdown(args.breakdown)


if __name__ == "__main__":
    main()
