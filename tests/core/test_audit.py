"""The audit trail: every write is recorded, with who and where when there is a request, and
the history can be read in the admin but changed neither there nor in the database."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pghistory.models import Events

from casualties.models import Party, Person
from repatriation.models import Remains
from tests.admin_forms import page_post_data
from tests.factories import HandoverFactory, PartyFactory, PersonFactory

PersonEvent = apps.get_model("casualties", "PersonEvent")
EVENTS_URL = reverse("admin:pghistory_events_changelist")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def person_url(person):
    return reverse("admin:casualties_person_change", args=[person.pk])


def test_an_admin_edit_records_the_user_and_the_url(admin_client, admin_user):
    person = PersonFactory(rank="Private")
    page = admin_client.get(person_url(person))
    response = admin_client.post(person_url(person), page_post_data(page, rank="Sergeant"))

    assert response.status_code == 302
    event = PersonEvent.objects.filter(pgh_obj=person, pgh_label="update").get()
    assert event.rank == "Sergeant"
    assert event.pgh_context.metadata == {"user": admin_user.pk, "url": person_url(person)}


def test_queryset_update_is_recorded_without_a_user(db):
    people = [PersonFactory(rank="Private"), PersonFactory(rank="Private")]
    Person.objects.filter(pk__in=[p.pk for p in people]).update(rank="Corporal")

    events = PersonEvent.objects.filter(pgh_label="update")
    assert sorted(events.values_list("pgh_obj_id", flat=True)) == sorted(p.pk for p in people)
    assert {(e.rank, e.pgh_context) for e in events} == {("Corporal", None)}


def test_bulk_create_is_recorded(db):
    handover = HandoverFactory()
    Remains.objects.bulk_create(
        [Remains(handover=handover, case_number=f"B/{n}") for n in range(3)]
    )

    events = Events.objects.tracks(*Remains.objects.all()).filter(pgh_label="insert")
    assert sorted(e.pgh_data["case_number"] for e in events) == ["B/0", "B/1", "B/2"]


def test_a_delete_is_recorded_with_the_deleted_values(db):
    party = PartyFactory(code="DEL", name="Deleted party")
    party_id = party.pk
    Party.objects.filter(pk=party_id).delete()

    PartyEvent = apps.get_model("casualties", "PartyEvent")
    deleted = PartyEvent.objects.get(pgh_obj_id=party_id, pgh_label="delete")
    assert (deleted.code, deleted.name) == ("DEL", "Deleted party")


def test_an_objects_admin_page_links_to_its_history(admin_client, admin_user):
    person = PersonFactory()
    page = admin_client.get(person_url(person))
    admin_client.post(person_url(person), page_post_data(page, rank="Sergeant"))

    link = f"{EVENTS_URL}?method=tracks&obj=casualties.Person:{person.pk}"
    assert link in admin_client.get(person_url(person)).content.decode()
    response = admin_client.get(
        EVENTS_URL, {"method": "tracks", "obj": f"casualties.Person:{person.pk}"}
    )
    assert response.status_code == 200
    labels = sorted(event.pgh_label for event in response.context["cl"].result_list)
    assert labels == ["insert", "update"]
    body = response.content.decode()
    assert f'<td class="field-user">{admin_user.username}</td>' in body
    assert person_url(person) in body


def test_the_events_list_filters_by_model_label_and_user(admin_client, admin_user):
    person = PersonFactory()
    PartyFactory()
    page = admin_client.get(person_url(person))
    admin_client.post(person_url(person), page_post_data(page, rank="Sergeant"))

    response = admin_client.get(EVENTS_URL, {"user": admin_user.pk})
    assert [e.pgh_label for e in response.context["cl"].result_list] == ["update"]
    response = admin_client.get(EVENTS_URL, {"event_model": "casualties.partyevent"})
    assert {e.pgh_obj_model for e in response.context["cl"].result_list} == {"casualties.Party"}
    response = admin_client.get(EVENTS_URL, {"label": "update"})
    assert {e.pgh_label for e in response.context["cl"].result_list} == {"update"}


def event_url(view, event):
    return reverse(f"admin:pghistory_events_{view}", args=[quote(event.pk)])


def test_history_cannot_be_changed_through_the_admin(admin_client, admin_user):
    person = PersonFactory(rank="Private")
    event = Events.objects.tracks(person).get(pgh_label="insert")
    model_admin = admin.site._registry[Events]

    assert admin_client.get(event_url("change", event)).status_code == 200  # read-only view
    post = admin_client.post(event_url("change", event), {"pgh_label": "forged"})
    assert post.status_code == 403
    assert admin_client.get(event_url("delete", event)).status_code == 403
    assert admin_client.post(event_url("delete", event), {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:pghistory_events_add")).status_code == 403
    request = type("Request", (), {"user": admin_user})()
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert PersonEvent.objects.get(pgh_obj=person, pgh_label="insert").rank == "Private"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE casualties_personevent SET rank = 'forged'",
        "DELETE FROM casualties_personevent",
    ],
)
def test_history_cannot_be_changed_in_the_database(db, statement):
    PersonFactory(rank="Private")
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert list(PersonEvent.objects.values_list("rank", flat=True)) == ["Private"]


def test_history_cannot_be_changed_through_the_orm(db):
    PersonFactory(rank="Private")
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonEvent.objects.update(rank="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonEvent.objects.all().delete()

    assert list(PersonEvent.objects.values_list("rank", flat=True)) == ["Private"]
