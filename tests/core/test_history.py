"""The change history people read (core/history.py): who, when (in the display zone, named),
through what, and each field's before → after, with a record's rows shown with it — the same on
the staff page and behind the admin's "History" button."""

import datetime
import html
import re

import pghistory
import pytest
from django.urls import reverse

from casualties.services import person_change_status
from repatriation.services import handover_create, handover_revise, handover_verify

DATE = datetime.date(2022, 10, 1)


@pytest.fixture
def verified_batch(setting, clerk, verifier):
    clerk.first_name, clerk.last_name = "Anahit", "Petrosyan"
    clerk.save()
    with pghistory.context(user=clerk.pk, url="/handovers/new/"):
        handover = handover_create(
            user=clerk,
            conflict=setting["conflict"],
            kind="remains",
            date=DATE,
            from_party=setting["aze"],
            to_party=setting["arm"],
            reported_count=2,
            remains=[{"condition": "complete"}, {"condition": "partial"}],
        )
    with pghistory.context(user=clerk.pk, url=f"/api/v1/handovers/{handover.pk}/"):
        handover_revise(handover=handover, user=clerk, data={"reported_count": 3})
    with pghistory.context(user=verifier.pk, url=f"/handovers/{handover.pk}/verify/"):
        handover_verify(handover=handover, user=verifier)
    return handover


def history_text(response) -> str:
    """The panel's words, tags dropped and spaces collapsed."""
    page = response.content.decode()
    panel = page[page.index('class="change-history"') :]
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(panel)).split())


def test_a_verified_handovers_history_names_who_did_what_through_what_and_when(
    client, clerk, verified_batch, django_assert_max_num_queries
):
    client.force_login(clerk)

    with django_assert_max_num_queries(22):
        response = client.get(reverse("repatriation:handover_detail", args=[verified_batch.pk]))

    text = history_text(response)
    assert "Handovers created" in text and "Anahit Petrosyan (clerk)" in text
    assert "page /handovers/new/" in text
    # The clerk's edit, through the API: the announced count from 2 to 3.
    assert f"API /api/v1/handovers/{verified_batch.pk}/" in text
    assert "Reported count 2 3" in text
    # The verification, by the verifier: the state from draft to verified.
    assert "verifier (verifier)" in text and "State Draft Verified" in text
    # The two remains created with the handover: one entry, each row by its case number.
    assert "Remains created (2)" in text
    for remains in verified_batch.remains.all():
        assert remains.case_number in text
    # Times in the display zone (Asia/Yerevan by default), its offset named.
    assert "+04" in text and "UTC" not in text
    # A row's link to the handover it belongs to goes without saying.
    assert "Handover — Remains" not in text


def test_the_newest_change_comes_first(client, clerk, verified_batch):
    client.force_login(clerk)

    text = history_text(
        client.get(reverse("repatriation:handover_detail", args=[verified_batch.pk]))
    )

    assert text.index("State Draft Verified") < text.index("Reported count 2 3")
    assert text.index("Reported count 2 3") < text.index("Handovers created")


def test_the_admins_history_button_shows_the_same_changes(
    client, admin_user, verified_batch, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = reverse("admin:repatriation_handover_history", args=[verified_batch.pk])

    with django_assert_max_num_queries(20):
        response = client.get(url)

    assert response.status_code == 200
    text = history_text(response)
    assert "Reported count 2 3" in text and "Remains created (2)" in text
    assert "Anahit Petrosyan (clerk)" in text


def test_a_persons_history_shows_their_status_changes_with_them(client, clerk, missing_soldier):
    with pghistory.context(user=clerk.pk, url=f"/persons/{missing_soldier.pk}/status/"):
        person_change_status(
            person=missing_soldier,
            user=clerk,
            status="killed",
            effective_date=DATE,
            source_note="Ministry list",
        )
    client.force_login(clerk)

    text = history_text(client.get(reverse("casualties:person_detail", args=[missing_soldier.pk])))

    assert "Status changes created" in text and "Status — Killed" in text
    assert "Persons changed" in text and "Status Missing Killed" in text


def test_the_history_is_staff_only(client, verified_batch):
    response = client.get(reverse("repatriation:handover_detail", args=[verified_batch.pk]))

    assert response.status_code == 302
    assert "change-history" not in response.content.decode()
