"""The batch page saves a recovery (remains the party's own side recovered: no from party),
and the recovering party gets a row in the ledger list (issue 16)."""

import pytest
from django.utils import timezone

from repatriation.models import Handover
from tests.factories import HandoverFactory, RemainsFactory, UserFactory
from tests.web_helpers import batch_post

pytestmark = pytest.mark.django_db
NEW = "/handovers/new/"


def test_the_batch_page_saves_a_recovery_without_a_from_party(client, clerk, setting):
    client.force_login(clerk)
    data = batch_post(
        setting, [{}, {"condition": "partial"}], kind="recovery", from_party="", mediator=""
    )

    response = client.post(NEW, data)

    handover = Handover.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (handover.kind, handover.from_party, handover.state) == ("recovery", None, "draft")
    assert handover.remains.count() == 2


def test_a_handover_of_remains_still_needs_a_from_party(client, clerk, setting):
    client.force_login(clerk)

    response = client.post(NEW, batch_post(setting, [{}], from_party=""))

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Handover.objects.exists()


def test_a_party_with_only_recoveries_has_a_row_in_the_ledger_list(client, setting):
    clerk, verifier = UserFactory(), UserFactory()
    handover = HandoverFactory(
        conflict=setting["conflict"],
        kind="recovery",
        from_party=None,
        to_party=setting["arm"],
        mediator=None,
        reported_count=1,
        state="verified",
        entered_by=clerk,
        verified_by=verifier,
        verified_at=timezone.now(),
    )
    RemainsFactory(handover=handover)

    rows = client.get("/api/v1/ledger/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows

    [row] = [r for r in rows if r["party"] == "ARM"]
    assert (row["conflict"], row["received"]) == ("sept-2022", 1)
