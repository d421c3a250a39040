"""Cursor walks of the API lists (core/api/pagination.py): every row exactly once in id order,
rows added during the walk included, filters and the public tier kept, bad cursors a 400."""

import datetime

import pytest
from django.utils import timezone

from core.api.pagination import (
    BAD_CURSOR,
    CURSOR_WITH_ORDERING,
    CURSOR_WITH_PAGE,
    encode_cursor,
)
from repatriation.choices import HandoverState
from tests.factories import (
    ConflictFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONS = "/api/v1/persons/"


def walk(client, url, params, between=None):
    """Follow ``next`` from an empty cursor; ``between(n)`` runs after the n-th page."""
    response = client.get(url, {**params, "cursor": ""})
    pages = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"next", "results"}
        pages.append(body["results"])
        if body["next"] is None:
            return pages
        if between:
            between(len(pages))
        response = client.get(body["next"])


def ids(pages):
    return [row["id"] for page in pages for row in page]


def test_a_walk_returns_every_person_once_even_while_persons_are_added(anonymous_api):
    conflict, party = ConflictFactory(), PartyFactory()
    first = [PersonFactory(conflict=conflict, party=party).pk for _ in range(7)]
    added = []

    def add_two(page_number):
        added.extend(PersonFactory(conflict=conflict, party=party).pk for _ in range(2))

    pages = walk(anonymous_api, PERSONS, {"page_size": 3}, between=add_two)

    walked = ids(pages)
    assert len(walked) == len(set(walked))
    assert walked == sorted(first + added)
    assert all(len(page) <= 3 for page in pages)


def test_a_walk_keeps_the_filters(anonymous_api):
    wanted, other = ConflictFactory(slug="wanted"), ConflictFactory(slug="other")
    party = PartyFactory()
    kept = [PersonFactory(conflict=wanted, party=party).pk for _ in range(5)]
    PersonFactory.create_batch(4, conflict=other, party=party)

    pages = walk(anonymous_api, PERSONS, {"conflict": "wanted", "page_size": 2})

    assert ids(pages) == sorted(kept)


def test_a_public_walk_keeps_hidden_names_and_restricted_fields_out(anonymous_api, clerk_api):
    PersonFactory(full_name="Published Name", name_public=True, dna_reference="DNA-PUB")
    PersonFactory(full_name="Hidden Name", name_public=False, dna_reference="DNA-HIDDEN")

    public = walk(anonymous_api, PERSONS, {"page_size": 1})
    staff = walk(clerk_api, PERSONS, {"page_size": 1})

    public_rows = [row for page in public for row in page]
    assert [row["full_name"] for row in public_rows] == ["Published Name", None]
    assert all("dna_reference" not in row for row in public_rows)
    assert [row["dna_reference"] for page in staff for row in page] == ["DNA-PUB", "DNA-HIDDEN"]


def test_a_public_walk_of_handovers_sees_verified_ones_only(anonymous_api):
    verified = [
        HandoverFactory(
            state=HandoverState.VERIFIED, verified_by=UserFactory(), verified_at=timezone.now()
        ).pk
        for _ in range(3)
    ]
    HandoverFactory(state=HandoverState.DRAFT)

    pages = walk(anonymous_api, "/api/v1/handovers/", {"page_size": 2})

    assert ids(pages) == sorted(verified)


def test_a_walk_of_statements_follows_ids_not_dates(anonymous_api):
    made = [
        StatementFactory(as_of=datetime.date(2022, 9, 20) - datetime.timedelta(days=n)).pk
        for n in range(4)
    ]

    pages = walk(anonymous_api, "/api/v1/statements/", {"page_size": 3})

    assert ids(pages) == sorted(made)
    assert [len(page) for page in pages] == [3, 1]


def test_an_empty_list_is_one_empty_page(anonymous_api):
    response = anonymous_api.get(PERSONS, {"cursor": ""})
    assert response.status_code == 200
    assert response.json() == {"next": None, "results": []}


@pytest.mark.parametrize(
    "cursor",
    ["not base64!", "e30=", encode_cursor(-1), "eyJhZnRlciI6ICIxIn0=", "%00", "W10=", "bnVsbA=="],
)
def test_a_cursor_the_api_did_not_give_is_a_400(anonymous_api, cursor):
    PersonFactory()
    response = anonymous_api.get(PERSONS, {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"] == [str(BAD_CURSOR)]


def test_a_cursor_with_ordering_or_page_is_a_400_saying_why(anonymous_api):
    PersonFactory()
    ordered = anonymous_api.get(PERSONS, {"cursor": "", "ordering": "name_latin"})
    paged = anonymous_api.get("/api/v1/statements/", {"cursor": "", "page": 2})

    assert ordered.status_code == 400
    assert ordered.json()["errors"]["ordering"] == [str(CURSOR_WITH_ORDERING)]
    assert paged.status_code == 400
    assert paged.json()["errors"]["page"] == [str(CURSOR_WITH_PAGE)]


def test_numbered_pages_are_unchanged_and_say_their_count_is_exact(anonymous_api):
    PersonFactory.create_batch(3)
    body = anonymous_api.get(PERSONS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert body["count_estimated"] is False
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None


def test_a_walk_of_a_name_search_finds_the_public_matches_in_id_order(anonymous_api):
    shown = [PersonFactory(full_name=f"Aram Petrosyan {n}", name_public=True).pk for n in (1, 2, 3)]
    PersonFactory(full_name="Aram Petrosyan hidden", name_public=False)
    PersonFactory(full_name="Ivan Sidorov", name_public=True)

    pages = walk(anonymous_api, PERSONS, {"q": "Petrosyan", "page_size": 2})

    assert ids(pages) == shown
