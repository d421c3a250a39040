"""Counts of numbered pages: exact below ``API_EXACT_COUNT_LIMIT``, the planner's estimate
above it and flagged as such, with paging that still reaches every row."""

import pytest

from casualties.models import Person
from core.api.pagination import planner_estimate
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons/"


@pytest.fixture
def eight_persons():
    conflict, party = ConflictFactory(slug="counted"), PartyFactory()
    return [PersonFactory(conflict=conflict, party=party).pk for _ in range(8)]


def test_below_the_limit_the_count_is_exact_and_says_so(settings, anonymous_api, eight_persons):
    settings.API_EXACT_COUNT_LIMIT = 1_000_000_000

    body = anonymous_api.get(PERSONS, {"page_size": 3}).json()

    assert (body["count"], body["count_estimated"]) == (8, False)


def test_above_the_limit_the_count_is_the_planners_and_flagged(
    settings, anonymous_api, eight_persons
):
    settings.API_EXACT_COUNT_LIMIT = 0
    estimate = planner_estimate(Person.objects.select_related("conflict", "party"))

    body = anonymous_api.get(PERSONS, {"page_size": 3}).json()

    assert body["count_estimated"] is True
    assert body["count"] == estimate


def test_estimated_pages_still_reach_every_row_once_and_end(settings, anonymous_api, eight_persons):
    settings.API_EXACT_COUNT_LIMIT = 0
    seen, url, params = [], PERSONS, {"page_size": 3, "ordering": "id"}
    while url:
        body = anonymous_api.get(url, params).json()
        assert body["count_estimated"] is True
        seen.extend(row["id"] for row in body["results"])
        url, params = body["next"], None

    assert seen == sorted(eight_persons)
    assert anonymous_api.get(PERSONS, {"page_size": 3, "page": 40}).status_code == 404


def test_a_filtered_list_is_estimated_from_its_filter(settings, anonymous_api, eight_persons):
    settings.API_EXACT_COUNT_LIMIT = 0
    PersonFactory.create_batch(2, conflict=ConflictFactory(slug="other"))
    filtered = Person.objects.select_related("conflict", "party").filter(conflict__slug="counted")

    body = anonymous_api.get(PERSONS, {"conflict": "counted"}).json()

    assert body["count_estimated"] is True
    assert body["count"] == planner_estimate(filtered)
    assert {row["conflict"] for row in body["results"]} == {"counted"}


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999999999999999999"])
def test_a_bad_page_of_an_estimated_list_is_a_404_not_a_500(
    settings, anonymous_api, eight_persons, page
):
    settings.API_EXACT_COUNT_LIMIT = 0
    assert anonymous_api.get(PERSONS, {"page": page}).status_code == 404
