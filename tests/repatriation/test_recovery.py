"""A recovery (DESIGN §3): remains the receiving party's own side recovered, with no
``from_party``; the API takes it, and refuses a recovery from a party or a handover from none."""

import pytest

from repatriation.models import Handover
from tests.repatriation.test_api_handovers import URL, payload

pytestmark = pytest.mark.django_db


def test_the_api_records_a_recovery_without_a_from_party(clerk_api, setting):
    body = payload(kind="recovery", from_party=None, mediator=None, location="Jermuk")
    response = clerk_api.post(URL, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["from_party"] is None
    handover = Handover.objects.get()
    assert handover.kind == "recovery" and handover.from_party is None
    assert handover.remains.count() == 3


def test_a_recovery_naming_a_from_party_is_refused(clerk_api, setting):
    response = clerk_api.post(URL, payload(kind="recovery"), format="json")

    assert response.status_code == 400
    assert "from_party" in response.json()["errors"]
    assert not Handover.objects.exists()


def test_a_handover_of_remains_without_a_from_party_is_refused(clerk_api, setting):
    response = clerk_api.post(URL, payload(from_party=None), format="json")

    assert response.status_code == 400
    assert "from_party" in response.json()["errors"]
    assert not Handover.objects.exists()
