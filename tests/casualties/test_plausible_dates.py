"""Plausible dates (DESIGN §3, issue 15) on persons, status changes and statements: a date in
the future, one before the conflict began (less ``DATE_MARGIN_DAYS``) where that bound applies,
and a birth before 1900 are refused with an error on that field, through the API, the staff
pages and both imports."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from casualties.importing.common import ImportRefused
from casualties.importing.persons import persons_import
from casualties.importing.statements import statements_import
from casualties.models import Person, Statement, StatusChange
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2022, 9, 13)  # the factory conflict's start
# The margin is 30 days: the 14th of August is the earliest date accepted.
EARLIEST = datetime.date(2022, 8, 14)
TOO_EARLY = EARLIEST - datetime.timedelta(days=1)
OLD_BIRTH = datetime.date(1899, 12, 31)
# What each refusal says, as a word of its message.
FUTURE, CONFLICT, BIRTH = "future", "before the conflict began", "1900"


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def day(value) -> str:
    value = value() if callable(value) else value
    return value if isinstance(value, str) else value.isoformat()


@pytest.fixture
def world(db):
    arm = PartyFactory(code="ARM")
    return {
        "conflict": ConflictFactory(slug="sept-2022", start_date=START),
        "arm": arm,
        "source": SourceFactory(name="Ministry of Defence", party=arm),
    }


@pytest.fixture
def person(world):
    return PersonFactory(conflict=world["conflict"], party=world["arm"], full_name="Aram Test")


@pytest.fixture
def legacy_person(world):
    """A person recorded before the rule, dated long before the conflict: only the conflict
    bound (not "before the current status") can refuse a change dated before it began."""
    return PersonFactory(
        conflict=world["conflict"], party=world["arm"], status_date=datetime.date(2020, 1, 1)
    )


def assert_refused(errors: dict, field: str, word: str) -> None:
    assert field in errors, errors
    assert any(word in str(message) for message in errors[field]), errors[field]


NEW_PERSON = [
    ("status_date", tomorrow, FUTURE),
    ("status_date", TOO_EARLY, CONFLICT),
    ("date_of_birth", tomorrow, FUTURE),
    ("date_of_birth", OLD_BIRTH, BIRTH),
]
STATEMENT = [
    ("issued_on", {"issued_on": tomorrow}, FUTURE),
    ("as_of", {"issued_on": tomorrow, "as_of": tomorrow}, FUTURE),
    ("as_of", {"as_of": TOO_EARLY}, CONFLICT),
]


def statement_dates(dates: dict) -> dict:
    return {name: day(value) for name, value in {"issued_on": "2022-09-20", **dates}.items()}


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "word"), NEW_PERSON)
def test_the_api_refuses_an_implausible_date_of_a_new_person(clerk_api, world, field, value, word):
    body = {
        "conflict": "sept-2022",
        "party": "ARM",
        "full_name": "Գևորգ Սարգսյան",
        "status": "missing",
        "status_date": "2022-09-14",
        field: day(value),
    }
    response = clerk_api.post("/api/v1/persons/", body)

    assert response.status_code == 400
    assert_refused(response.json()["errors"], field, word)
    assert not Person.objects.exists()


@pytest.mark.parametrize("value", [tomorrow, OLD_BIRTH])
def test_the_api_refuses_an_implausible_date_of_birth_on_a_change(clerk_api, person, value):
    response = clerk_api.patch(f"/api/v1/persons/{person.pk}/", {"date_of_birth": day(value)})

    assert response.status_code == 400
    assert "date_of_birth" in response.json()["errors"]
    person.refresh_from_db()
    assert person.date_of_birth is None


def test_the_api_refuses_a_status_change_in_the_future(clerk_api, person):
    body = {"status": "killed", "effective_date": day(tomorrow)}
    response = clerk_api.post(f"/api/v1/persons/{person.pk}/status/", body)

    assert response.status_code == 400
    assert_refused(response.json()["errors"], "effective_date", FUTURE)
    assert person.status_changes.count() == 1


def test_the_api_refuses_a_status_change_before_the_conflict(clerk_api, legacy_person):
    body = {"status": "killed", "effective_date": "2021-01-01"}
    response = clerk_api.post(f"/api/v1/persons/{legacy_person.pk}/status/", body)

    assert response.status_code == 400
    assert_refused(response.json()["errors"], "effective_date", CONFLICT)
    assert legacy_person.status_changes.count() == 1


@pytest.mark.parametrize(("field", "dates", "word"), STATEMENT)
def test_the_api_refuses_an_implausible_statement_date(clerk_api, world, field, dates, word):
    body = {
        "conflict": "sept-2022",
        "source": "Ministry of Defence",
        "as_of": "2022-09-19",
        "citation_title": "Briefing",
        "figures": [{"subject_party": "ARM", "category": "killed", "value": 7}],
        **statement_dates(dates),
    }
    response = clerk_api.post("/api/v1/statements/", body, format="json")

    assert response.status_code == 400
    assert_refused(response.json()["errors"], field, word)
    assert not Statement.objects.exists()


# --- The staff pages -------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "word"), NEW_PERSON)
def test_the_new_person_page_refuses_an_implausible_date(client, clerk, world, field, value, word):
    client.force_login(clerk)
    data = {
        "conflict": world["conflict"].pk,
        "party": world["arm"].pk,
        "full_name": "Հայկ Պետրոսյան",
        "status": "missing",
        "status_date": "2022-09-14",
        field: day(value),
    }
    response = client.post(reverse("casualties:person_new"), data)

    assert response.status_code == 200
    assert_refused(response.context["form"].errors, field, word)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("who", "value", "word"),
    [("person", tomorrow, FUTURE), ("legacy_person", datetime.date(2021, 1, 1), CONFLICT)],
)
def test_the_status_page_refuses_an_implausible_date(client, clerk, request, who, value, word):
    target = request.getfixturevalue(who)
    client.force_login(clerk)
    data = {"status": "killed", "effective_date": day(value)}
    response = client.post(reverse("casualties:person_status", args=[target.pk]), data)

    assert response.status_code == 200
    assert_refused(response.context["form"].errors, "effective_date", word)
    assert StatusChange.objects.filter(person=target).count() == 1


@pytest.mark.parametrize(("field", "dates", "word"), STATEMENT)
def test_the_statement_page_refuses_an_implausible_date(client, clerk, world, field, dates, word):
    client.force_login(clerk)
    data = {
        "conflict": world["conflict"].pk,
        "source": world["source"].pk,
        "as_of": "2022-09-19",
        "citation_title": "Briefing",
        "figures-TOTAL_FORMS": 1,
        "figures-INITIAL_FORMS": 0,
        "figures-0-subject_party": world["arm"].pk,
        "figures-0-category": "killed",
        "figures-0-value": 7,
        "figures-0-qualifier": "exact",
        **statement_dates(dates),
    }
    response = client.post(reverse("casualties:statement_new"), data)

    assert response.status_code == 200
    assert_refused(response.context["form"].errors, field, word)
    assert not Statement.objects.exists()


# --- The imports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cells", "column", "word"),
    [
        ("date", [tomorrow], "date", FUTURE),
        ("date", [TOO_EARLY], "date", CONFLICT),
        ("issued_on,as_of", [tomorrow, "2022-09-19"], "issued_on", FUTURE),
        ("issued_on,as_of", ["2022-09-20", TOO_EARLY], "as_of", CONFLICT),
    ],
)
def test_the_statement_import_refuses_an_implausible_date(world, header, cells, column, word):
    dates = ",".join(day(value) for value in cells)
    text = f"{header},party,category,value\n{dates},ARM,killed,7\n"

    with pytest.raises(ImportRefused) as refused:
        statements_import(
            conflict=world["conflict"], source=world["source"], file=io.StringIO(text), format="csv"
        )

    found = [(error.line, error.column, str(error.reason)) for error in refused.value.errors]
    assert [(line, name) for line, name, _ in found] == [(2, column)]
    assert word in found[0][2]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "word"),
    [
        ("date_of_birth", tomorrow, FUTURE),
        ("date_of_birth", OLD_BIRTH, BIRTH),
        ("status_date", tomorrow, FUTURE),
        ("status_date", TOO_EARLY, CONFLICT),
    ],
)
def test_the_person_import_refuses_an_implausible_date(world, column, value, word):
    cells = {"status_date": "2022-09-14", "date_of_birth": "1990-01-01", column: day(value)}
    text = (
        "full_name,status,status_date,date_of_birth\n"
        "Արամ Սարգսյան,missing,2022-09-14,1990-01-01\n"
        f"Иван Петров,missing,{cells['status_date']},{cells['date_of_birth']}\n"
    )

    result = persons_import(
        file=io.BytesIO(text.encode()), conflict=world["conflict"], party=world["arm"]
    )

    found = [(error.line, error.column, str(error.reason)) for error in result.errors]
    assert [(line, name) for line, name, _ in found] == [(3, column)]
    assert word in found[0][2]
    assert result.refused and not Person.objects.exists()
