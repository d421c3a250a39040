"""The handover day sums and count mismatches (issue 19): kept by triggers, they always equal
their full recomputation, and the handovers query read from them gives exactly the rows of the
query it replaced (every handover in scope, fed from the remains), for either party."""

import datetime
import io
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ledger.sql.handover_days import DAYS, MISMATCHES, TABLES
from ledger.sql.handovers import HANDOVERS
from repatriation.choices import Disposition, HandoverKind, HandoverState, Identification
from repatriation.models import Handover, HandoverClaim, HandoverRevision, Remains
from tests.factories import ConflictFactory, HandoverFactory, RemainsFactory
from tests.ledger.test_identification_tallies import START, day, random_writes, remains_fields
from tests.ledger.test_ledger import World
from tests.ledger.test_returned_tallies import (
    HANDOVERS_FROM_REMAINS,
    block,
    more_writes,
    pick,
    rows,
)

pytestmark = pytest.mark.django_db


def tables():
    return {table: rows(current) for table, _columns, _rows, current in TABLES}


def full_recomputation():
    return {table: rows(full) for table, _columns, full, _current in TABLES}


def other_side(world, handover):
    return world.aze if handover.to_party_id == world.arm.pk else world.arm


def sent_back(world, back):
    return {
        "sent_back_by": world.verifier if back else None,
        "sent_back_at": timezone.now() if back else None,
    }


