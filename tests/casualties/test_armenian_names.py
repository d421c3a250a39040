"""Armenian names as the press and old passports write them (conventional Russian forms and
their Latin twins), surname-first ranking, and duplicates by blocking, on a generated list
shaped like a real national one (``demo.armenian_list``).

The list (3,000 persons) is built once for the module, inside a transaction rolled back after
its last test; each test runs in a savepoint inside that transaction (pytest-django's ``db``),
so what a test adds is gone before the next one."""

import datetime

import pytest
from django.db import transaction

from casualties.models import Person
from casualties.search.duplicates import RELATIVES, duplicate_candidates
from casualties.search.names import person_search
from casualties.search.russian import russian_forms
from casualties.search.transliteration import search_key
from demo.armenian_list import armenian_list
from tests.factories import ConflictFactory, PartyFactory

FORMS = {
    "Оганесян": "Հովհաննիսյան",
    "Oganesyan": "Հովհաննիսյան",
    "Ованесян": "Հովհաննիսյան",
    "Акопян": "Հակոբյան",
    "Akopyan": "Հակոբյան",
    "Казарян": "Ղազարյան",
    "Kazaryan": "Ղազարյան",
    "Gevorkyan": "Գևորգյան",
    "Геворкян": "Գևորգյան",
    "Арутюнян": "Հարությունյան",
    "Arutyunyan": "Հարությունյան",
}


@pytest.fixture(scope="module")
def built_list(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        scope = {"conflict": ConflictFactory(slug="war-2020"), "party": PartyFactory(code="ARM")}
        yield {"scope": scope, **armenian_list(scope)}
        transaction.set_rollback(True)


@pytest.fixture
def scope(db, built_list):
    return built_list["scope"]


@pytest.fixture
def national_list(db, built_list):
    return built_list


@pytest.mark.parametrize(
    ("armenian", "russian"),
    [
        ("Հակոբյան", ("Акопян",)),
        ("Հովհաննիսյան", ("Оганесян", "Ованесян")),
        ("Ղազարյան", ("Газарян", "Казарян")),
        ("Գևորգյան", ("Геворкян",)),
        ("Հարությունյան", ("Арутюнян",)),
        ("Եղիազարյան", ("Егиазарян",)),
        ("Ոսկանյան", ("Восканян",)),
        ("Sargsyan", ()),
    ],
)
def test_the_russian_forms_follow_the_convention(armenian, russian):
    assert russian_forms(armenian) == russian


def test_the_key_adds_the_latin_twins_after_the_names_own_words():
    assert search_key("Արմեն Հակոբյան Գևորգի", "") == "armen hakobyan gevorgi akopyan"
    assert search_key("Aram Sargsyan", "") == "aram sargsyan"


@pytest.mark.parametrize("query", sorted(FORMS))
def test_each_form_finds_every_person_of_the_surname_first(national_list, query):
    expected = national_list["by_word"][FORMS[query]]
    found = list(person_search(query).values_list("pk", flat=True))
    assert expected <= set(found)
    first = found[: len(expected)]
    assert len(expected & set(first)) / len(expected) >= 0.9


def test_a_surname_search_ranks_the_surname_above_the_given_name(scope, national_list):
    given = [
        Person.objects.create(
            conflict=scope["conflict"],
            party=scope["party"],
            full_name=name,
            status="killed",
            status_date=datetime.date(2020, 10, 1),
            search_key=search_key(name, ""),
        )
        for name in ("Գևորգ Սարգսյան Արմենի", "Գևորգ Արմենի Պետրոսյան", "Արմեն Գևորգի Դավթյան")
    ]
    surname = national_list["by_word"]["Գևորգյան"]
    for query in ("Gevorgyan", "Gevorgian", "Геворгян"):
        found = list(person_search(query).values_list("pk", flat=True))
        assert set(found[: len(surname)]) == surname, query
        assert not {p.pk for p in given} & set(found[: len(surname)])


def test_the_planted_duplicates_top_the_candidates_and_twins_are_relatives(scope, national_list):
    ids = {"conflict_id": scope["conflict"].pk, "party_id": scope["party"].pk}
    planted = set(national_list["duplicates"])
    twins = set(national_list["twins"])
    found, total = duplicate_candidates(**ids, limit=len(planted))
    assert {(c.a_id, c.b_id) for c in found} == planted
    assert all("dob" in c.reasons and "name" in c.reasons for c in found)
    everything, _ = duplicate_candidates(**ids, limit=10_000)
    assert not twins & {(c.a_id, c.b_id) for c in everything}
    relatives, _ = duplicate_candidates(**ids, kind=RELATIVES, limit=10_000)
    assert twins <= {(c.a_id, c.b_id) for c in relatives}
    assert not planted & {(c.a_id, c.b_id) for c in relatives}


def test_a_day_and_month_swap_is_a_candidate(db):
    # A conflict of its own: the module's list may be in the database beside it.
    conflict = ConflictFactory(slug="war-swap")
    base = {"conflict": conflict, "party": PartyFactory(code="SWP"), "status": "killed"}
    for dob in (datetime.date(2001, 4, 5), datetime.date(2001, 5, 4)):
        Person.objects.create(
            **base,
            full_name="Արմեն Սարգսյան Դավթի",
            status_date=datetime.date(2020, 10, 1),
            date_of_birth=dob,
            search_key=search_key("Արմեն Սարգսյան Դավթի", ""),
        )
    found, total = duplicate_candidates(conflict_id=conflict.pk)
    assert total == 1
    assert found[0].reasons == ("dob_swapped", "name")
