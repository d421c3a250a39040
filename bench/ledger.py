"""Benchmark: one ledger on a large synthetic conflict. Prints figures; asserts nothing.

    .venv/bin/python bench/ledger.py [--skip-generate] [--requests 20]

Generates 50,000 persons, 2,000 handovers, 60,000 remains and 500 statements (conflict
``synthetic``, in the development database), then requests GET /api/v1/ledger/synthetic/SYN-A/
through the whole Django stack (DEBUG off, no network) and times the ledger's SQL alone.
Targets (DESIGN, issue 3): ≤ 50 ms per ledger on a 2-core machine, and ≤ 3× its SQL time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from casualties.models import Conflict, Party  # noqa: E402
from repatriation.ledger import ledger_for  # noqa: E402

SIZE = {"persons": 50_000, "handovers": 2_000, "remains_per_handover": 30, "statements": 500}
URL = "/api/v1/ledger/synthetic/SYN-A/"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_requests(client: Client, url: str, n: int) -> list[float]:
    client.get(url)  # warm the pool and the caches once
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:200]
    return times


def time_sql(n: int) -> tuple[list[float], int]:
    """Milliseconds spent inside cursor.execute (query + transfer) per ledger computation."""
    conflict = Conflict.objects.get(slug="synthetic")
    party = Party.objects.get(code="SYN-A")
    spent: list[float] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - start) * 1000)

    totals, queries = [], 0
    for _ in range(n):
        spent.clear()
        with connection.execute_wrapper(timer):
            ledger_for(conflict=conflict, party=party)
        totals.append(sum(spent))
        queries = len(spent)
    return totals, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing data")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    if not args.skip_generate:
        start = time.perf_counter()
        call_command("generate_data", replace=True, force=True, **SIZE)
        print(f"generate_data: {time.perf_counter() - start:.1f} s")

    client = Client(HTTP_HOST="localhost")
    endpoint = time_requests(client, URL, args.requests)
    summary = time_requests(client, "/api/v1/ledger/", args.requests)
    sql, queries = time_sql(args.requests)

    median, p95, sql_median = (
        statistics.median(endpoint),
        percentile(endpoint, 0.95),
        statistics.median(sql),
    )
    print(f"\nGET {URL}  ({args.requests} requests, {os.cpu_count()} cores)")
    print(f"  endpoint median {median:7.1f} ms   p95 {percentile(endpoint, 0.95):7.1f} ms")
    print(f"  SQL alone       {sql_median:7.1f} ms   ({queries} queries)")
    print(f"  endpoint / SQL  {median / sql_median:7.2f} x   (target ≤ 3 x)")
    print(f"  target ≤ 50 ms: {'met' if p95 <= 50 else 'NOT met'} (p95 {p95:.1f} ms)")
    print(
        f"\nGET /api/v1/ledger/ (every ledger)  median {statistics.median(summary):.1f} ms"
        f"   p95 {percentile(summary, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
