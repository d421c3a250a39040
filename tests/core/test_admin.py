"""The admin: every page renders, and persons and statements are saved through the services."""

import datetime

import pghistory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from pghistory.models import Events
from procrastinate.contrib.django import app as procrastinate_app

from casualties.choices import FigureCategory, PersonStatus
from casualties.models import Figure, Person, Statement, StatusChange
from casualties.search.transliteration import to_latin
from casualties.services import FORBIDDEN_MOVE
from identification.services import am_access_record
from tests.admin_forms import page_post_data
from tests.factories import (
    AftercareFactory,
    AgreementFactory,
    AnteMortemFactory,
    ConflictFactory,
    DnaMatchReportFactory,
    FigureFactory,
    PartyFactory,
    PersonFactory,
    PostMortemFactory,
    ProposalFactory,
    RemainsFactory,
    SampleFactory,
    SourceFactory,
    UserFactory,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Admins with a list and no page per object: a token's URL would hold its digest (accounts).
LIST_ONLY = {AuthToken}


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def make_one_of_each():
    """A row of every registered model (and of those they point to)."""
    PersonFactory()
    FigureFactory()
    SourceFactory()
    AgreementFactory()
    RemainsFactory()
    AuthToken.objects.create(UserFactory())  # API tokens: knox's admin
    TOTPDevice.objects.create(user=UserFactory(), name="phone")  # second factors: django-otp's
    # Logins and lockouts: django-axes' admin.
    name = UserFactory().username  # attempts are unique per username, address and agent
    login = {"user_agent": "test", "ip_address": "10.0.0.1", "username": name, "path_info": "/"}
    AccessAttempt.objects.create(**login, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**login)
    AccessLog.objects.create(**login)
    # Background jobs: procrastinate's admin. Deferred through its own API, as the pages do.
    procrastinate_app.configure_task("casualties.person_import").defer(job_id=0)
    # The forensic records (identification), and a logged read of an AM record.
    PostMortemFactory()
    SampleFactory()
    DnaMatchReportFactory()
    ProposalFactory()
    AftercareFactory()
    am_access_record(user=UserFactory(), person_ids=[AnteMortemFactory().person_id], path="/")


@pytest.fixture
def one_of_each(db):
    make_one_of_each()


def some_object(model):
    if model is Events:  # its default manager is deliberately empty
        return Events.objects.order_by("pgh_created_at").first()
    return model._default_manager.first()


def test_every_changelist_and_search_renders(admin_client, one_of_each):
    for model, model_admin in admin.site._registry.items():
        url = admin_url(model, "changelist")
        assert admin_client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert admin_client.get(url, {"q": "x"}).status_code == 200, url


def test_every_add_page_renders_or_is_refused(admin_client, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        if model in LIST_ONLY:
            continue
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert admin_client.get(admin_url(model, "add")).status_code == expected, model


def test_every_change_page_renders(admin_client, one_of_each):
    for model in set(admin.site._registry) - LIST_ONLY:
        obj = some_object(model)
        assert obj is not None, model
        response = admin_client.get(admin_url(model, "change", quote(obj.pk)))
        assert response.status_code == 200, model


def changelist_query_counts(client):
    counts = {}
    for model in admin.site._registry:
        with CaptureQueriesContext(connection) as queries:
            client.get(admin_url(model, "changelist"))
        counts[model._meta.label] = len(queries)
    return counts


def test_changelist_queries_do_not_grow_with_the_rows(admin_client, admin_user):
    # With an acting user on every event, so the events page loads users both times.
    with pghistory.context(user=admin_user.pk):
        make_one_of_each()
        before = changelist_query_counts(admin_client)
        make_one_of_each()
        make_one_of_each()

    assert changelist_query_counts(admin_client) == before


@pytest.fixture
def sides(db):
    return ConflictFactory(slug="sept-2022"), PartyFactory(code="ARM")


def test_adding_a_person_records_their_first_status_change(admin_client, admin_user, sides):
    conflict, party = sides
    page = admin_client.get(admin_url(Person, "add"))
    data = page_post_data(
        page,
        conflict=conflict.pk,
        party=party.pk,
        full_name="Արամ Պետրոսյան",
        status=PersonStatus.MISSING,
        status_date="2022-09-14",
        source_note="Ministry list",
        service_number="A-123",
    )
    response = admin_client.post(admin_url(Person, "add"), data)

    assert response.status_code == 302
    person = Person.objects.get()
    assert person.name_latin == to_latin("Արամ Պետրոսյան") != ""
    assert (person.status, person.service_number) == (PersonStatus.MISSING, "A-123")
    change = StatusChange.objects.get(person=person)
    assert change.status == PersonStatus.MISSING
    assert change.effective_date == datetime.date(2022, 9, 14)
    assert (change.recorded_by, change.source_note) == (admin_user, "Ministry list")


def test_adding_a_person_dated_in_the_future_is_refused_beside_the_field(admin_client, sides):
    conflict, party = sides
    page = admin_client.get(admin_url(Person, "add"))
    data = page_post_data(
        page,
        conflict=conflict.pk,
        party=party.pk,
        full_name="Test",
        status=PersonStatus.MISSING,
        status_date="2999-01-01",
    )
    response = admin_client.post(admin_url(Person, "add"), data)

    assert response.status_code == 200
    assert "status_date" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def change_person(client, person, **fields):
    url = admin_url(Person, "change", person.pk)
    return client.post(url, page_post_data(client.get(url), **fields))


def test_a_forbidden_status_move_shows_the_error_and_changes_nothing(admin_client):
    person = PersonFactory(status=PersonStatus.KILLED, rank="Private")
    response = change_person(
        admin_client,
        person,
        rank="Sergeant",
        new_status=PersonStatus.MISSING,
        effective_date="2022-09-20",
    )

    assert response.status_code == 200
    expected = FORBIDDEN_MOVE % {"current": "Killed", "new": "Missing"}
    assert str(expected) in response.content.decode()
    assert response.context["adminform"].form.errors["new_status"] == [str(expected)]
    person.refresh_from_db()
    assert (person.status, person.rank) == (PersonStatus.KILLED, "Private")
    assert person.status_changes.count() == 1


def test_an_allowed_status_move_is_recorded_through_the_service(admin_client, admin_user):
    person = PersonFactory(status=PersonStatus.MISSING)
    response = change_person(
        admin_client,
        person,
        new_status=PersonStatus.KILLED,
        effective_date="2022-09-20",
        source_note="Ministry",
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.status_date) == (PersonStatus.KILLED, datetime.date(2022, 9, 20))
    latest = person.status_changes.latest("id")
    assert (latest.status, latest.recorded_by, latest.is_correction) == (
        PersonStatus.KILLED,
        admin_user,
        False,
    )


def test_a_correction_with_a_reason_is_recorded_as_such(admin_client):
    person = PersonFactory(status=PersonStatus.KILLED)
    response = change_person(
        admin_client,
        person,
        new_status=PersonStatus.CAPTURED,
        effective_date="2022-09-20",
        reason="Seen alive in a video",
    )

    assert response.status_code == 302
    latest = person.status_changes.latest("id")
    assert (latest.status, latest.is_correction, latest.reason) == (
        PersonStatus.CAPTURED,
        True,
        "Seen alive in a video",
    )


def test_the_status_history_inline_is_read_only(admin_client):
    person = PersonFactory()
    response = admin_client.get(admin_url(Person, "change", person.pk))

    body = response.content.decode()
    assert 'name="status_changes-0-status"' not in body
    assert 'name="status"' not in body  # the current status moves only by a status change
    assert 'name="new_status"' in body


def test_adding_a_statement_saves_its_figures_through_the_service(admin_client, sides):
    conflict, party = sides
    source = SourceFactory(party=party)
    page = admin_client.get(admin_url(Statement, "add"))
    data = page_post_data(
        page,
        conflict=conflict.pk,
        source=source.pk,
        issued_on="2022-09-19",
        as_of="2022-09-19",
        citation_title="Security Council",
        **{
            "figures-0-subject_party": party.pk,
            "figures-0-category": FigureCategory.KILLED_OR_MISSING,
            "figures-0-value": "207",
            "figures-0-civilians": "5",
            "figures-1-subject_party": party.pk,
            "figures-1-category": FigureCategory.INJURED,
            "figures-1-value": "296",
        },
    )
    response = admin_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 302
    statement = Statement.objects.get()
    assert response["Location"] == admin_url(Statement, "changelist")
    assert sorted(statement.figures.values_list("category", "value")) == [
        (FigureCategory.INJURED, 296),
        (FigureCategory.KILLED_OR_MISSING, 207),
    ]


def test_a_statement_with_a_bad_figure_saves_nothing(admin_client, sides):
    conflict, party = sides
    page = admin_client.get(admin_url(Statement, "add"))
    data = page_post_data(
        page,
        conflict=conflict.pk,
        source=SourceFactory().pk,
        issued_on="2022-09-19",
        as_of="2022-09-19",
        citation_title="Security Council",
        **{
            "figures-0-subject_party": party.pk,
            "figures-0-category": FigureCategory.KILLED,
            "figures-0-value": "5",
            "figures-0-civilians": "6",
        },
    )
    response = admin_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 200
    assert "The number of civilians must be between 0" in response.content.decode()
    assert not Statement.objects.exists()
    assert not Figure.objects.exists()
