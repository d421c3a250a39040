"""Benchmark: the identification pipeline figures of one ledger with 250,000 remains. Prints
figures; asserts nothing.

    .venv/bin/python bench/identification_pipeline.py [--runs 30] [--rebuild]

Builds (once; ``--rebuild`` drops it) its own database ``bench_pipeline`` beside the
development one, so nobody's data is touched: one conflict, 1,000 verified handovers to one
party over two years, 250 remains each; about 45 % confirmed (some weeks to a year and a half
after receipt, never after the day measured), 10 % presumptive, 0.2 % returned to the sender.
Confirmed remains name one of 2,000 persons (the pipeline does not read persons). The rows
are loaded with triggers off (no audit events): the database is the benchmark's own.
The remains tallies the ledger's figures sum are then rebuilt (their triggers were off too).
Then times ``identification_block`` (the ledger's block: the pipeline aggregate and the
references share) and ``handover_identification`` (one handover's figures), SQL alone and
the whole call. Target (issue 18): ≤ 50 ms computed.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from casualties.models import Conflict, Party, Person  # noqa: E402
from ledger.identification import handover_identification, identification_block  # noqa: E402
from repatriation.models import Handover  # noqa: E402

DB_NAME = "bench_pipeline"
SLUG = "bench-pipeline"
AS_OF = datetime.date(2024, 6, 30)
HANDOVERS, PER_HANDOVER, PERSONS = 1_000, 250, 2_000

HANDOVER_ROWS = """
    INSERT INTO repatriation_handover (
        conflict_id, kind, date, location, from_party_id, to_party_id, reported_count,
        citation, state, entered_by_id, verified_by_id, verified_at, review_comment,
        created_at, updated_at)
    SELECT %(conflict)s, 'remains', %(as_of)s::date - 730 + (n * 730 / %(handovers)s),
           'Bench', %(from)s, %(to)s, %(per)s, 'Benchmark', 'verified', %(clerk)s,
           %(verifier)s, now(), '', now(), now()
    FROM generate_series(1, %(handovers)s) n
"""
# Per remains one uniform draw ``u``: < 0.45 confirmed (after 10 to 550 days, unless that is
# past as_of: then still unidentified), < 0.55 presumptive, < 0.552 returned to sender.
REMAINS_ROWS = """
    INSERT INTO repatriation_remains (
        handover_id, case_number, condition, identification, person_id, method, identified_on,
        dna_sample_ref, notes, disposition, disposition_on, created_at, updated_at)
    SELECT h.id, 'BP/' || h.id || '/' || n, 'partial',
           CASE WHEN x.confirmed THEN 'confirmed' WHEN x.u < 0.55 THEN 'presumptive'
                ELSE 'unidentified' END,
           CASE WHEN x.confirmed OR x.u < 0.55 THEN %(first_person)s + (n %% %(persons)s) END,
           CASE WHEN x.confirmed THEN 'dna' ELSE '' END,
           CASE WHEN x.confirmed THEN x.on_day WHEN x.u < 0.55 THEN h.date + 5 END,
           '', '',
           CASE WHEN x.returned THEN 'returned_to_sender' ELSE 'held' END,
           CASE WHEN x.returned THEN h.date + 20 END,
           now(), now()
    FROM repatriation_handover h
    CROSS JOIN generate_series(1, %(per)s) n
    CROSS JOIN LATERAL (
        SELECT u, u < 0.45 AND h.date + 10 + (u * 1200)::int <= %(as_of)s AS confirmed,
               h.date + 10 + (u * 1200)::int AS on_day,
               u >= 0.55 AND u < 0.552 AND h.date + 20 <= %(as_of)s AS returned
        FROM (SELECT random() + 0 * n AS u) r
    ) x
    WHERE h.conflict_id = %(conflict)s
