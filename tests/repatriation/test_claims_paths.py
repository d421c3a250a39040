"""The ways in to handover_claim_record and remains_return_to_sender: the API's two actions,
the forms on the staff handover page, and the claims inline of the handover admin."""

import csv
import io

import pytest
from django.urls import reverse

from ledger.discrepancies import HANDOVER_CLAIMS_DISAGREE
from repatriation.choices import Disposition
from repatriation.models import HandoverClaim, Remains
from repatriation.services.claims import RETURN_BEFORE_RECEIPT, RETURN_NEEDS_ONWARD_OR_ADMIN
from tests.admin_forms import page_post_data
from tests.factories import PartyFactory
from tests.ledger.test_ledger import World
from tests.repatriation.test_claims import onward

pytestmark = pytest.mark.django_db

URL = "/api/v1/handovers/"
SECRETS = ("DNA-SECRET", "NOTE-SECRET")
CLAIM = {"party": "AZE", "count": 6060, "citation": "MoD briefing", "stated_on": "2022-09-21"}


@pytest.fixture
def world():
    return World()


@pytest.fixture
def verified(world):
    """A verified handover AZE → ARM of two unidentified remains, with restricted fields."""
    rows = [
        {"condition": "complete", "dna_sample_ref": "DNA-SECRET-1", "notes": "NOTE-SECRET-1"},
        {"condition": "complete", "dna_sample_ref": "DNA-SECRET-2", "notes": "NOTE-SECRET-2"},
    ]
    return world.handover(rows)


def return_url(handover, remains):
    return f"{URL}{handover.pk}/remains/{remains.pk}/return/"


def dispositions(handover):
    return list(handover.remains.order_by("id").values_list("disposition", flat=True))


# --- API: claims ------------------------------------------------------------------------------


def test_a_clerk_records_a_claim_and_recording_again_replaces_it(clerk, clerk_api, verified):
    response = clerk_api.post(f"{URL}{verified.pk}/claims/", CLAIM, format="json")

    assert response.status_code == 201, response.json()
    assert response.json() == CLAIM
    assert response["Cache-Control"] == "private, no-store"
    again = clerk_api.post(f"{URL}{verified.pk}/claims/", {**CLAIM, "count": 6061}, format="json")
    assert again.status_code == 201
    claim = HandoverClaim.objects.get()
    assert (claim.count, claim.entered_by, claim.party.code) == (6061, clerk, "AZE")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party": "NOPE"}, "party"),
        ({"party": "XYZ"}, "party"),  # exists, but no party to this handover
        ({"count": -1}, "count"),
        ({"count": "many"}, "count"),
        ({"citation": "  "}, "citation"),
        ({"stated_on": "2999-01-01"}, "stated_on"),
        ({"stated_on": "21/09/2022"}, "stated_on"),
        ({"party": None}, "party"),
    ],
)
def test_a_bad_claim_is_a_400_keyed_by_field_and_saves_nothing(clerk_api, verified, change, field):
    PartyFactory(code="XYZ")
    response = clerk_api.post(f"{URL}{verified.pk}/claims/", {**CLAIM, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not HandoverClaim.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(clerk_api, verified):
    response = clerk_api.post(f"{URL}{verified.pk}/claims/", [1, 2], format="json")
    assert response.status_code == 400
    assert not HandoverClaim.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("journalist", 403)])
def test_the_public_cannot_record_claims_or_return_remains(api_for, verified, role, status):
    client = api_for(role)
    remains = verified.remains.first()

    claimed = client.post(f"{URL}{verified.pk}/claims/", CLAIM, format="json")
    returned = client.post(return_url(verified, remains), {"returned_on": "2022-10-05"})

    assert (claimed.status_code, returned.status_code) == (status, status)
    assert not HandoverClaim.objects.exists()
    assert dispositions(verified) == [Disposition.HELD] * 2


def test_two_differing_claims_show_in_the_public_ledger(world, clerk_api, anonymous_api, verified):
    clerk_api.post(f"{URL}{verified.pk}/claims/", CLAIM, format="json")
    clerk_api.post(f"{URL}{verified.pk}/claims/", {**CLAIM, "party": "ARM", "count": 6057})

    ledger = anonymous_api.get("/api/v1/ledger/war/ARM/").json()

    [found] = [d for d in ledger["discrepancies"] if d["code"] == HANDOVER_CLAIMS_DISAGREE]
    assert found["handover"] == verified.pk
    assert [(c["party"], c["count"]) for c in found["claims"]] == [("ARM", 6057), ("AZE", 6060)]


