"""Staff pages for agreements: the list and one agreement with agreed, received and due."""

import pytest
from django.urls import reverse
from django.utils import timezone

from repatriation.choices import HandoverState
from tests.factories import AgreementFactory, HandoverFactory, RemainsFactory, UserFactory


def tranche(setting, deal, *, giver, receiver, state=HandoverState.VERIFIED, count=1):
    """A handover under ``deal`` with ``count`` remains; a verified one has its verifier."""
    review = {"verified_by": UserFactory(), "verified_at": timezone.now()}
    handover = HandoverFactory(
        conflict=setting["conflict"],
        agreement=deal,
        from_party=giver,
        to_party=receiver,
        state=state,
        reported_count=count,
        **(review if state == HandoverState.VERIFIED else {}),
    )
    RemainsFactory.create_batch(count, handover=handover)
    return handover


@pytest.fixture
def agreement(setting):
    """100 remains to Armenia and 80 to Azerbaijan agreed; 3 verified and 2 in a draft have
    reached Armenia, 1 verified has reached Azerbaijan."""
    deal = AgreementFactory(
        conflict=setting["conflict"],
        name="Exchange of 2023",
        party_a=setting["arm"],
        party_b=setting["aze"],
        count_to_a=100,
        count_to_b=80,
    )
    tranches = [
        (setting["aze"], setting["arm"], HandoverState.VERIFIED, 3),
        (setting["aze"], setting["arm"], HandoverState.DRAFT, 2),
        (setting["arm"], setting["aze"], HandoverState.VERIFIED, 1),
    ]
    for giver, receiver, state, count in tranches:
        tranche(setting, deal, giver=giver, receiver=receiver, state=state, count=count)
    return deal


def test_anonymous_visitors_are_sent_to_login(client, agreement):
    for url in (
        reverse("repatriation:agreement_list"),
        reverse("repatriation:agreement_detail", args=[agreement.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_journalists_are_refused(client, journalist, agreement):
    client.force_login(journalist)
    assert client.get(reverse("repatriation:agreement_list")).status_code == 403
    detail = reverse("repatriation:agreement_detail", args=[agreement.pk])
    assert client.get(detail).status_code == 403


def test_the_detail_shows_agreed_received_and_due(client, clerk, agreement):
    client.force_login(clerk)
    response = client.get(reverse("repatriation:agreement_detail", args=[agreement.pk]))
    shown = response.context["agreement"]
    # Drafts do not count as received.
    assert (shown.count_to_a, shown.received_to_a, shown.due_to_a) == (100, 3, 97)
    assert (shown.count_to_b, shown.received_to_b, shown.due_to_b) == (80, 1, 79)
    body = response.content.decode()
    assert "97" in body and "79" in body
    assert len(response.context["tranches"]) == 3


def test_received_beyond_the_agreed_count_leaves_nothing_due(client, clerk, setting):
    deal = AgreementFactory(
        conflict=setting["conflict"], party_a=setting["arm"], party_b=setting["aze"], count_to_a=1
    )
    tranche(setting, deal, giver=setting["aze"], receiver=setting["arm"], count=2)
    client.force_login(clerk)
    response = client.get(reverse("repatriation:agreement_detail", args=[deal.pk]))
    assert response.context["agreement"].due_to_a == 0


def test_the_list_needs_the_same_queries_for_more_agreements(
    client, clerk, setting, agreement, django_assert_max_num_queries
):
    client.force_login(clerk)
    # session, user, count, the agreements with their sums (plus perms for the nav)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("repatriation:agreement_list"))
    assert "Exchange of 2023" in response.content.decode()
    AgreementFactory.create_batch(
        10, conflict=setting["conflict"], party_a=setting["arm"], party_b=setting["aze"]
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("repatriation:agreement_list"))
    assert response.context["page"].paginator.count == 11