"""


def use_bench_database(rebuild: bool) -> None:
    settings.DATABASES["default"]["TEST"]["NAME"] = DB_NAME
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=not rebuild, serialize=False
    )


def build() -> tuple[float, Conflict, Party]:
    existing = Conflict.objects.filter(slug=SLUG).first()
    if existing:
        return 0.0, existing, Party.objects.get(code="BP-A")
    start = time.perf_counter()
    with transaction.atomic():
        user = get_user_model()
        clerk = user.objects.create(username="bench-clerk")
        verifier = user.objects.create(username="bench-verifier")
        conflict = Conflict.objects.create(
            slug=SLUG, name="Pipeline benchmark", start_date=AS_OF - datetime.timedelta(800)
        )
        to, frm = Party.objects.create(code="BP-A"), Party.objects.create(code="BP-B")
        persons = Person.objects.bulk_create(
            Person(
                conflict=conflict,
                party=to,
                full_name=f"Bench {n}",
                name_latin=f"Bench {n}",
                status="killed",
                status_date=AS_OF,
            )
            for n in range(PERSONS)
        )
        params = {
            "conflict": conflict.pk,
            "from": frm.pk,
            "to": to.pk,
            "clerk": clerk.pk,
            "verifier": verifier.pk,
            "handovers": HANDOVERS,
            "per": PER_HANDOVER,
            "as_of": AS_OF,
            "persons": PERSONS,
            "first_person": min(p.pk for p in persons),
        }
        with connection.cursor() as cursor:
            # This private database's synthetic rows need no audit trail: with the row
            # triggers (audit, data versions) the load takes tens of minutes, without them
            # seconds. Needs the development server's superuser role; production's runtime
            # role may not do this (DESIGN §5), nor does any code outside this benchmark.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(HANDOVER_ROWS, params)
            cursor.execute(REMAINS_ROWS, params)
            cursor.execute("ANALYZE repatriation_remains; ANALYZE repatriation_handover")
        # The tallies' triggers were off too: recompute them, as after any such load.
        call_command("rebuild_tallies", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_identificationtally")
    return time.perf_counter() - start, conflict, to


def timed(call, runs: int) -> tuple[list[float], list[float], int]:
    """Milliseconds per call, in SQL (execute) and in all; the queries per call."""
    sql_spent: list[float] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_spent.append((time.perf_counter() - start) * 1000)

    call()  # warm PostgreSQL's buffers and the connection
    totals, sqls, queries = [], [], 0
    for _ in range(runs):
        sql_spent.clear()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            result = call()
            totals.append((time.perf_counter() - start) * 1000)
        sqls.append(sum(sql_spent))
        queries = len(sql_spent)
    timed.last = result
    return sqls, totals, queries


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="drop and build the database")
    args = parser.parse_args()

    use_bench_database(args.rebuild)
    seconds, conflict, party = build()
    if seconds:
        print(f"built {HANDOVERS * PER_HANDOVER:,} remains in {seconds:.1f} s")
    handover = Handover.objects.filter(conflict=conflict).order_by("date").first()
    cases = [
        ("ledger block, as of today", lambda: identification_block(conflict=conflict, party=party)),
        (
            f"ledger block, as of {AS_OF}",
            lambda: identification_block(conflict=conflict, party=party, as_of=AS_OF),
        ),
        ("one handover", lambda: handover_identification(handover=handover, as_of=AS_OF)),
    ]
    print(f"\n{args.runs} runs each, {os.cpu_count()} cores; median / p95 in ms")
    for label, call in cases:
        sqls, totals, queries = timed(call, args.runs)
        print(
            f"  {label:32s} SQL {statistics.median(sqls):6.1f} / {p95(sqls):6.1f}   "
            f"call {statistics.median(totals):6.1f} / {p95(totals):6.1f}   ({queries} queries)"
        )
    block = identification_block(conflict=conflict, party=party, as_of=AS_OF)
    print("\nfigures as of", AS_OF)
    for key, value in block.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
