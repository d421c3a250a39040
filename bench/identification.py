"""Benchmark: identification (issue 18). Prints figures; asserts nothing.

    TEST_DATABASE_NAME=test_ident .venv/bin/python bench/identification.py [--persons 60000]

Runs in a test database (created, or kept when it exists), inside one transaction that is
rolled back at the end, so nothing stays behind:

* ``candidates``: the ranked candidates for one remains with a post-mortem record, among
  ``--persons`` missing persons of the receiving party, each with an ante-mortem record
  (random sex, birth year, stature, last-seen date, region). Target: ≤ 100 ms.
* ``board``: GET /identification/ as a forensic coordinator with ``--pending`` proposals
  waiting (the page renders every one), through the whole Django stack. Target: ≤ 2 s.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from casualties.choices import PersonStatus  # noqa: E402
from casualties.models import Conflict, Party, Person  # noqa: E402
from core.tiers import FORENSIC  # noqa: E402
from identification.candidates import candidates  # noqa: E402
from identification.choices import Evidence, Sex  # noqa: E402
from identification.models import AnteMortem, PostMortem, Proposal  # noqa: E402
from repatriation.choices import HandoverState, Identification  # noqa: E402
from repatriation.models import Handover, Remains  # noqa: E402

LOST = datetime.date(2022, 9, 14)


class Rollback(Exception):
    pass


def timed(run, repeat: int) -> list[float]:
    laps = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        laps.append((time.perf_counter() - start) * 1000)
    return laps


def report(name: str, laps: list[float]) -> None:
    laps = sorted(laps)
    p95 = laps[max(0, round(0.95 * len(laps)) - 1)]
    print(
        f"{name:<12} median {statistics.median(laps):8.1f} ms   p95 {p95:8.1f} ms   n={len(laps)}"
    )


def scenery(persons: int, rng: random.Random):
    conflict = Conflict.objects.create(slug="bench-ident", name="Bench", start_date=LOST)
    arm = Party.objects.create(code="BARM", name="Bench A")
    aze = Party.objects.create(code="BAZE", name="Bench B")
    clerk = User.objects.create(username="bench-clerk")
    handover = Handover.objects.create(
        conflict=conflict, date=datetime.date(2023, 3, 1), from_party=aze, to_party=arm,
        reported_count=1, entered_by=clerk, state=HandoverState.DRAFT,
    )  # fmt: skip
    rows = Person.objects.bulk_create(
        Person(conflict=conflict, party=arm, full_name=f"Missing {n}",
               status=PersonStatus.MISSING, status_date=LOST)
        for n in range(persons)
    )  # fmt: skip
    records = []
    for person in rows:
        low = rng.randint(150, 195)
        records.append(AnteMortem(
            person=person, sex=rng.choice([Sex.MALE, Sex.FEMALE]),
            birth_year=rng.randint(1950, 2004), stature_min=low,
            stature_max=low + rng.randint(0, 8),
            last_seen_on=LOST - datetime.timedelta(days=rng.randint(0, 700)),
            region=rng.choice(["Lori", "Tavush", "Shirak", "Syunik", ""]),
        ))  # fmt: skip
    AnteMortem.objects.bulk_create(records, batch_size=5000)
    return handover, rows


def bench_candidates(handover, repeat: int) -> None:
    body = Remains.objects.create(handover=handover, case_number="BENCH/1")
    PostMortem.objects.create(
        remains=body, sex=Sex.MALE, age_min=30, age_max=40, stature_min=175, stature_max=185,
        recovery_site="Syunik",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report("candidates", timed(lambda: candidates(remains_id=body.pk), repeat))


def bench_board(handover, persons, pending: int, repeat: int) -> None:
    user = User.objects.create(username="bench-forensic")
    user.groups.add(Group.objects.get_or_create(name=FORENSIC)[0])
    other = persons[:pending]
    bodies = Remains.objects.bulk_create(
        Remains(handover=handover, case_number=f"BOARD/{n}", person=other[n],
                identification=Identification.PRESUMPTIVE)
        for n in range(pending)
    )  # fmt: skip
    Proposal.objects.bulk_create(
        Proposal(remains=body, person=body.person, evidence=[Evidence.VISUAL, Evidence.EFFECTS],
                 reasoning="bench", proposed_by=user)
        for body in bodies
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    assert client.get("/identification/").status_code == 200
    report(f"board {pending}", timed(lambda: client.get("/identification/"), repeat))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=60_000)
    parser.add_argument("--pending", type=int, default=1_500)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True)
    try:
        with transaction.atomic():
            handover, persons = scenery(args.persons, random.Random(18))
            print(f"{args.persons:,} missing persons with AM records")
            bench_candidates(handover, args.repeat)
            bench_board(handover, persons, args.pending, max(3, args.repeat // 4))
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