# --- API: returned to sender ------------------------------------------------------------------


def test_remains_returned_through_a_verified_onward_handover_leave_returned(
    world, clerk_api, anonymous_api, verified
):
    remains = verified.remains.order_by("id").first()
    back = onward(world)

    response = clerk_api.post(return_url(verified, remains), {"onward_handover": back.pk})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["disposition"], body["disposition_on"]) == ("returned_to_sender", "2022-10-05")
    assert dispositions(verified) == [Disposition.RETURNED_TO_SENDER, Disposition.HELD]
    returned = anonymous_api.get("/api/v1/ledger/war/ARM/").json()["returned"]
    assert (returned["received"], returned["returned_to_sender"]) == (1, 1)


def test_refused_returns_change_nothing(world, clerk_api, admin_api, verified):
    remains = verified.remains.order_by("id").first()
    url = return_url(verified, remains)

    no_onward = clerk_api.post(url, {"returned_on": "2022-10-05"})
    assert no_onward.status_code == 403
    assert no_onward.json()["detail"] == str(RETURN_NEEDS_ONWARD_OR_ADMIN)
    assert (
        clerk_api.post(url, {"onward_handover": onward(world, verified=False).pk}).status_code
        == 403
    )
    bad_date = admin_api.post(url, {"returned_on": "soon", "reason": "x"})
    assert (bad_date.status_code, list(bad_date.json()["errors"])) == (400, ["returned_on"])
    early = admin_api.post(url, {"returned_on": "2022-09-01", "reason": "x"})
    assert early.json()["errors"]["returned_on"] == [str(RETURN_BEFORE_RECEIPT)]
    no_reason = admin_api.post(url, {"returned_on": "2022-10-05"})
    assert (no_reason.status_code, list(no_reason.json()["errors"])) == (400, ["reason"])
    unknown = admin_api.post(url, {"onward_handover": 999999, "reason": "x"})
    assert list(unknown.json()["errors"]) == ["onward_handover"]
    assert dispositions(verified) == [Disposition.HELD] * 2


def test_remains_of_another_handover_or_returned_twice(world, admin_api, verified):
    other = world.handover([{"condition": "complete"}])
    stranger = other.remains.get()
    assert admin_api.post(return_url(verified, stranger), {"reason": "x"}).status_code == 404
    assert admin_api.post(f"{URL}{verified.pk}/remains/9{'9' * 30}/return/").status_code == 404

    url = return_url(other, stranger)
    first = admin_api.post(url, {"returned_on": "2022-10-05", "reason": "AZE's per DNA"})
    second = admin_api.post(url, {"returned_on": "2022-10-05", "reason": "AZE's per DNA"})

    assert (first.status_code, second.status_code) == (200, 400)
    assert "non_field_errors" in second.json()["errors"]


def test_the_public_api_and_csv_hold_no_restricted_field_after_claims_and_returns(
    world, clerk_api, anonymous_api, verified
):
    clerk_api.post(f"{URL}{verified.pk}/claims/", CLAIM, format="json")
    clerk_api.post(
        return_url(verified, verified.remains.first()), {"onward_handover": onward(world).pk}
    )

    handover = anonymous_api.get(f"{URL}{verified.pk}/")
    listed = anonymous_api.get(URL, {"format": "csv"})
    ledger = anonymous_api.get("/api/v1/ledger/war/ARM/")

    assert handover.json()["claims"] == [CLAIM]
    text = b"".join(listed.streaming_content).decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(text)))
    for body in (handover.content.decode(), text, ledger.content.decode()):
        for secret in (*SECRETS, "entered_by", "dna_sample_ref", "notes"):
            assert secret not in body


# --- staff page -------------------------------------------------------------------------------


def page_url(handover):
    return reverse("repatriation:handover_detail", args=[handover.pk])


def test_the_page_offers_a_labelled_claim_form_and_a_return_form_per_unidentified_remains(
    client, clerk, verified
):
    client.force_login(clerk)
    page = client.get(page_url(verified)).content.decode()

    for name in ("party", "count", "citation", "stated_on"):
        assert f'<label for="id_claim-{name}">' in page
    for remains in verified.remains.all():
        assert f'<label for="id_return-{remains.pk}-returned_on">' in page
        assert reverse("repatriation:remains_return", args=[verified.pk, remains.pk]) in page


