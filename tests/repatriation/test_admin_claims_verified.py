"""The handover admin's claims inline on a verified handover: a claim added alone is recorded by
``handover_claim_record`` and needs no correction (it changes nothing the handover says); a
change of the handover's own fields or rows on the same page still needs the reason."""

import pytest
from django.urls import reverse

from repatriation.models import HandoverClaim
from repatriation.services.revisions import CORRECTION_REASON_NEEDED
from tests.admin_forms import page_post_data
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db
CLAIM_ROW = {
    "claims-0-count": "7",
    "claims-0-citation": "AZE MoD",
    "claims-0-stated_on": "2022-09-21",
}


@pytest.fixture
def world():
    return World()


@pytest.fixture
def verified(world):
    return world.handover([{"condition": "complete"}], location="Sotk")


@pytest.fixture
def url(verified, client, admin_user):
    client.force_login(admin_user)
    return reverse("admin:repatriation_handover_change", args=[verified.pk])


def test_a_claim_alone_is_recorded_without_a_correction(world, client, admin_user, verified, url):
    data = page_post_data(client.get(url), **CLAIM_ROW, **{"claims-0-party": world.aze.pk})

    response = client.post(url, data)

    assert response.status_code == 302
    claim = HandoverClaim.objects.get()
    assert (claim.handover, claim.party, claim.count, claim.entered_by) == (
        verified,
        world.aze,
        7,
        admin_user,
    )
    verified.refresh_from_db()
    assert (verified.state, verified.location) == ("verified", "Sotk")
    assert not verified.revisions.exists()


def test_a_refused_claim_alone_shows_beside_its_row(client, verified, url):
    data = page_post_data(client.get(url), **CLAIM_ROW, **{"claims-0-party": verified.pk + 999})

    response = client.post(url, data)

    assert response.status_code == 200
    claims = response.context["inline_admin_formsets"][2].formset
    assert claims.forms[0].errors["party"]
    assert not HandoverClaim.objects.exists()


def test_a_field_change_with_a_claim_still_needs_the_reason(world, client, verified, url):
    page = client.get(url)
    row = {**CLAIM_ROW, "claims-0-party": world.aze.pk}

    refused = client.post(url, page_post_data(page, **row, location="Jermuk"))

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["correction_reason"]
    assert errors == [str(CORRECTION_REASON_NEEDED)]
    verified.refresh_from_db()
    assert verified.location == "Sotk"
    assert not HandoverClaim.objects.exists()

    reason = "The location was misread from the briefing."
    done = client.post(
        url, page_post_data(page, **row, location="Jermuk", correction_reason=reason)
    )

    assert done.status_code == 302
    verified.refresh_from_db()
    assert verified.location == "Jermuk"
    assert verified.revisions.get().reason == reason
    assert HandoverClaim.objects.get().count == 7


def test_a_row_change_without_a_reason_is_refused(client, verified, url):
    page = client.get(url)

    refused = client.post(url, page_post_data(page, **{"remains-0-condition": "partial"}))

    assert refused.status_code == 200
    assert "correction_reason" in refused.context["adminform"].form.errors
    assert verified.remains.get().condition == "complete"
    assert not verified.revisions.exists()


def test_a_bare_save_with_a_reason_still_says_nothing_was_corrected(client, verified, url):
    page = client.get(url)

    response = client.post(url, page_post_data(page, correction_reason="Checked again."))

    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    assert not verified.revisions.exists()