def handover_writes(world, rng, steps):
    """What the other random writes leave out: handovers to the other party, sent back,
    re-announced, of another kind, moved to the other party or conflict (alone and several in
    one statement), remains returned to the sender, claims and corrections."""
    elsewhere = ConflictFactory(slug="elsewhere")
    for _ in range(steps):
        move = rng.random()
        handover = pick(rng, Handover.objects.filter(conflict=world.conflict))
        same = Handover.objects.filter(pk=handover.pk)
        if move < 0.12:
            date = day(rng)
            to_aze = world.handover(
                [remains_fields(rng, world, date) for _ in range(rng.randint(0, 3))],
                date=date,
                verified=rng.random() < 0.7,
                reported=rng.randint(0, 3),
            )
            Handover.objects.filter(pk=to_aze.pk).update(from_party=world.arm, to_party=world.aze)
        elif move < 0.24:
            verify = handover.state != HandoverState.VERIFIED
            state = rng.choice([HandoverState.DRAFT, HandoverState.SENT_BACK])
            same.update(
                state=HandoverState.VERIFIED if verify else state,
                verified_by=world.verifier if verify else None,
                verified_at=timezone.now() if verify else None,
                **sent_back(world, not verify and state == HandoverState.SENT_BACK),
            )
        elif move < 0.36:
            same.update(reported_count=rng.randint(0, 5))
        elif move < 0.46:
            if handover.kind == HandoverKind.RECOVERY:
                same.update(kind=HandoverKind.REMAINS, from_party=other_side(world, handover))
            else:
                other = {HandoverKind.REMAINS: HandoverKind.PRISONERS}.get(handover.kind)
                same.update(kind=other or HandoverKind.REMAINS)
        elif move < 0.54 and handover.kind != HandoverKind.RECOVERY:
            same.update(to_party=other_side(world, handover), from_party=handover.to_party)
        elif move < 0.58:
            same.update(conflict=elsewhere)
        elif move < 0.64:
            ids = list(
                Handover.objects.filter(conflict=world.conflict)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            several = rng.sample(ids, k=min(4, len(ids)))
            Handover.objects.filter(pk__in=several).update(
                date=F("date") + datetime.timedelta(days=rng.randint(-20, 20)),
                reported_count=F("reported_count") + 1,
            )
        elif move < 0.76:
            target = handover.remains.filter(identification=Identification.UNIDENTIFIED).first()
            if target:
                Remains.objects.filter(pk=target.pk).update(
                    disposition=Disposition.RETURNED_TO_SENDER, disposition_on=day(rng)
                )
        elif move < 0.84:
            RemainsFactory(handover=handover, **remains_fields(rng, world, handover.date))
        elif move < 0.92:
            for party in (world.arm, world.aze):
                HandoverClaim.objects.update_or_create(
                    handover=handover,
                    party=party,
                    defaults={
                        "count": rng.randint(0, 3),
                        "citation": "a press briefing",
                        "stated_on": day(rng),
                        "entered_by": world.verifier,
                    },
                )
        else:
            HandoverRevision.objects.create(
                handover=handover,
                kind="correction",
                revised_by=world.verifier,
                revised_at=datetime.datetime.combine(day(rng), datetime.time(), datetime.UTC),
                reason="a miscount",
            )


def recovery(world, date, n):
    handover = HandoverFactory(
        conflict=world.conflict,
        kind=HandoverKind.RECOVERY,
        from_party=None,
        to_party=world.arm,
        date=date,
        reported_count=n + 1,
        state=HandoverState.VERIFIED,
        verified_by=world.verifier,
        verified_at=timezone.now(),
    )
    RemainsFactory.create_batch(n, handover=handover, condition="complete")
    return handover


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_after_random_writes_the_tables_and_the_query_equal_the_full_aggregate(seed):
    world, rng = World(), random.Random(seed)

    random_writes(world, rng, steps=30)
    recovery(world, day(rng), 2)
    more_writes(world, rng, steps=10)
    handover_writes(world, rng, steps=40)
    random_writes(world, rng, steps=10)

    found = tables()
    assert found == full_recomputation()
    assert found[DAYS] != [] and found[MISMATCHES] != []
    assert {row[1] for row in found[DAYS]} == {world.arm.pk, world.aze.pk}
    dates = [None, START, day(rng, 60, 150), day(rng, 200, 350)]
    for party in (world.arm, world.aze):
        for as_of in dates:
            expected = block(HANDOVERS_FROM_REMAINS, world.conflict.pk, party.pk, as_of)
            assert block(HANDOVERS, world.conflict.pk, party.pk, as_of) == expected
    every = block(HANDOVERS, None, None, None)
    assert every == block(HANDOVERS_FROM_REMAINS, None, None, None)
    assert len(every) >= 2 and any(ledger["count_mismatches"] for ledger in every)


def test_a_rolled_back_write_leaves_the_tables_as_they_were():
    world = World()
    handover = world.handover([{"condition": "complete"}] * 2, date=START, reported=3)
    before = tables()
    assert before == full_recomputation() and before[MISMATCHES] != []

    with pytest.raises(RuntimeError), transaction.atomic():
        RemainsFactory(handover=handover, condition="partial")
        Handover.objects.filter(pk=handover.pk).update(date=START + datetime.timedelta(days=3))
        recovery(world, START, 4)
        assert tables() != before
        raise RuntimeError("rolled back")

    assert tables() == before == full_recomputation()
    returned = world.ledger()["returned"]
    assert (returned["received"], returned["reported"]) == (2, 3)


def test_a_handover_counts_where_it_is_whichever_table_is_written_first():
    world = World()
    handover = world.handover([{"condition": "complete"}] * 2, date=START, reported=2)
    # In one transaction, as the deferred foreign key allows: the handover redated and
    # announced anew, then its remains gone, then the handover itself.
    with transaction.atomic():
        Handover.objects.filter(pk=handover.pk).update(reported_count=5, date=START.replace(day=9))
        assert tables() == full_recomputation()
        Remains.objects.filter(handover=handover).delete()
        assert tables() == full_recomputation()
        Handover.objects.filter(pk=handover.pk).delete()

    assert tables() == full_recomputation() == {DAYS: [], MISMATCHES: []}


def test_the_rebuild_command_restores_emptied_tables():
    world = World()
    world.handover([{"condition": "complete"}] * 3, date=START, reported=4)
    recovery(world, START, 2)
    expected = tables()
    assert expected[DAYS] != [] and expected[MISMATCHES] != []
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {DAYS}, {MISMATCHES}")
    assert world.ledger()["returned"]["received"] == 0

    call_command("rebuild_tallies", stdout=io.StringIO())

    assert tables() == expected == full_recomputation()
    [ledger] = block(HANDOVERS, world.conflict.pk, world.arm.pk, None)
    assert (ledger["received"], ledger["recovered"], ledger["handovers"]) == (5, 2, 2)
    assert [row["reported"] for row in ledger["count_mismatches"]] == [4, 3]


@pytest.mark.django_db(transaction=True)
def test_remains_logged_while_their_handover_is_verified_elsewhere_count_where_it_ends():
    world = World()
    handover = world.handover([{"condition": "complete"}], date=START, verified=False)
    done = []

    def log_one_more():
        try:
            RemainsFactory(handover=handover, condition="partial")
            done.append(True)
        finally:
            connection.close()

    with transaction.atomic():
        Handover.objects.filter(pk=handover.pk).update(
            state=HandoverState.VERIFIED, verified_by=world.verifier, verified_at=timezone.now()
        )
        writer = threading.Thread(target=log_one_more)
        writer.start()
        writer.join(timeout=1)
        # The remains' tally trigger waits for the verification to commit.
        assert writer.is_alive()
    writer.join(timeout=10)

    assert done == [True]
    assert tables() == full_recomputation()
    [ledger] = block(HANDOVERS, world.conflict.pk, world.arm.pk, None)
    assert (ledger["received"], ledger["pending"], ledger["handovers"]) == (2, 0, 1)
    assert [row["received"] for row in ledger["count_mismatches"]] == [2]
