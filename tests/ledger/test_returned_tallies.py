"""The tallies the ledger's ``returned`` block reads: kept by triggers, they always equal the
full aggregate of the remains, and the block computed from them equals the one computed from
every remains (the full scan the ledger ran before the tallies, kept in the tests only)."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ledger.sql.common import REMAINS
from ledger.sql.handovers import (
    CONFIRMED,
    HANDOVERS,
    PRESUMPTIVE,
    RETURNED_TO_SENDER,
    VERIFIED,
)
from ledger.sql.returned_tallies import IDENTIFIED, RETURNED_TALLY, TALLIES
from repatriation.choices import HandoverKind, HandoverState, Identification, RemainsCondition
from repatriation.models import Handover, Remains
from tests.factories import HandoverFactory, RemainsFactory
from tests.ledger.handovers_reference import reference_handovers_query, with_points
from tests.ledger.test_identification_tallies import START, D, day, random_writes, remains_fields
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

COMPLETE = f"r.condition = '{RemainsCondition.COMPLETE}'"
PER_HANDOVER_FROM_REMAINS = f"""
    SELECT h.id, h.conflict_id, h.party_id, h.state, h.date, h.reported_count, h.kind,
           count(r.id) AS logged,
           count(r.id) FILTER (WHERE NOT {RETURNED_TO_SENDER}) AS n,
           count(r.id) FILTER (WHERE {RETURNED_TO_SENDER}) AS returned_to_sender,
           count(r.id) FILTER (WHERE {COMPLETE} AND NOT {RETURNED_TO_SENDER}) AS complete
    FROM h LEFT JOIN {REMAINS} r ON r.handover_id = h.id
    GROUP BY h.id, h.conflict_id, h.party_id, h.state, h.date, h.reported_count, h.kind
"""
IDENTIFIED_FROM_REMAINS = f"""
    SELECT h.conflict_id, h.party_id,
           count(*) FILTER (WHERE {CONFIRMED}) AS confirmed,
           count(*) FILTER (WHERE {CONFIRMED} AND {COMPLETE}) AS complete_confirmed,
           count(*) FILTER (WHERE {PRESUMPTIVE}) AS presumptive,
           count(DISTINCT r.person_id) FILTER (WHERE {CONFIRMED}) AS identified
    FROM h JOIN {REMAINS} r ON r.handover_id = h.id
    WHERE h.state = {VERIFIED}
    GROUP BY h.conflict_id, h.party_id
