"""Benchmark: saving a batch of 100 remains from the staff form. Prints figures; asserts nothing.

    .venv/bin/python bench/batch.py [--rows 100] [--requests 10]

Loads the demo (``seed_demo``, idempotent) into the development database, then, as the demo
clerk, POSTs /handovers/new/ with one handover of ``--rows`` rows through the whole Django
stack (DEBUG off, no network): the form and formset, the person look-up of the rows that name
someone, ``handover_create`` in one transaction, and the redirect. A fifth of the rows name a
demo person by exact name (presumptive identifications, which change no person's status). It
also times the page that "Make rows from the count" renders with that many empty rows. The
drafts it saves are deleted at the end. Target (issue 5): under 1 s per 100-row batch.
"""

import argparse
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DEMO_APP", "1")  # seed_demo

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from casualties.models import Conflict, Party, Person  # noqa: E402
from repatriation.models import Handover  # noqa: E402
from repatriation.views import handovers as views  # noqa: E402

# Pages link their CSS through the static files storage; without `collectstatic` output,
# the plain storage (the finders' files, unhashed) stands in for the manifest one.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
URL = "/handovers/new/"
LOCATION = "bench/batch.py"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def batch(rows: int) -> dict:
    conflict = Conflict.objects.get(slug="sept-2022")
    arm, aze = Party.objects.get(code="ARM"), Party.objects.get(code="AZE")
    names = list(
        Person.objects.filter(conflict=conflict, party=arm).values_list("name_latin", flat=True)
    )
    data = {
        "conflict": conflict.pk,
        "kind": "remains",
        "date": "2022-12-01",
        "location": LOCATION,
        "from_party": aze.pk,
        "to_party": arm.pk,
        "reported_count": rows,
        "citation": "Benchmark",
        "remains-TOTAL_FORMS": rows,
        "remains-INITIAL_FORMS": 0,
    }
    for index in range(rows):
        row = {"condition": "complete", "identification": "unidentified", "notes": f"row {index}"}
        if index % 5 == 0 and names:
            row.update(identification="presumptive", person=names[index % len(names)])
        data.update({f"remains-{index}-{name}": value for name, value in row.items()})
    return data


def time_posts(client: Client, data: dict, n: int) -> tuple[list[float], list[float], int]:
    """Milliseconds per whole request, and within it in ``handover_create``; queries."""
    in_service: list[float] = []
    service = views.handover_create

    def timed_service(**kwargs):
        start = time.perf_counter()
        try:
            return service(**kwargs)
        finally:
            in_service.append((time.perf_counter() - start) * 1000)

    times, queries = [], 0
    views.handover_create = timed_service
    try:
        for _ in range(n):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.post(URL, data)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.content.decode()[-2000:]
            queries = len(captured)
    finally:
        views.handover_create = service
    return times, in_service, queries


def time_rows_from_count(client: Client, data: dict, n: int) -> list[float]:
    # The header only, and no rows yet: the page adds as many as the reported count.
    request = {key: value for key, value in data.items() if not key.startswith("remains-")}
    request.update({"remains-TOTAL_FORMS": 0, "remains-INITIAL_FORMS": 0, "rows_from_count": "1"})
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.post(URL, request)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


@override_settings(STORAGES=PLAIN_STATIC)
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    call_command("seed_demo", "--force", stdout=StringIO())
    client = Client()
    client.force_login(User.objects.get(username="clerk"))
    data = batch(args.rows)
    client.post(URL, data)  # warm the connection pool, caches and PostgreSQL's buffers once
    try:
        saves, in_service, queries = time_posts(client, data, args.requests)
        renders = time_rows_from_count(client, data, args.requests)
    finally:
        Handover.objects.filter(location=LOCATION, state="draft").delete()

    print(f"{args.requests} requests each; milliseconds, median / p95\n")
    print(f"{'':<48}{'median':>10}{'p95':>10}")
    print(
        f"{f'POST a batch of {args.rows} rows (saved, {queries} queries)':<48}"
        f"{statistics.median(saves):>10.1f}{percentile(saves, 0.95):>10.1f}"
    )
    print(
        f"{'  of which in handover_create':<48}"
        f"{statistics.median(in_service):>10.1f}{percentile(in_service, 0.95):>10.1f}"
    )
    print(
        f"{f'Make rows from the count: page of {args.rows} rows':<48}"
        f"{statistics.median(renders):>10.1f}{percentile(renders, 0.95):>10.1f}"
    )
    verdict = "met" if percentile(saves, 0.95) < 1000 else "NOT met"
    print(f"\nTarget: a {args.rows}-row batch saves in under 1 s — {verdict}.")


if __name__ == "__main__":
    main()
