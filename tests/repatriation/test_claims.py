"""Both parties' announced counts for a handover, and remains returned to the sender."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ledger.discrepancies import HANDOVER_CLAIMS_DISAGREE
from repatriation.choices import Disposition, HandoverState, RevisionKind
from repatriation.models import HandoverClaim, HandoverRevision, Remains
from repatriation.services import handover_claim_record, remains_return_to_sender
from repatriation.services.claims import (
    CLAIM_PARTY_NOT_INVOLVED,
    ONWARD_NOT_BACK,
    RETURN_BEFORE_RECEIPT,
    RETURN_NEEDS_ONWARD_OR_ADMIN,
)
from tests.factories import HandoverFactory, PartyFactory
from tests.ledger.test_ledger import World, complete

pytestmark = pytest.mark.django_db

D = datetime.date
CITATION = "Ministry of Defence press release"


@pytest.fixture
def world():
    return World()


def claim(world, handover, party, count, user):
    return handover_claim_record(
        handover=handover,
        party=party,
        count=count,
        citation=CITATION,
        stated_on=D(2022, 9, 21),
        user=user,
    )


def claims_disagree(ledger):
    return [item for item in ledger["discrepancies"] if item["code"] == HANDOVER_CLAIMS_DISAGREE]


def test_claims_6057_and_6060_are_listed_as_disagreeing(world, clerk):
    handover = world.handover(complete(3), reported=3)
    claim(world, handover, world.arm, 6057, clerk)
    claim(world, handover, world.aze, 6060, clerk)

    [found] = claims_disagree(world.ledger())

    assert found["handover"] == handover.pk
    assert [(c["party"], c["count"]) for c in found["claims"]] == [("ARM", 6057), ("AZE", 6060)]
    assert "6057" in found["message"] and "6060" in found["message"]


def test_agreeing_claims_a_single_claim_and_a_drafts_claims_are_not_listed(world, clerk):
    agreed = world.handover(complete(1))
    claim(world, agreed, world.arm, 6057, clerk)
    claim(world, agreed, world.aze, 6057, clerk)
    single = world.handover(complete(1))
    claim(world, single, world.arm, 10, clerk)
    draft = world.handover(complete(1), verified=False)
    claim(world, draft, world.arm, 1, clerk)
    claim(world, draft, world.aze, 2, clerk)

    assert claims_disagree(world.ledger()) == []


def test_a_claim_stated_after_as_of_is_not_yet_known(world, clerk):
    handover = world.handover(complete(1))
    claim(world, handover, world.arm, 6057, clerk)
    claim(world, handover, world.aze, 6060, clerk)

    assert claims_disagree(world.ledger(as_of=D(2022, 9, 20))) == []
    assert len(claims_disagree(world.ledger(as_of=D(2022, 9, 21)))) == 1


def test_recording_again_replaces_that_partys_claim(world, clerk):
    handover = world.handover(complete(1))
    claim(world, handover, world.arm, 6057, clerk)
    claim(world, handover, world.arm, 6058, clerk)

    assert list(HandoverClaim.objects.values_list("count", flat=True)) == [6058]


def test_a_claim_is_refused_from_an_outsider_or_without_citation_or_negative(world, clerk):
    handover = world.handover(complete(1))
    with pytest.raises(ValidationError) as refused:
        claim(world, handover, PartyFactory(code="XYZ"), 5, clerk)
    assert refused.value.message_dict["party"] == [str(CLAIM_PARTY_NOT_INVOLVED)]
    with pytest.raises(ValidationError) as refused:
        handover_claim_record(
            handover=handover,
            party=world.arm,
            count=-1,
            citation=" ",
            stated_on=D(2022, 9, 21),
            user=clerk,
        )
    assert {"count", "citation"} <= set(refused.value.message_dict)
    assert not HandoverClaim.objects.exists()


def test_only_staff_who_enter_handovers_record_claims(world, journalist):
    handover = world.handover(complete(1))
    with pytest.raises(PermissionDenied):
        claim(world, handover, world.arm, 6057, journalist)


def test_the_database_keeps_one_claim_per_party_and_non_negative_counts(world, clerk):
    handover = world.handover(complete(1))
    claim(world, handover, world.arm, 6057, clerk)
    fields = {"handover": handover, "party": world.arm, "citation": CITATION, "entered_by": clerk}
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoverClaim.objects.create(count=1, stated_on=D(2022, 9, 21), **fields)
    fields["party"] = world.aze
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoverClaim.objects.create(count=-1, stated_on=D(2022, 9, 21), **fields)


def test_the_api_nests_each_partys_claim_in_the_handover(world, clerk, client):
    handover = world.handover(complete(1))
    claim(world, handover, world.aze, 6060, clerk)

    body = client.get(f"/api/v1/handovers/{handover.pk}/").json()

    assert body["claims"] == [
        {"party": "AZE", "count": 6060, "citation": CITATION, "stated_on": "2022-09-21"}
    ]
    assert body["remains"][0]["disposition"] == Disposition.HELD


# Returned to sender


RETURN_DAY = D(2022, 10, 5)


def onward(world, *, verified=True):
    """A handover from ARM back to AZE, which took remains of AZE's back."""
    handover = HandoverFactory(
        conflict=world.conflict,
        from_party=world.arm,
        to_party=world.aze,
        date=RETURN_DAY,
        reported_count=1,
    )
    if verified:
        handover.state = HandoverState.VERIFIED
        handover.verified_by = world.verifier
        handover.verified_at = timezone.now()
        handover.save()
    return handover


