"""The aftercare form on a confirmed remains' identification page (DESIGN §9, after
identification): saved by ``aftercare_save``, each refusal beside its field, forensic only."""

import datetime

import pytest
from django.urls import reverse

from casualties.plausible import IN_FUTURE
from identification.choices import Evidence
from identification.models import Aftercare
from identification.models.board import BURIED_WHERE, RELEASED_NOT_UNCLAIMED, RELEASED_TO_WHOM
from identification.services import proposal_confirm, proposal_create
from identification.views import AFTERCARE_AFTER_CONFIRMATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(body, missing, forensic, other_forensic):
    proposal = proposal_create(
        remains=body, person=missing, evidence=[Evidence.DENTAL], user=forensic
    )
    proposal_confirm(proposal=proposal, user=other_forensic)
    return body


def post(client, remains, **values):
    data = {f"aftercare-{name}": value for name, value in values.items()}
    return client.post(reverse("identification:aftercare", args=[remains.pk]), data)


def field_errors(response, name):
    return response.context["aftercare_form"].errors.get(name, [])


def test_the_page_offers_a_labelled_form_for_confirmed_remains(client, confirmed, forensic):
    client.force_login(forensic)
    page = client.get(reverse("identification:remains", args=[confirmed.pk])).content.decode()

    action = reverse("identification:aftercare", args=[confirmed.pk])
    assert f'action="{action}"' in page
    for name in ("family_notified_on", "released_to", "buried_on", "burial_place", "unclaimed"):
        assert f'<label for="id_aftercare-{name}">' in page


def test_a_coordinator_records_the_notification_and_release(client, confirmed, forensic):
    client.force_login(forensic)

    response = post(
        client,
        confirmed,
        family_notified_on="2023-03-05",
        released_to_family_on="2023-03-10",
        released_to="RESTRICTED-MOTHER",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("identification:remains", args=[confirmed.pk])
    record = Aftercare.objects.get(remains=confirmed)
    assert (record.family_notified_on, record.family_notified_by) == (
        datetime.date(2023, 3, 5),
        forensic,
    )
    assert (record.released_to_family_on, record.released_to) == (
        datetime.date(2023, 3, 10),
        "RESTRICTED-MOTHER",
    )
    page = client.get(response["Location"]).content.decode()
    assert "RESTRICTED-MOTHER" in page


def test_a_later_change_keeps_who_notified_the_family(client, confirmed, forensic, other_forensic):
    client.force_login(forensic)
    post(client, confirmed, family_notified_on="2023-03-05")
    client.force_login(other_forensic)

    response = post(
        client,
        confirmed,
        family_notified_on="2023-03-05",
        buried_on="2023-03-20",
        burial_place="Yerablur",
    )

    assert response.status_code == 302
    record = Aftercare.objects.get(remains=confirmed)
    assert (record.family_notified_by, record.buried_on, record.burial_place) == (
        forensic,
        datetime.date(2023, 3, 20),
        "Yerablur",
    )


def test_each_refusal_shows_beside_its_field_and_saves_nothing(client, confirmed, forensic):
    client.force_login(forensic)

    response = post(
        client,
        confirmed,
        family_notified_on="2999-01-01",
        released_to_family_on="2023-03-10",
        buried_on="2023-03-20",
        unclaimed="on",
    )

    assert response.status_code == 400
    assert field_errors(response, "family_notified_on") == [str(IN_FUTURE)]
    assert field_errors(response, "released_to") == [str(RELEASED_TO_WHOM)]
    assert field_errors(response, "burial_place") == [str(BURIED_WHERE)]
    assert field_errors(response, "unclaimed") == [str(RELEASED_NOT_UNCLAIMED)]
    assert 'id="id_aftercare-released_to"' in response.content.decode()
    assert not Aftercare.objects.exists()


def test_a_date_before_the_remains_came_back_is_refused(client, confirmed, forensic):
    client.force_login(forensic)

    response = post(client, confirmed, buried_on="2023-02-01", burial_place="Yerablur")

    assert response.status_code == 400
    assert "2023-03-01" in field_errors(response, "buried_on")[0]
    assert not Aftercare.objects.exists()


def test_a_date_that_is_no_date_is_a_400_not_a_500(client, confirmed, forensic):
    client.force_login(forensic)

    response = post(client, confirmed, family_notified_on="soon")

    assert response.status_code == 400
    assert field_errors(response, "family_notified_on")
    assert not Aftercare.objects.exists()


def test_unconfirmed_remains_get_no_form_and_refuse_a_post(client, body, forensic):
    client.force_login(forensic)
    page = client.get(reverse("identification:remains", args=[body.pk])).content.decode()

    response = post(client, body, unclaimed="on")

    assert str(AFTERCARE_AFTER_CONFIRMATION) in page
    assert reverse("identification:aftercare", args=[body.pk]) not in page
    assert response.status_code == 403
    assert not Aftercare.objects.exists()


@pytest.mark.parametrize("role", ["clerk", "verifier"])
def test_other_staff_cannot_record_aftercare(client, request, confirmed, role):
    client.force_login(request.getfixturevalue(role))

    response = post(client, confirmed, unclaimed="on")

    assert response.status_code == 403
    assert not Aftercare.objects.exists()
