"""corrected_after_verification (DESIGN §4): an admin's correction of a verified handover, with
its reason, is listed by the ledger; a draft sent back counts as pending, not as returned."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ledger.computation import ledger_for
from repatriation.services import (
    handover_correct,
    handover_create,
    handover_send_back,
    handover_verify,
)
from tests.factories import ConflictFactory, PartyFactory

pytestmark = pytest.mark.django_db

REASON = "The ministry's count was misread: two were announced."


@pytest.fixture
def world():
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
    }


def handover(world, user, rows=1):
    return handover_create(
        user=user,
        conflict=world["conflict"],
        date=datetime.date(2022, 9, 20),
        from_party=world["aze"],
        to_party=world["arm"],
        reported_count=rows,
        remains=[{}] * rows,
    )


def codes(world, as_of=None):
    ledger = ledger_for(conflict=world["conflict"], party=world["arm"], as_of=as_of)
    return ledger, [item["code"] for item in ledger["discrepancies"]]


def test_an_admin_correction_is_listed_with_its_reason(world, clerk, verifier, admin_user):
    verified = handover_verify(handover=handover(world, clerk), user=verifier)
    _ledger, before = codes(world)
    assert before == []

    handover_correct(handover=verified, user=admin_user, reason=REASON, data={"reported_count": 2})

    ledger, found = codes(world)
    assert found == ["handover_count_mismatch", "corrected_after_verification"]
    [item] = [d for d in ledger["discrepancies"] if d["code"] == "corrected_after_verification"]
    assert (item["handover"], item["reason"], item["date"]) == (
        verified.pk,
        REASON,
        datetime.date(2022, 9, 20),
    )
    assert REASON in item["message"]
    _ledger, long_before = codes(world, as_of=datetime.date(2022, 9, 30))
    assert "corrected_after_verification" not in long_before


def test_a_correction_without_a_reason_changes_nothing(world, clerk, verifier, admin_user):
    verified = handover_verify(handover=handover(world, clerk), user=verifier)

    with pytest.raises(ValidationError, match="Say why"):
        handover_correct(handover=verified, user=admin_user, reason=" ", data={"reported_count": 5})

    verified.refresh_from_db()
    assert verified.reported_count == 1
    assert codes(world)[1] == []


def test_a_draft_sent_back_is_pending_not_returned(world, clerk, verifier):
    sent_back = handover(world, clerk, rows=3)
    handover_send_back(handover=sent_back, user=verifier, comment="Recount.")

    returned = codes(world)[0]["returned"]

    assert (returned["received"], returned["pending"], returned["pending_handovers"]) == (0, 3, 1)
