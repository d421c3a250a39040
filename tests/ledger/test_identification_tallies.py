"""The remains tallies the ledger's pipeline figures sum: kept by triggers, they always equal the
full aggregate of the remains, and the figures from them those read from every remains."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledger.sql.identification import LEDGER_PIPELINE, LEDGER_PIPELINE_FROM_REMAINS
from ledger.sql.identification_tallies import CURRENT, TALLY, TALLY_ROWS
from repatriation.choices import Disposition, HandoverKind, HandoverState, Identification
from repatriation.models import Handover, Remains
from tests.factories import RemainsFactory
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2022, 10, 1)


def rows(query):
    with connection.cursor() as cursor:
        cursor.execute(query)
        return sorted(cursor.fetchall(), key=repr)


def figures(query, world, ref):
    params = {"conflict": world.conflict.pk, "party": world.arm.pk, "handover": None, "ref": ref}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column.name for column in cursor.description]
        found = cursor.fetchone()
    row = dict(zip(names, found, strict=True)) if found else {}
    # The remains-level query gives no row when nothing counts; the tallies' gives zeros.
    keys = {"conflict_id", "party_id"}
    return {key: value for key, value in row.items() if value not in (0, None) and key not in keys}


def day(rng, first=0, last=400):
    return START + datetime.timedelta(days=rng.randint(first, last))


def remains_fields(rng, world, received_on):
    state = rng.choice(list(Identification))
    fields = {"condition": "complete", "identification": state}
    if state != Identification.UNIDENTIFIED:
        fields["person"] = world.person()
        fields["method"] = "dna"
        fields["identified_on"] = received_on + datetime.timedelta(days=rng.randint(-5, 300))
    if state == Identification.PRESUMPTIVE and rng.random() < 0.3:
        fields["identified_on"] = None
    return fields


def random_writes(world, rng, steps):
    handovers = []
    for _ in range(steps):
        move = rng.random()
        if move < 0.25 or not handovers:
            date = day(rng)
            kind = rng.choice([HandoverKind.REMAINS, HandoverKind.REMAINS, HandoverKind.PRISONERS])
            remains = [remains_fields(rng, world, date) for _ in range(rng.randint(0, 4))]
            handovers.append(
                world.handover(remains, date=date, verified=rng.random() < 0.6, kind=kind)
            )
            continue
        handover = rng.choice(handovers)
        if move < 0.4:
            RemainsFactory(handover=handover, **remains_fields(rng, world, handover.date))
        elif move < 0.5:
            handover.refresh_from_db()
            verify = handover.state != HandoverState.VERIFIED
            Handover.objects.filter(pk=handover.pk).update(
                state=HandoverState.VERIFIED if verify else HandoverState.DRAFT,
                verified_by=world.verifier if verify else None,
                verified_at=timezone.now() if verify else None,
                date=day(rng),
            )
        elif move < 0.6:
            Remains.objects.filter(pk__in=handover.remains.values("pk")[:1]).delete()
        elif move < 0.75:
            target = handover.remains.filter(identification=Identification.UNIDENTIFIED).first()
            if target:
                Remains.objects.filter(pk=target.pk).update(
                    disposition=Disposition.RETURNED_TO_SENDER, disposition_on=day(rng)
                )
        elif move < 0.8:
            target = handover.remains.exclude(identification=Identification.UNIDENTIFIED).first()
            if target:
                Remains.objects.filter(pk=target.pk).update(
                    identification=Identification.CONFIRMED, identified_on=day(rng, 0, 500)
                )
        else:
            release(handover, rng)
        # Another handover's remains moved over.
        if rng.random() < 0.05 and len(handovers) > 1:
            other = rng.choice(handovers)
            Remains.objects.filter(pk__in=handover.remains.values("pk")[:1]).update(handover=other)


def release(handover, rng):
    """Identified remains released to the family (confirmed first), or buried, or held again
    (the aftercare's dispositions)."""
    # Chosen by the seeded generator, so each seed replays the same writes.
    candidates = list(
        handover.remains.exclude(identification=Identification.UNIDENTIFIED).order_by("pk")
    )
    if not candidates:
        return
    target = rng.choice(candidates)
    disposition = rng.choice([Disposition.RELEASED_TO_FAMILY, Disposition.BURIED, Disposition.HELD])
    on = None if disposition == Disposition.HELD else day(rng, 0, 500)
    fields = {"disposition": disposition, "disposition_on": on}
    if target.identification != Identification.CONFIRMED:
        fields.update(identification=Identification.CONFIRMED, identified_on=day(rng, 0, 500))
    Remains.objects.filter(pk=target.pk).update(**fields)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_writes_the_tallies_equal_the_full_aggregate(seed):
    world, rng = World(), random.Random(seed)

    random_writes(world, rng, steps=60)
    # And an aftercare step on each verified remains handover, so releases surely count.
    verified = Handover.objects.filter(state=HandoverState.VERIFIED, kind=HandoverKind.REMAINS)
    for handover in verified.order_by("pk"):
        release(handover, rng)

    assert Remains.objects.count() > 20
    assert rows(CURRENT) == rows(TALLY_ROWS)
    for ref in (START, day(rng, 30, 60), day(rng, 200, 300), D(2024, 6, 1)):
        from_tallies = figures(LEDGER_PIPELINE, world, ref)
        assert from_tallies == figures(LEDGER_PIPELINE_FROM_REMAINS, world, ref)
    assert figures(LEDGER_PIPELINE, world, D(2024, 6, 1))["received"] > 0
    # The writes released some confirmed remains, and the tallies carry their release day.
    released = Remains.objects.filter(
        disposition__in=[Disposition.RELEASED_TO_FAMILY, Disposition.BURIED]
    )
    assert released.exists()
    assert any(row[6] is not None for row in rows(CURRENT))


def test_an_even_count_takes_the_mean_of_the_middle_two_days():
    world = World()
    for days in (3, 10, 10, 40):
        date = START
        identified = {"identification": "confirmed", "person": world.person(), "method": "dna"}
        world.handover(
            [{**identified, "identified_on": date + datetime.timedelta(days)}], date=date
        )

    found = figures(LEDGER_PIPELINE, world, D(2024, 1, 1))

    assert found["median_days"] == 10
    assert found == figures(LEDGER_PIPELINE_FROM_REMAINS, world, D(2024, 1, 1))


def test_the_rebuild_command_recomputes_lost_tallies():
    world = World()
    world.handover([{"condition": "complete"}] * 3, date=START)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY}")
    out = io.StringIO()

    call_command("rebuild_tallies", stdout=out)

    assert rows(CURRENT) == rows(TALLY_ROWS) != []
    assert "3 remains" in out.getvalue()
    assert figures(LEDGER_PIPELINE, world, START)["received"] == 3
