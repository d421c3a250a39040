"""Name search (``q=``) in any script, misspelt or by an alias, ranked closest first: the API
(and its CSV), the staff registry and the staff look-up all use ``name_search``."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from casualties.alias_services import person_alias_add
from casualties.models import Person
from casualties.search.names import name_search
from casualties.search.transliteration import search_key
from tests.api_clients import token_client
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons/"
THREE_SPELLINGS = ["Սարգսյան", "Саргсян", "Sargsyan"]


@pytest.fixture
def world(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "arm": PartyFactory(code="ARM")}


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def api_for(request):
    """An API client for ``anonymous``, ``journalist`` or ``clerk`` (a knox token each)."""

    def make(role):
        if role == "anonymous":
            return APIClient()
        return token_client(request.getfixturevalue(role))

    return make


def person(world, full_name, name_latin="", *, public=True):
    return PersonFactory(
        conflict=world["conflict"],
        party=world["arm"],
        full_name=full_name,
        name_latin=name_latin,
        name_public=public,
    )


@pytest.fixture
def people(world):
    """One Sargsyan in each script, a misspelt one, a namesake only by first name, and one
    Hovhannisyan whose Russified surname (Оганов) no transliteration reaches."""
    return {
        "armenian": person(world, "Արամ Սարգսյան"),
        "russian": person(world, "Тигран Саргсян"),
        "latin": person(world, "Davit Sargsyan"),
        "misspelt": person(world, "Karen Sargsyann"),
        "other": person(world, "Արամ Պետրոսյան"),
        "hovhannisyan": person(world, "Հովհաննես Հովհաննիսյան", "Hovhannes Hovhannisyan"),
    }


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_the_three_scripts_give_one_search_key():
    assert {search_key(name) for name in THREE_SPELLINGS} == {"sargsyan"}


@pytest.mark.parametrize("q", THREE_SPELLINGS)
def test_each_spelling_finds_the_sargsyans_of_every_script_exact_ones_first(
    anonymous_api, people, q
):
    response = anonymous_api.get(URL, {"q": q})

    assert response.status_code == 200
    found = ids(response)
    exact = {people[key].pk for key in ("armenian", "russian", "latin")}
    assert set(found[:3]) == exact
    assert found[3:] == [people["misspelt"].pk]
    assert response.json()["count"] == 4


def test_a_misspelling_still_finds_the_name(anonymous_api, people):
    dropped_letter = set(ids(anonymous_api.get(URL, {"q": "Sargsyn"})))
    one_n = ids(anonymous_api.get(URL, {"q": "Hovhanisyan"}))

    assert {people["latin"].pk, people["russian"].pk} <= dropped_letter
    assert people["other"].pk not in dropped_letter
    assert one_n == [people["hovhannisyan"].pk]


def test_a_partial_name_finds_by_substring(anonymous_api, people):
    found = set(ids(anonymous_api.get(URL, {"q": "petros"})))

    assert found == {people["other"].pk}


def test_the_closer_name_ranks_first_then_the_id(anonymous_api, world, people):
    aram_sargsyann = person(world, "Aram Sargsyann")
    aram_sargsyan_junior = person(world, "Aram Sargsyan Junior")

    found = ids(anonymous_api.get(URL, {"q": "Aram Sargsyan"}))

    # Every word must match; the exact name first, then equally close ones by id, then a
    # misspelt one. Tigran and Davit Sargsyan lack "Aram"; Aram Petrosyan lacks "Sargsyan".
    assert found == [people["armenian"].pk, aram_sargsyan_junior.pk, aram_sargsyann.pk]


def test_a_first_name_and_a_misspelt_surname_find_the_person(anonymous_api, people):
    assert ids(anonymous_api.get(URL, {"q": "Sargsyn Davit"})) == [people["latin"].pk]


def test_an_explicit_ordering_beats_the_ranking(anonymous_api, people):
    found = ids(anonymous_api.get(URL, {"q": "sargsyan", "ordering": "-id"}))

    assert found == sorted(found, reverse=True) and len(found) == 4


def test_an_alias_bridges_spellings_that_trigrams_cannot(anonymous_api, clerk, people):
    hovhannisyan = people["hovhannisyan"]
    assert ids(anonymous_api.get(URL, {"q": "Оганов"})) == []

    person_alias_add(person=hovhannisyan, name="Ованес Оганов", public=True, user=clerk)

    assert ids(anonymous_api.get(URL, {"q": "Оганов"})) == [hovhannisyan.pk]
    assert ids(anonymous_api.get(URL, {"q": "Оганов Ованес"})) == [hovhannisyan.pk]
    assert ids(anonymous_api.get(URL, {"q": "Hovhannisyan"})) == [hovhannisyan.pk]


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_the_public_never_finds_a_hidden_name_nor_its_alias(api_for, world, clerk, role):
    hidden = person(world, "Վահե Օհանյան", "Vahe Ohanyan", public=False)
    person_alias_add(person=hidden, name="Оганян Ваге", user=clerk)
    client = api_for(role)

    for q in ("Ohanyan", "Օհանյան", "Оганян", "Ваге"):
        response = client.get(URL, {"q": q})
        assert response.status_code == 200
        assert response.json()["count"] == 0 and response.json()["results"] == []
    assert ids(api_for("clerk").get(URL, {"q": "Оганян"})) == [hidden.pk]


def test_staff_find_published_and_unpublished_names_in_one_ranking(api_for, world, people):
    hidden = person(world, "Վահե Սարգսյան", public=False)
    hidden_misspelt = person(world, "Gor Sargsyann", public=False)
    exact = [people[key].pk for key in ("armenian", "russian", "latin")]

    staff = api_for("clerk").get(URL, {"q": "Sargsyan"}).json()
    public = api_for("anonymous").get(URL, {"q": "Sargsyan"}).json()

    assert staff["count"] == 6 and public["count"] == 4
    staff_ids = [row["id"] for row in staff["results"]]
    assert staff_ids == [*sorted([*exact, hidden.pk]), people["misspelt"].pk, hidden_misspelt.pk]


def test_a_name_made_public_is_found_by_the_public_at_once(api_for, world):
    hidden = person(world, "Վահե Օհանյան", "Vahe Ohanyan", public=False)
    assert api_for("anonymous").get(URL, {"q": "Ohanyan"}).json()["count"] == 0

    Person.objects.filter(pk=hidden.pk).update(name_public=True)

    assert ids(api_for("anonymous").get(URL, {"q": "Ohanyan"})) == [hidden.pk]
    Person.objects.filter(pk=hidden.pk).update(name_public=False)
    assert ids(api_for("anonymous").get(URL, {"q": "Ohanyan"})) == []
    assert ids(api_for("clerk").get(URL, {"q": "Ohanyan"})) == [hidden.pk]


def test_a_public_persons_alias_is_found_by_the_public(anonymous_api, clerk, people):
    person_alias_add(person=people["hovhannisyan"], name="Оганов", public=True, user=clerk)

    assert ids(anonymous_api.get(URL, {"q": "оганов"})) == [people["hovhannisyan"].pk]


def test_a_non_public_alias_of_a_public_name_is_found_by_staff_only(api_for, clerk, people):
    person_alias_add(person=people["hovhannisyan"], name="Оганов", public=False, user=clerk)

    public = api_for("anonymous").get(URL, {"q": "Оганов"}).json()
    assert public["count"] == 0 and public["results"] == []
    assert ids(api_for("clerk").get(URL, {"q": "Оганов"})) == [people["hovhannisyan"].pk]


def test_a_public_alias_of_a_name_hidden_later_is_not_found_by_the_public(api_for, clerk, people):
    hovhannisyan = people["hovhannisyan"]
    person_alias_add(person=hovhannisyan, name="Оганов", public=True, user=clerk)
    Person.objects.filter(pk=hovhannisyan.pk).update(name_public=False)

    assert api_for("anonymous").get(URL, {"q": "Оганов"}).json()["count"] == 0
    assert ids(api_for("clerk").get(URL, {"q": "Оганов"})) == [hovhannisyan.pk]


@pytest.mark.parametrize("q", ["''", "—", "!!"])
def test_a_query_with_no_letters_finds_nothing_and_is_no_error(anonymous_api, people, q):
    response = anonymous_api.get(URL, {"q": q})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_overlong_query_is_a_field_error_not_a_slow_search(anonymous_api, people):
    response = anonymous_api.get(URL, {"q": "Sargsyan " * 30})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


def test_the_csv_carries_the_search_in_rank_order(anonymous_api, people):
    response = anonymous_api.get(URL, {"q": "Саргсян", "format": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    found = [int(row[rows[0].index("id")]) for row in rows[1:]]
    assert response.status_code == 200
    assert found[-1] == people["misspelt"].pk and len(found) == 4


def test_the_registry_page_searches_in_every_script(client, clerk, people):
    client.force_login(clerk)

    response = client.get(reverse("casualties:person_list"), {"q": "Саргсян"})

    listed = [row.pk for row in response.context["page"]]
    assert response.status_code == 200
    assert listed[-1] == people["misspelt"].pk and len(listed) == 4
    assert "Արամ Սարգսյան" in response.content.decode()


def test_the_look_up_finds_the_name_by_alias_and_script(client, clerk, people):
    person_alias_add(person=people["hovhannisyan"], name="Оганов", user=clerk)
    client.force_login(clerk)
    url = reverse("casualties:person_lookup")

    by_alias = client.get(url, {"q": "Оганов"}).json()["results"]
    by_script = client.get(url, {"q": "Սարգսյան"}).json()["results"]

    assert [row["id"] for row in by_alias] == [people["hovhannisyan"].pk]
    assert by_script[-1]["id"] == people["misspelt"].pk and len(by_script) == 4


def test_name_search_annotates_the_best_of_name_and_alias(people, clerk):
    person_alias_add(person=people["other"], name="Sargsyan-Petrosyan", user=clerk)
    found = name_search(Person.objects.all(), "sargsyan", public=False)

    ranks = {row.pk: row.search_rank for row in found}
    assert ranks[people["latin"].pk] == pytest.approx(1.0)
    assert ranks[people["other"].pk] == pytest.approx(1.0)
    assert ranks[people["misspelt"].pk] < 1.0


def test_a_search_costs_a_fixed_number_of_queries(
    anonymous_api, world, clerk, people, django_assert_max_num_queries
):
    person_alias_add(person=people["hovhannisyan"], name="Оганов", public=True, user=clerk)
    for number in range(20):
        person(world, f"Sargsyan Number{number}")
    # Throttle (1), data version for the ETag (1), the name words that match (1), the aliases
    # that match (1), count (1), the page with conflict and party (1).
    with django_assert_max_num_queries(6):
        response = anonymous_api.get(URL, {"q": "Sargsyan"})
    assert response.json()["count"] == 24


def test_a_registry_search_costs_a_fixed_number_of_queries(
    client, clerk, world, people, django_assert_max_num_queries
):
    for number in range(20):
        person(world, f"Sargsyan Number{number}")
    client.force_login(clerk)
    # session, user, groups/perms, the name words and the aliases that match, the planner's
    # estimate and the exact count, page, conflicts and parties for the filter lists.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("casualties:person_list"), {"q": "Sargsyan"})
    assert response.context["page"].paginator.count == 24