"""
HANDOVERS_FROM_REMAINS = reference_handovers_query(
    PER_HANDOVER_FROM_REMAINS, IDENTIFIED_FROM_REMAINS
)


def rows(query):
    with connection.cursor() as cursor:
        cursor.execute(query)
        return sorted(cursor.fetchall(), key=repr)


def tallies():
    return {table: rows(current) for table, _columns, _rows, current in TALLIES}


def full_aggregates():
    return {table: rows(full) for table, _columns, full, _current in TALLIES}


def returned_block(query, world, as_of, *, every_ledger=False):
    if every_ledger:
        return block(query, None, None, as_of)
    return block(query, world.conflict.pk, world.arm.pk, as_of)


def block(query, conflict, party, as_of):
    """The rows of a handovers query for one ledger (or every one, with None), comparable."""
    params = {"conflict": conflict, "party": party, "as_of": as_of, "source": None}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # Today's query gives the timeline's series; the reference, its points.
    rows = [with_points(row) if isinstance(row["timeline"], dict) else row for row in rows]
    return sorted(rows, key=repr)


def pick(rng, queryset):
    """A row of ``queryset`` chosen by the seeded ``rng`` (None when it is empty): a seed
    writes the same sequence on every run."""
    rows = list(queryset.order_by("pk"))
    return rng.choice(rows) if rows else None


def more_writes(world, rng, steps):
    """What ``random_writes`` leaves out: recoveries, partial remains, another person, a
    changed condition, a remains and a handover deleted."""
    for _ in range(steps):
        move = rng.random()
        handover = pick(rng, Handover.objects.filter(conflict=world.conflict))
        remains = pick(rng, Remains.objects.filter(handover__conflict=world.conflict))
        if move < 0.2:
            recovery = HandoverFactory(
                conflict=world.conflict,
                kind=HandoverKind.RECOVERY,
                from_party=None,
                to_party=world.arm,
                date=day(rng),
                state=HandoverState.VERIFIED,
                verified_by=world.verifier,
                verified_at=timezone.now(),
            )
            for _ in range(rng.randint(1, 3)):
                fields = remains_fields(rng, world, recovery.date)
                fields["condition"] = rng.choice(list(RemainsCondition))
                RemainsFactory(handover=recovery, **fields)
        elif move < 0.4 and remains:
            Remains.objects.filter(pk=remains.pk).update(
                condition=rng.choice(list(RemainsCondition))
            )
        elif move < 0.6 and remains and remains.person_id:
            Remains.objects.filter(pk=remains.pk).update(person=world.person())
        elif move < 0.7 and remains and remains.identification == Identification.CONFIRMED:
            # A second remains of the same person: the distinct count must not move.
            RemainsFactory(
                handover=remains.handover,
                condition=rng.choice(list(RemainsCondition)),
                identification=Identification.CONFIRMED,
                person_id=remains.person_id,
                method="dna",
                identified_on=day(rng, 0, 500),
            )
        elif move < 0.8 and remains:
            remains.delete()
        elif move < 0.9 and handover:
            # The handover's remains first, as Django's cascade does.
            Remains.objects.filter(handover=handover).delete()
            handover.delete()
        elif handover:
            Handover.objects.filter(pk=handover.pk).update(date=day(rng))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_random_writes_the_tallies_and_the_ledger_equal_the_full_aggregate(seed):
    world, rng = World(), random.Random(seed)

    random_writes(world, rng, steps=35)
    more_writes(world, rng, steps=15)

    assert Remains.objects.count() > 10
    found = tallies()
    assert found == full_aggregates()
    assert found[IDENTIFIED] != [] and found[RETURNED_TALLY] != []
    for as_of in (None, START, day(rng, 30, 60), day(rng, 200, 300), D(2024, 6, 1)):
        from_tallies = returned_block(HANDOVERS, world, as_of)
        assert from_tallies == returned_block(HANDOVERS_FROM_REMAINS, world, as_of)
    every = returned_block(HANDOVERS, world, None, every_ledger=True)
    assert every == returned_block(HANDOVERS_FROM_REMAINS, world, None, every_ledger=True)
    [latest] = returned_block(HANDOVERS, world, None)
    assert latest["received"] > 0


def test_a_person_identified_twice_counts_once_from_the_first_day():
    world = World()
    person = world.person()
    confirmed = {"identification": "confirmed", "person": person, "method": "dna"}
    world.handover([{**confirmed, "identified_on": START + datetime.timedelta(10)}], date=START)
    world.handover([{**confirmed, "identified_on": START + datetime.timedelta(3)}], date=START)

    assert world.ledger()["returned"]["identified"] == 1
    assert world.ledger(as_of=START + datetime.timedelta(2))["returned"]["identified"] == 0
    assert world.ledger(as_of=START + datetime.timedelta(3))["returned"]["identified"] == 1
    assert world.ledger()["returned"]["received"] == 2


def test_a_rolled_back_write_leaves_the_tallies_as_they_were():
    world = World()
    person = world.person()
    handover = world.handover([{"condition": "complete"}] * 2, date=START)
    before = tallies()
    assert before == full_aggregates()

    with pytest.raises(RuntimeError), transaction.atomic():
        Remains.objects.filter(handover=handover).update(
            identification=Identification.CONFIRMED,
            person=person,
            method="dna",
            identified_on=START,
        )
        world.handover([{"condition": "partial"}] * 3, date=START)
        assert tallies() != before
        raise RuntimeError("rolled back")

    assert tallies() == before == full_aggregates()
    assert world.ledger()["returned"]["received"] == 2


def test_generate_data_leaves_the_tallies_equal_to_their_rebuild(settings):
    settings.DEBUG = True
    call_command(
        "generate_data",
        persons=300,
        handovers=12,
        remains_per_handover=6,
        statements=6,
        stdout=io.StringIO(),
    )

    found = tallies()
    assert found == full_aggregates()
    assert found[RETURNED_TALLY] != []


def test_the_rebuild_command_recomputes_lost_tallies():
    world = World()
    person = world.person()
    world.handover(
        [{"condition": "complete"}] * 3
        + [
            {
                "identification": "confirmed",
                "person": person,
                "method": "dna",
                "identified_on": START,
            }
        ],
        date=START,
    )
    expected = tallies()
    with connection.cursor() as cursor:
        for table, _columns, _rows, _current in TALLIES:
            cursor.execute(f"DELETE FROM {table}")
    assert world.ledger()["returned"]["identified"] == 0
    out = io.StringIO()

    call_command("rebuild_tallies", stdout=out)

    assert tallies() == expected == full_aggregates()
    assert "returned day tallies" in out.getvalue()
    assert world.ledger()["returned"]["identified"] == 1
    assert world.ledger()["returned"]["received"] == 4