def test_the_page_records_a_claim_or_shows_the_error_beside_its_field(
    world, client, clerk, verified
):
    client.force_login(clerk)
    url = reverse("repatriation:handover_claim", args=[verified.pk])
    data = {f"claim-{key}": value for key, value in CLAIM.items()}
    data["claim-party"] = world.aze.pk

    blank = client.post(url, {**data, "claim-citation": " "})
    future = client.post(url, {**data, "claim-stated_on": "2999-01-01"})  # the service's rule
    assert (blank.status_code, future.status_code) == (400, 400)
    assert 'id="id_claim-citation_error"' in blank.content.decode()
    assert 'id="id_claim-stated_on_error"' in future.content.decode()
    assert not HandoverClaim.objects.exists()

    good = client.post(url, data)
    assert (good.status_code, good["Location"]) == (302, page_url(verified))
    assert HandoverClaim.objects.get().count == 6060
    assert "AZE" in client.get(good["Location"]).content.decode()


def test_the_page_returns_remains_or_shows_the_error_beside_the_date(
    world, client, clerk, admin_user, verified
):
    remains = verified.remains.order_by("id").first()
    url = reverse("repatriation:remains_return", args=[verified.pk, remains.pk])
    prefix = f"return-{remains.pk}"
    client.force_login(admin_user)

    early = client.post(url, {f"{prefix}-returned_on": "2022-09-01", f"{prefix}-reason": "x"})
    assert early.status_code == 400
    assert f'id="id_{prefix}-returned_on_error"' in early.content.decode()
    assert dispositions(verified) == [Disposition.HELD] * 2

    client.force_login(clerk)
    done = client.post(url, {f"{prefix}-onward_handover": onward(world).pk})
    assert (done.status_code, done["Location"]) == (302, page_url(verified))
    assert Remains.objects.get(pk=remains.pk).disposition == Disposition.RETURNED_TO_SENDER
    page = client.get(page_url(verified)).content.decode()
    assert f'id="id_{prefix}-returned_on"' not in page  # returned: no form any more


def test_another_clerks_draft_offers_no_return_form_and_refuses_a_post(world, client, other_clerk):
    draft = world.handover([{"condition": "complete"}], verified=False)
    remains = draft.remains.get()
    client.force_login(other_clerk)

    page = client.get(page_url(draft)).content.decode()
    url = reverse("repatriation:remains_return", args=[draft.pk, remains.pk])
    refused = client.post(url, {f"return-{remains.pk}-returned_on": "2022-10-05"})

    assert url not in page
    assert refused.status_code == 403
    assert Remains.objects.get(pk=remains.pk).disposition == Disposition.HELD


def test_the_public_cannot_use_the_staff_forms(client, journalist, verified):
    url = reverse("repatriation:handover_claim", args=[verified.pk])
    data = {f"claim-{key}": value for key, value in CLAIM.items()}
    assert client.post(url, data).status_code == 302  # to the login page
    client.force_login(journalist)
    assert client.post(url, data).status_code == 403
    assert not HandoverClaim.objects.exists()


# --- admin -----------------------------------------------------------------------------------


def test_the_admin_inline_records_claims_through_the_service(world, client, admin_user):
    draft = world.handover([{"condition": "complete"}], verified=False)
    outsider = PartyFactory(code="XYZ")
    url = reverse("admin:repatriation_handover_change", args=[draft.pk])
    client.force_login(admin_user)
    row = {"claims-0-count": "5", "claims-0-citation": "TV", "claims-0-stated_on": "2022-09-21"}

    bad = client.post(
        url, page_post_data(client.get(url), **row, **{"claims-0-party": outsider.pk})
    )
    assert bad.status_code == 200
    assert bad.context["inline_admin_formsets"][2].formset.forms[0].errors["party"]
    assert not HandoverClaim.objects.exists()

    good = client.post(
        url, page_post_data(client.get(url), **row, **{"claims-0-party": world.aze.pk})
    )
    assert good.status_code == 302
    claim = HandoverClaim.objects.get()
    assert (claim.party, claim.count, claim.entered_by) == (world.aze, 5, admin_user)