def test_a_verified_onward_handover_returns_remains_and_the_ledger_shows_them_apart(world, clerk):
    handover = world.handover(complete(3))
    remains = handover.remains.first()

    returned = remains_return_to_sender(remains=remains, user=clerk, onward_handover=onward(world))

    assert (returned.disposition, returned.disposition_on) == (
        Disposition.RETURNED_TO_SENDER,
        D(2022, 10, 5),
    )
    ledger = world.ledger()["returned"]
    assert (ledger["received"], ledger["returned_to_sender"], ledger["unidentified"]) == (2, 1, 2)
    assert ledger["individuals_max"] == 2
    # no correction: the onward handover's own verification was the second pair of eyes
    assert not HandoverRevision.objects.filter(handover=handover).exists()


def test_a_clerk_cannot_return_remains_of_a_verified_handover_without_a_verified_onward(
    world, clerk
):
    handover = world.handover(complete(1))
    with pytest.raises(PermissionDenied) as refused:
        remains_return_to_sender(
            remains=handover.remains.get(), user=clerk, returned_on=D(2022, 10, 5)
        )
    assert str(refused.value) == str(RETURN_NEEDS_ONWARD_OR_ADMIN)
    with pytest.raises(PermissionDenied):
        remains_return_to_sender(
            remains=handover.remains.get(),
            user=clerk,
            onward_handover=onward(world, verified=False),
        )
    assert handover.remains.get().disposition == Disposition.HELD


def test_an_admin_returns_them_as_a_correction_with_a_reason(world, admin_user):
    handover = world.handover(complete(1))
    remains = handover.remains.get()
    with pytest.raises(ValidationError):
        remains_return_to_sender(remains=remains, user=admin_user, returned_on=D(2022, 10, 5))

    remains_return_to_sender(
        remains=remains, user=admin_user, returned_on=D(2022, 10, 5), reason="AZE's per DNA"
    )

    revision = HandoverRevision.objects.get(handover=handover)
    assert (revision.kind, revision.changes) == (
        RevisionKind.CORRECTION,
        {"returned_to_sender": [remains.pk]},
    )
    codes = [item["code"] for item in world.ledger()["discrepancies"]]
    assert "corrected_after_verification" in codes


def test_an_onward_handover_must_go_back_and_not_before_receipt(world, admin_user):
    handover = world.handover(complete(1))
    remains = handover.remains.get()
    wrong_way = world.handover([], date=D(2022, 10, 5), reported=0)  # AZE -> ARM again
    with pytest.raises(ValidationError) as refused:
        remains_return_to_sender(remains=remains, user=admin_user, onward_handover=wrong_way)
    assert refused.value.message_dict["onward_handover"] == [str(ONWARD_NOT_BACK)]
    with pytest.raises(ValidationError) as refused:
        remains_return_to_sender(
            remains=remains, user=admin_user, returned_on=D(2022, 9, 1), reason="x"
        )
    assert refused.value.message_dict["returned_on"] == [str(RETURN_BEFORE_RECEIPT)]


def test_the_database_refuses_an_undated_return_and_returning_identified_remains(world):
    handover = world.handover(complete(1))
    rows = Remains.objects.filter(handover=handover)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(disposition=Disposition.RETURNED_TO_SENDER)
    person = world.person()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(
            disposition=Disposition.RETURNED_TO_SENDER,
            disposition_on=D(2022, 10, 5),
            identification="confirmed",
            person=person,
            identified_on=D(2022, 10, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(onward_handover=handover)
