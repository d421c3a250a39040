"""Four eyes, end to end (DESIGN §5): draft → sent back → draft (resubmitted) → verified; nothing
of a draft reaches the public; whoever changed a draft does not verify it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils.html import escape

from accounts.roles import VERIFIER
from casualties.models import Person
from repatriation.models import Handover
from repatriation.services import (
    AWAITING_CORRECTION,
    EDITED_BY_YOU,
    UNCHANGED_RESUBMISSION,
    handover_create,
    handover_revise,
    handover_send_back,
    handover_verify,
)
from tests.factories import PersonFactory, UserFactory
from tests.web_helpers import DATE, batch_post

pytestmark = pytest.mark.django_db

URL = "/api/v1/handovers/"
IDENTIFIED = datetime.date(2022, 10, 5)


@pytest.fixture
def soldier(setting):
    return PersonFactory(
        conflict=setting["conflict"],
        party=setting["arm"],
        full_name="Test Soldier",
        status="missing",
        status_date=datetime.date(2022, 9, 14),
    )


@pytest.fixture
def confirmed_draft(clerk, setting, soldier):
    row = {
        "person": soldier,
        "identification": "confirmed",
        "method": "dna",
        "identified_on": IDENTIFIED,
    }
    return handover_create(
        user=clerk,
        conflict=setting["conflict"],
        date=DATE,
        from_party=setting["aze"],
        to_party=setting["arm"],
        reported_count=1,
        remains=[row, {}],
    )


def public_view_of(api, person: Person) -> dict:
    """The soldier's status as the public sees it: the API, the CSV, the ledger's registry."""
    detail = api.get(f"/api/v1/persons/{person.pk}/").json()
    response = api.get("/api/v1/persons/?format=csv")
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    ledger = api.get("/api/v1/ledger/sept-2022/ARM/").json()
    return {
        "status": detail["status"],
        "csv_killed": ",killed," in csv,
        "registry_killed": ledger["registry"]["killed"],
    }


UNCHANGED = {"status": "missing", "csv_killed": False, "registry_killed": 0}


def test_a_drafts_identification_reaches_no_one_until_verified(
    anonymous_api, verifier, confirmed_draft, soldier
):
    assert public_view_of(anonymous_api, soldier) == UNCHANGED

    handover_send_back(handover=confirmed_draft, user=verifier, comment="Check row 2.")
    assert public_view_of(anonymous_api, soldier) == UNCHANGED

    handover_verify_after_resubmission(confirmed_draft, verifier)
    soldier.refresh_from_db()
    assert (soldier.status, soldier.status_date) == ("killed", IDENTIFIED)
    seen = public_view_of(anonymous_api, soldier)
    # One person: the public ledger counts them without singling them out (DESIGN §4).
    assert seen == {"status": "killed", "csv_killed": True, "registry_killed": "<5"}


def handover_verify_after_resubmission(handover, first_verifier):
    """The clerk corrects the draft sent back; another verifier verifies it."""
    handover_revise(handover=handover, user=handover.entered_by, data={"reported_count": 2})
    handover_verify(handover=handover, user=UserFactory(groups=[VERIFIER]))


def test_deleting_a_draft_leaves_the_person_as_they_were(anonymous_api, confirmed_draft, soldier):
    confirmed_draft.delete()

    assert public_view_of(anonymous_api, soldier) == UNCHANGED
    assert soldier.status_changes.count() == 1


def test_a_prisoners_release_is_recorded_only_when_verified(clerk, verifier, setting):
    prisoner = PersonFactory(conflict=setting["conflict"], party=setting["arm"], status="captured")
    handover = handover_create(
        user=clerk,
        conflict=setting["conflict"],
        kind="prisoners",
        date=DATE,
        from_party=setting["aze"],
        to_party=setting["arm"],
        reported_count=1,
        released_persons=[prisoner],
    )
    prisoner.refresh_from_db()
    assert prisoner.status == "captured"

    handover_verify(handover=handover, user=verifier)

    prisoner.refresh_from_db()
    assert (prisoner.status, prisoner.status_date) == ("released", DATE)


def test_whoever_changed_a_draft_may_not_verify_it_another_verifier_may(
    api_for, admin_user, confirmed_draft
):
    admin_user.groups.add(*Group.objects.filter(name=VERIFIER))
    admin_api = api_for("admin")
    patched = admin_api.patch(f"{URL}{confirmed_draft.pk}/", {"reported_count": 99})
    assert patched.status_code == 200, patched.content

    refused = admin_api.post(f"{URL}{confirmed_draft.pk}/verify/")

    assert refused.status_code == 403
    assert refused.json()["detail"] == str(EDITED_BY_YOU)
    confirmed_draft.refresh_from_db()
    assert confirmed_draft.state == "draft"

    verified = api_for("verifier").post(f"{URL}{confirmed_draft.pk}/verify/")

    assert verified.status_code == 200, verified.content
    confirmed_draft.refresh_from_db()
    assert (confirmed_draft.state, confirmed_draft.reported_count) == ("verified", 99)


def test_the_verify_page_says_why_an_editor_may_not_verify(client, admin_user, confirmed_draft):
    handover_revise(handover=confirmed_draft, user=admin_user, data={"location": "Goris"})
    client.force_login(admin_user)

    page = client.get(f"/handovers/{confirmed_draft.pk}/verify/").content.decode()

    assert escape(str(EDITED_BY_YOU)) in page
    assert 'value="verify"' not in page


def test_sent_back_corrected_on_the_batch_page_resubmitted_then_verified(
    client, clerk, verifier, setting, confirmed_draft, soldier
):
    handover_send_back(handover=confirmed_draft, user=verifier, comment="Row 2 is partial.")
    edit = f"/handovers/{confirmed_draft.pk}/edit/"
    client.force_login(verifier)
    assert client.get(edit).status_code == 403  # not theirs to change
    refused = client.get(f"/handovers/{confirmed_draft.pk}/verify/").content.decode()
    assert escape(str(AWAITING_CORRECTION % {"user": "verifier"})) in refused

    client.force_login(clerk)
    detail = client.get(f"/handovers/{confirmed_draft.pk}/").content.decode()
    assert edit in detail
    page = client.get(edit).content.decode()
    assert "Row 2 is partial." in page and f"(#{soldier.pk})" in page
    first, second = confirmed_draft.remains.order_by("case_number")
    rows = [
        {
            "id": first.pk,
            "case_number": first.case_number,
            "identification": "confirmed",
            "person": f"#{soldier.pk}",
            "method": "dna",
            "identified_on": IDENTIFIED.isoformat(),
        },
        {"id": second.pk, "case_number": second.case_number, "condition": "complete"},
    ]
    as_entered = {"reported_count": 1, "location": "", "mediator": "", "reported_by": ""}
    as_entered["citation"] = ""
    unchanged = client.post(edit, batch_post(setting, rows, **as_entered))
    assert unchanged.status_code == 200
    assert escape(str(UNCHANGED_RESUBMISSION)) in unchanged.content.decode()
    confirmed_draft.refresh_from_db()
    assert confirmed_draft.state == "sent_back"

    rows[1]["condition"] = "partial"
    response = client.post(edit, batch_post(setting, rows, **as_entered))

    assert response.status_code == 302, response.content.decode()[:3000]
    confirmed_draft.refresh_from_db()
    assert confirmed_draft.state == "draft"
    assert confirmed_draft.revisions.get().kind == "resubmission"
    assert confirmed_draft.revisions.get().changes == {"changed": [second.pk]}
    soldier.refresh_from_db()
    assert soldier.status == "missing"

    client.force_login(verifier)
    review = client.get(f"/handovers/{confirmed_draft.pk}/verify/").content.decode()
    assert "1 row was added or changed" in review
    assert review.count('class="row-changed"') == 1
    assert "Verifying records 1 death" in review
    seen = review.split('name="seen" value="')[1].split('"')[0]
    response = client.post(
        f"/handovers/{confirmed_draft.pk}/verify/",
        {"action": "verify", "checked": "on", "seen": seen},
    )

    assert response.status_code == 302
    confirmed_draft.refresh_from_db()
    soldier.refresh_from_db()
    assert (confirmed_draft.state, confirmed_draft.verified_by) == ("verified", verifier)
    assert (soldier.status, soldier.status_date) == ("killed", IDENTIFIED)


def test_an_unchanged_resubmission_and_a_sent_back_verify_are_409(
    api_for, verifier, confirmed_draft
):
    handover_send_back(handover=confirmed_draft, user=verifier, comment="Check the count.")

    resubmitted = api_for("clerk").patch(
        f"{URL}{confirmed_draft.pk}/", {"reported_count": 1}, format="json"
    )
    assert resubmitted.status_code == 409
    assert resubmitted.json()["detail"] == str(UNCHANGED_RESUBMISSION)

    verify = api_for("verifier").post(f"{URL}{confirmed_draft.pk}/verify/")
    assert verify.status_code == 409
    assert verify.json()["detail"] == str(AWAITING_CORRECTION % {"user": "verifier"})
    assert Handover.objects.get(pk=confirmed_draft.pk).state == "sent_back"


def test_a_verify_form_shown_before_a_change_verifies_nothing(
    client, clerk, verifier, confirmed_draft
):
    client.force_login(verifier)
    review = client.get(f"/handovers/{confirmed_draft.pk}/verify/").content.decode()
    seen = review.split('name="seen" value="')[1].split('"')[0]
    handover_revise(handover=confirmed_draft, user=clerk, remains=[])

    response = client.post(
        f"/handovers/{confirmed_draft.pk}/verify/",
        {"action": "verify", "checked": "on", "seen": seen},
    )

    assert response.status_code == 200
    assert "changed while you were reviewing it" in response.content.decode()
    confirmed_draft.refresh_from_db()
    assert confirmed_draft.state == "draft"
