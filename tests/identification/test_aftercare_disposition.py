"""The remains' disposition follows their aftercare (issue 18), so the ledger's identification
block counts the confirmed remains still awaiting release to the family or burial."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casualties.plausible import IN_FUTURE
from core.history import event_model
from identification.models import Aftercare
from identification.services import aftercare_save
from identification.services.records import (
    AFTERCARE_BEFORE_RECEIPT,
    AFTERCARE_RETURNED,
    RELEASED_NOT_CONFIRMED,
)
from ledger.identification import handover_identification, identification_block
from repatriation.choices import Disposition
from repatriation.models import Remains
from tests.factories import RemainsFactory

pytestmark = pytest.mark.django_db

D = datetime.date
RELEASED = D(2023, 4, 1)
BURIED = D(2023, 5, 1)


@pytest.fixture
def named(verified_handover, missing):
    """Confirmed remains of the verified handover (received 2023-03-01), and one still
    unidentified beside them."""
    RemainsFactory(handover=verified_handover, case_number="2023-03-01/2")
    return RemainsFactory(
        handover=verified_handover,
        case_number="2023-03-01/1",
        identification="confirmed",
        person=missing,
        method="dna",
        identified_on=D(2023, 3, 10),
    )


def awaiting(setting, as_of):
    block = identification_block(conflict=setting["conflict"], party=setting["arm"], as_of=as_of)
    return block["confirmed"], block["awaiting_release"]


def test_a_release_sets_the_disposition_and_leaves_the_awaiting_count_from_that_day(
    setting, named, forensic
):
    assert awaiting(setting, RELEASED) == (1, 1)

    aftercare_save(
        user=forensic, remains=named, released_to_family_on=RELEASED, released_to="MOTHER"
    )

    named.refresh_from_db()
    assert (named.disposition, named.disposition_on) == (Disposition.RELEASED_TO_FAMILY, RELEASED)
    assert awaiting(setting, RELEASED - datetime.timedelta(days=1)) == (1, 1)
    assert awaiting(setting, RELEASED) == (1, 0)
    # Audited like every write: the remains' event table has the change.
    events = event_model(Remains).objects.filter(pgh_obj_id=named.pk).order_by("pgh_id")
    assert events.last().disposition == Disposition.RELEASED_TO_FAMILY
    handover = named.handover
    assert handover_identification(handover=handover, as_of=RELEASED)["awaiting_release"] == 0
    before = RELEASED - datetime.timedelta(days=1)
    assert handover_identification(handover=handover, as_of=before)["awaiting_release"] == 1


def test_a_burial_wins_over_the_release_and_counts_from_its_own_day(setting, named, forensic):
    aftercare_save(
        user=forensic, remains=named, released_to_family_on=RELEASED, released_to="MOTHER"
    )

    aftercare_save(user=forensic, remains=named, buried_on=BURIED, burial_place="PLOT 7")

    named.refresh_from_db()
    assert (named.disposition, named.disposition_on) == (Disposition.BURIED, BURIED)
    assert awaiting(setting, BURIED - datetime.timedelta(days=1)) == (1, 1)
    assert awaiting(setting, BURIED) == (1, 0)


def test_clearing_the_dates_holds_the_remains_again(setting, named, forensic):
    aftercare_save(user=forensic, remains=named, buried_on=BURIED, burial_place="PLOT 7")

    aftercare_save(user=forensic, remains=named, buried_on=None, burial_place="")

    named.refresh_from_db()
    assert (named.disposition, named.disposition_on) == (Disposition.HELD, None)
    assert awaiting(setting, D(2024, 1, 1)) == (1, 1)


def test_aftercare_of_remains_returned_to_sender_is_refused_beside_the_remains(
    setting, verified_handover, forensic
):
    returned = RemainsFactory(
        handover=verified_handover,
        case_number="2023-03-01/3",
        disposition=Disposition.RETURNED_TO_SENDER,
        disposition_on=D(2023, 3, 20),
    )

    with pytest.raises(ValidationError) as refused:
        aftercare_save(user=forensic, remains=returned, buried_on=BURIED, burial_place="PLOT 7")

    assert refused.value.message_dict == {"remains": [str(AFTERCARE_RETURNED)]}
    returned.refresh_from_db()
    assert returned.disposition == Disposition.RETURNED_TO_SENDER
    assert not Aftercare.objects.exists()


def test_the_admins_aftercare_form_saves_through_the_service(client, named, forensic):
    forensic.is_staff = True  # the admin's door
    forensic.save()
    client.force_login(forensic)

    response = client.post(
        reverse("admin:identification_aftercare_add"),
        {"remains": named.pk, "released_to_family_on": "2023-04-01", "released_to": "MOTHER"},
    )

    assert response.status_code == 302
    assert Aftercare.objects.get().released_to == "MOTHER"
    named.refresh_from_db()
    assert (named.disposition, named.disposition_on) == (Disposition.RELEASED_TO_FAMILY, RELEASED)


def test_the_admins_aftercare_form_shows_a_bad_date_beside_its_field(client, named, forensic):
    forensic.is_staff = True
    forensic.save()
    client.force_login(forensic)

    response = client.post(
        reverse("admin:identification_aftercare_add"),
        {"remains": named.pk, "buried_on": "2023-02-01", "burial_place": "PLOT 7"},
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    message = AFTERCARE_BEFORE_RECEIPT % {"date": "2023-03-01"}
    assert form.errors["buried_on"] == [message]
    assert not Aftercare.objects.exists()
    assert Remains.objects.get(pk=named.pk).disposition == Disposition.HELD


def test_the_admins_change_form_refuses_a_future_date_without_a_500(client, named, forensic):
    aftercare_save(user=forensic, remains=named, released_to_family_on=RELEASED, released_to="M")
    forensic.is_staff = True
    forensic.save()
    client.force_login(forensic)
    record = Aftercare.objects.get()
    url = reverse("admin:identification_aftercare_change", args=[record.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"released_to_family_on": "2999-01-01", "released_to": "M", "burial_place": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["released_to_family_on"] == [str(IN_FUTURE)]
    named.refresh_from_db()
    assert named.disposition_on == RELEASED


def test_the_public_pages_show_the_count_awaiting_release(client, setting, named, forensic):
    aftercare_save(user=forensic, remains=named, buried_on=BURIED, burial_place="PLOT 7")
    ledger = {"conflict_slug": setting["conflict"].slug, "party_code": setting["arm"].code}
    handover_url = reverse(
        "repatriation:ledger_handover", kwargs={**ledger, "pk": named.handover_id}
    )

    for url in (reverse("repatriation:ledger_detail", kwargs=ledger), handover_url):
        page = client.get(url).content.decode()
        confirmed = page.split("Identification confirmed")[1].split("</tr>")[0]
        assert confirmed.endswith('<td class="num">1</td>')
        row = page.split("Confirmed, awaiting release to the family or burial")[1]
        assert row.split("</tr>")[0].endswith('<td class="num">0</td>')
        assert "PLOT 7" not in page  # the burial place is restricted


def test_presumptive_remains_are_not_released_and_stay_held(verified_handover, missing, forensic):
    presumed = RemainsFactory(
        handover=verified_handover,
        case_number="2023-03-01/4",
        identification="presumptive",
        person=missing,
        method="visual",
    )

    with pytest.raises(ValidationError) as refused:
        aftercare_save(
            user=forensic, remains=presumed, released_to_family_on=RELEASED, released_to="M"
        )

    assert refused.value.message_dict == {"released_to_family_on": [str(RELEASED_NOT_CONFIRMED)]}
    presumed.refresh_from_db()
    assert presumed.disposition == Disposition.HELD
