"""Pages of a name search (count and ids in one query, then the rows) are the very pages
Django's own Paginator cuts, in the API and in the staff registry."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.urls import reverse
from rest_framework.test import APIClient

from casualties.models import Person
from casualties.search.names import SEARCH_RANK, name_search
from casualties.search.paging import SearchPaginator
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

URL = "/api/v1/persons/"
# Exact, then a longer name (less close), interleaved by id, so rank and id both order.
NAMES = ["Sargsyan", "Sargsyann", "Sargsyan", "Sargsyann", "Sargsyan", "Sargsyanyan", "Sargsyan"]


@pytest.fixture
def sargsyans(db):
    conflict, party = ConflictFactory(), PartyFactory()
    PersonFactory(conflict=conflict, party=party, full_name="Petrosyan", name_public=True)
    return [
        PersonFactory(conflict=conflict, party=party, full_name=f"Aram {name}", name_public=True)
        for name in NAMES
    ]


def ranked():
    found = name_search(Person.objects.all(), "sargsyan", public=False)
    return found.order_by(f"-{SEARCH_RANK}", "id")


def page_ids(paginator, number):
    return [person.pk for person in paginator.page(number)]


@pytest.mark.parametrize("orphans", [0, 1])
def test_every_page_equals_djangos_own(sargsyans, orphans):
    ours, django = (
        SearchPaginator(ranked(), 3, orphans=orphans),
        Paginator(ranked(), 3, orphans=orphans),
    )

    pages = [page_ids(ours, number) for number in range(1, django.num_pages + 1)]

    assert pages == [page_ids(django, number) for number in range(1, django.num_pages + 1)]
    assert (ours.count, ours.num_pages) == (7, django.num_pages)
    assert sorted(sum(pages, [])) == sorted(person.pk for person in sargsyans)
    assert [person.search_rank for person in ours.page(1)][0] == pytest.approx(1.0)


def test_a_page_past_the_end_or_not_a_number_is_refused_as_django_does(sargsyans):
    paginator = SearchPaginator(ranked(), 3)

    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")
    with pytest.raises(EmptyPage):
        paginator.page(0)
    assert [p.pk for p in paginator.get_page("99")] == page_ids(Paginator(ranked(), 3), 3)


def test_a_search_with_no_match_has_one_empty_page(sargsyans):
    paginator = SearchPaginator(name_search(Person.objects.all(), "quixote", public=False), 3)

    assert list(paginator.page(1)) == [] and paginator.count == 0


def test_the_api_pages_a_search_and_says_404_past_its_end(sargsyans):
    api = APIClient()
    everything = api.get(URL, {"q": "Sargsyan", "page_size": 100}).json()

    second = api.get(URL, {"q": "Sargsyan", "page_size": 3, "page": 2}).json()
    last = api.get(URL, {"q": "Sargsyan", "page_size": 3, "page": "last"}).json()
    beyond = api.get(URL, {"q": "Sargsyan", "page_size": 3, "page": 9})

    order = [row["id"] for row in everything["results"]]
    assert everything["count"] == 7 and len(order) == 7
    assert [row["id"] for row in second["results"]] == order[3:6]
    assert second["count"] == 7 and second["next"] and second["previous"]
    assert [row["id"] for row in last["results"]] == order[6:]
    assert beyond.status_code == 404


def test_the_registry_lists_a_search_closest_first(client, clerk, sargsyans):
    client.force_login(clerk)

    page = client.get(reverse("casualties:person_list"), {"q": "Sargsyan"}).context["page"]

    assert page.paginator.count == 7
    assert [person.pk for person in page] == [person.pk for person in ranked()]


def test_a_search_whose_matches_are_all_as_close_pages_by_id(sargsyans):
    conflict, party = sargsyans[0].conflict, sargsyans[0].party
    petrosyans = [
        PersonFactory(conflict=conflict, party=party, full_name=f"Petrosyan {n}") for n in range(4)
    ]
    found = name_search(Person.objects.all(), "petrosyan", public=False)
    paginator = SearchPaginator(found.order_by(f"-{SEARCH_RANK}", "id"), 2)

    pages = [page_ids(paginator, number) for number in (1, 2, 3)]

    first = Person.objects.get(full_name="Petrosyan").pk  # from the fixture
    everyone = [first, *(person.pk for person in petrosyans)]
    assert pages == [everyone[:2], everyone[2:4], everyone[4:]]
    assert {person.search_rank for person in found} == {1.0}
