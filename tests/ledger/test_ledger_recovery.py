"""Remains the party's own side recovered count as returned, and are shown apart (issue 16)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from repatriation.choices import HandoverState
from tests.factories import HandoverFactory, RemainsFactory
from tests.ledger.test_ledger import complete, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def recovery(world, count, *, verified=True):  # noqa: F811
    """Remains ARM's own side recovered: no party handed them over."""
    handover = HandoverFactory(
        conflict=world.conflict,
        kind="recovery",
        from_party=None,
        to_party=world.arm,
        reported_count=count,
    )
    if verified:
        handover.state = HandoverState.VERIFIED
        handover.verified_by = world.verifier
        handover.verified_at = timezone.now()
        handover.save()
    for fields in complete(count):
        RemainsFactory(handover=handover, **fields)


def test_a_verified_recovery_counts_as_returned_and_is_shown_apart(world):  # noqa: F811
    world.handover(complete(3))
    recovery(world, 2)
    recovery(world, 4, verified=False)

    returned = world.ledger()["returned"]

    assert (returned["handovers"], returned["received"], returned["recovered"]) == (2, 5, 2)
    assert returned["pending"] == 4
    assert returned["individuals_min"] == 5


def test_without_recoveries_none_is_shown_recovered(world):  # noqa: F811
    world.handover(complete(3))
    assert world.ledger()["returned"]["recovered"] == 0


def test_the_database_refuses_a_recovery_from_a_party_and_a_handover_from_none(world):  # noqa: F811
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoverFactory(conflict=world.conflict, to_party=world.arm, kind="recovery")
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoverFactory(conflict=world.conflict, to_party=world.arm, from_party=None)
