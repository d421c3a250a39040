"""The pipeline figures read backward from a ledger's end (issue 19): the backward tallies the
triggers keep always equal their recomputation, and the forward side, the backward side and the
query choosing between them all give the figures read from every remains, whatever the day."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from ledger.sql.identification import (
    LEDGER_PIPELINE,
    LEDGER_PIPELINE_BACKWARD,
    LEDGER_PIPELINE_FORWARD,
    LEDGER_PIPELINE_FROM_REMAINS,
)
from ledger.sql.identification_tallies import PIPELINE_ROWS, pipeline_current
from ledger.sql.pipeline_backward import BACKWARD
from repatriation.choices import Disposition, HandoverKind, HandoverState, Identification
from repatriation.models import Handover, Remains
from tests.ledger.test_identification_tallies import (
    START,
    figures,
    random_writes,
    release,
    rows,
)
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

D = datetime.date
QUERIES = {
    "forward": LEDGER_PIPELINE_FORWARD,
    "backward": LEDGER_PIPELINE_BACKWARD,
    "chosen": LEDGER_PIPELINE,
}


def after(days):
    return START + datetime.timedelta(days=days)


def tallies():
    return {table: rows(pipeline_current(table, columns)) for table, columns, _ in PIPELINE_ROWS}


def recomputed():
    return {table: rows(query) for table, _columns, query in PIPELINE_ROWS}


def reads_backward(world, ref):
    params = {"conflict": world.conflict.pk, "party": world.arm.pk, "ref": ref}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {BACKWARD}", params)
        return cursor.fetchone()[0]


def assert_every_side_agrees(world, ref):
    expected = figures(LEDGER_PIPELINE_FROM_REMAINS, world, ref)
    for name, query in QUERIES.items():
        assert (name, figures(query, world, ref)) == (name, expected)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_random_writes_the_backward_tallies_and_every_side_agree(seed):
    world, rng = World(), random.Random(seed)

    random_writes(world, rng, steps=60)
    verified = Handover.objects.filter(state=HandoverState.VERIFIED, kind=HandoverKind.REMAINS)
    for handover in verified.order_by("pk"):
        release(handover, rng)

    assert tallies() == recomputed()
    assert all(tallies().values())
    refs = [after(-10), *(after(rng.randint(0, 500)) for _ in range(5)), after(600), D(2030, 1, 1)]
    for ref in refs:
        assert_every_side_agrees(world, ref)
    assert not reads_backward(world, after(-10))
    assert reads_backward(world, D(2030, 1, 1))
    assert figures(LEDGER_PIPELINE_BACKWARD, world, D(2030, 1, 1))["received"] > 0


def worked_example(world):
    """R = START + 40: one handover on START, one after R."""
    confirmed = {"identification": Identification.CONFIRMED, "method": "dna"}
    world.handover(
        [
            # Identified from documents on the way: counts as confirmed on the day of receipt.
            {**confirmed, "person": world.person(), "identified_on": after(-3)},
            # A presumption without a date counts from receipt.
            {"identification": Identification.PRESUMPTIVE, "person": world.person()},
            # Confirmed before R, released to the family after it: awaiting release at R.
            {
                **confirmed,
                "person": world.person(),
                "identified_on": after(20),
                "disposition": Disposition.RELEASED_TO_FAMILY,
                "disposition_on": after(60),
            },
            # Returned to the sender after R: still the party's at R.
            {"disposition": Disposition.RETURNED_TO_SENDER, "disposition_on": after(50)},
            {"condition": "partial"},
        ],
        date=START,
    )
    world.handover(
        [{**confirmed, "person": world.person(), "identified_on": after(110)}], date=after(100)
    )


def test_a_worked_example_reads_the_same_on_every_side():
    world = World()
    worked_example(world)
    at_r = {
        "received": 5,
        "presumptive": 1,
        "confirmed": 2,
        "awaiting_release": 2,
        "eligible_30": 5,
        "within_30": 2,
        "within_90": 0,
        "median_days": 10,
        "31-90": 3,
        "confirmed_trailing": 2,
    }
    at_r = {key: value for key, value in at_r.items() if value}
    late = {
        "received": 5,
        "presumptive": 1,
        "confirmed": 3,
        "awaiting_release": 2,
        **{f"eligible_{days}": 5 for days in (30, 90, 180, 365)},
        **{f"within_{days}": 3 for days in (30, 90, 180, 365)},
        "median_days": 10,
        "over_365": 2,
    }

    for name, query in QUERIES.items():
        assert (name, figures(query, world, after(40))) == (name, at_r)
        assert (name, figures(query, world, D(2030, 1, 1))) == (name, late)
    for ref in (after(-1), START, after(40), after(50), after(60), after(105), after(110)):
        assert_every_side_agrees(world, ref)
    assert reads_backward(world, D(2030, 1, 1))


def test_a_rolled_back_write_leaves_the_backward_tallies_as_they_were():
    world = World()
    worked_example(world)
    before = tallies()

    with pytest.raises(RuntimeError), transaction.atomic():
        Remains.objects.filter(identification=Identification.PRESUMPTIVE).update(
            identification=Identification.CONFIRMED, identified_on=after(30)
        )
        world.handover([{"condition": "complete"}] * 4, date=after(5))
        assert tallies() != before
        raise RuntimeError

    assert tallies() == before == recomputed()


def test_the_rebuild_command_restores_truncated_backward_tallies():
    world = World()
    worked_example(world)
    before = tallies()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(table for table, _c, _q in PIPELINE_ROWS))
    assert not any(tallies().values())

    call_command("rebuild_tallies", stdout=io.StringIO())

    assert tallies() == before == recomputed()
    assert all(before.values())
    assert_every_side_agrees(world, after(40))
