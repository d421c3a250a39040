"""/api/v1/statements/ with nested figures, and the reference data (conflicts, parties,
sources): who may do what, writes through the services, filters, CSV, query counts."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casualties.models import Conflict, Figure, Party, Source, Statement
from tests.api_clients import ROLES
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    PartyFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/statements/"
CIVILIANS_MESSAGE = "The number of civilians must be between 0 and the figure's value."
FIELDS = [
    "id",
    "conflict",
    "source",
    "issued_on",
    "as_of",
    "citation_title",
    "citation_url",
    "note",
    "figures",
    "created_at",
    "updated_at",
]


@pytest.fixture
def world(db):
    arm, aze = PartyFactory(code="ARM"), PartyFactory(code="AZE")
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": arm,
        "aze": aze,
        "council": SourceFactory(name="Security Council of Armenia", party=arm),
        "mod": SourceFactory(name="Ministry of Defence of Azerbaijan", party=aze),
    }


@pytest.fixture
def statement(world):
    statement = StatementFactory(conflict=world["conflict"], source=world["council"])
    FigureFactory(statement=statement, subject_party=world["arm"], value=207, civilians=5)
    return statement


def payload(**overrides):
    return {
        "conflict": "sept-2022",
        "source": "Security Council of Armenia",
        "issued_on": "2022-09-19",
        "as_of": "2022-09-19",
        "citation_title": "CivilNet, 20 September 2022",
        "citation_url": "https://www.civilnet.am/",
        "figures": [
            {"subject_party": "ARM", "category": "killed_or_missing", "value": 207, "civilians": 5},
            {"subject_party": "ARM", "category": "injured", "value": 296, "civilians": 3},
            {"subject_party": "ARM", "category": "captured", "value": 20, "qualifier": "at_least"},
        ],
        **overrides,
    }


def detail_url(statement):
    return f"{URL}{statement.pk}/"


# --- Who may do what (DESIGN §5) -------------------------------------------------------------

WRITE_OUTCOMES = [("anonymous", 401), ("journalist", 403), ("clerk", 201), ("verifier", 201)]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_list_and_read_statements(api_for, statement, role):
    client = api_for(role)

    listed = client.get(URL)
    one = client.get(detail_url(statement))

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [statement.pk]
    assert one.status_code == 200
    assert list(one.json()) == FIELDS
    assert one.json()["figures"] == [
        {
            "subject_party": "ARM",
            "category": "killed_or_missing",
            "value": 207,
            "civilians": 5,
            "qualifier": "exact",
            "revision": 0,
            "revisions": [],
        }
    ]


@pytest.mark.parametrize(("role", "expected"), WRITE_OUTCOMES)
def test_only_staff_may_create_a_statement(api_for, world, role, expected):
    response = api_for(role).post(URL, payload())

    assert response.status_code == expected
    assert Statement.objects.count() == (1 if expected == 201 else 0)
    assert Figure.objects.count() == (3 if expected == 201 else 0)
    if expected != 201:
        body = response.json()
        assert (body["status"], body["errors"]) == (expected, {})


@pytest.mark.parametrize(("role", "expected"), WRITE_OUTCOMES)
def test_only_staff_may_change_a_statement(api_for, statement, role, expected):
    response = api_for(role).patch(detail_url(statement), {"note": "Corrected link"})

    assert response.status_code == (200 if expected == 201 else expected)
    statement.refresh_from_db()
    assert statement.note == ("Corrected link" if expected == 201 else "")


def test_nobody_deletes_a_statement_through_the_api(admin_api, statement):
    assert admin_api.delete(detail_url(statement)).status_code == 405
    assert Statement.objects.filter(pk=statement.pk).exists()


# Reference data: read by all, written by the admin only (clerks hold no add_conflict).
REFERENCE = {
    "conflicts": {"slug": "new-war", "name": "New war", "start_date": "2023-01-01"},
    "parties": {"code": "NEW", "name": "New party", "kind": "state"},
    "sources": {"name": "New source", "kind": "media"},
}
REFERENCE_MODELS = {"conflicts": Conflict, "parties": Party, "sources": Source}


@pytest.mark.parametrize("resource", REFERENCE)
@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_read_reference_data(api_for, world, resource, role):
    response = api_for(role).get(f"/api/v1/{resource}/")

    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("resource", REFERENCE)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("journalist", 403), ("clerk", 403), ("verifier", 403), ("admin", 201)],
)
def test_only_the_admin_may_add_reference_data(api_for, world, resource, role, expected):
    model = REFERENCE_MODELS[resource]
    before = model.objects.count()

    response = api_for(role).post(f"/api/v1/{resource}/", REFERENCE[resource])

    assert response.status_code == expected
    assert model.objects.count() == before + (1 if expected == 201 else 0)


# --- Writes through the services -------------------------------------------------------------


def test_a_statement_is_created_with_its_figures(clerk_api, world):
    response = clerk_api.post(URL, payload())

    assert response.status_code == 201
    body = response.json()
    assert (body["conflict"], body["source"]) == ("sept-2022", "Security Council of Armenia")
    assert [(f["category"], f["value"], f["qualifier"]) for f in body["figures"]] == [
        ("captured", 20, "at_least"),
        ("injured", 296, "exact"),
        ("killed_or_missing", 207, "exact"),
    ]
    statement = Statement.objects.get(pk=body["id"])
    assert statement.citation_title == "CivilNet, 20 September 2022"
    assert set(statement.figures.values_list("category", "value", "civilians")) == {
        ("killed_or_missing", 207, 5),
        ("injured", 296, 3),
        ("captured", 20, None),
    }


def assert_invalid(response, errors):
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "Invalid input.",
        "errors": errors,
    }


def test_a_bad_figure_saves_nothing_and_is_named_by_its_position(clerk_api, world):
    data = payload()
    data["figures"][1]["civilians"] = 300  # more civilians than the 296 injured

    response = clerk_api.post(URL, data)

    assert_invalid(response, {"figures[1]": [CIVILIANS_MESSAGE]})
    assert not Statement.objects.exists()
    assert not Figure.objects.exists()


def test_a_figure_repeated_in_one_statement_saves_nothing(clerk_api, world):
    data = payload()
    data["figures"][2]["category"] = "killed_or_missing"

    response = clerk_api.post(URL, data)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["figures[2]"]
    assert not Statement.objects.exists()


def test_a_malformed_figure_is_named_by_its_position_too(clerk_api, world):
    data = payload()
    data["figures"][0]["subject_party"] = "NOWHERE"
    data["figures"][2]["value"] = -1

    response = clerk_api.post(URL, data)

    assert_invalid(
        response,
        {
            "figures[0].subject_party": ["Object with code=NOWHERE does not exist."],
            "figures[2].value": ["Ensure this value is greater than or equal to 0."],
        },
    )
    assert not Statement.objects.exists()


def test_a_bad_figure_value_is_keyed_to_its_row_and_field_like_a_remains_row(clerk_api, world):
    data = payload()
    data["figures"][1]["value"] = "many"

    response = clerk_api.post(URL, data)

    assert_invalid(response, {"figures[1].value": ["A valid integer is required."]})
    assert not Statement.objects.exists()


def test_a_figure_that_is_not_an_object_is_an_error_of_its_whole_row(clerk_api, world):
    data = payload()
    data["figures"][1] = "296 injured"

    response = clerk_api.post(URL, data)

    assert_invalid(response, {"figures[1]": ["Invalid data. Expected a dictionary, but got str."]})
    assert not Statement.objects.exists()


def test_a_statement_needs_at_least_one_figure(clerk_api, world):
    response = clerk_api.post(URL, payload(figures=[]))

    assert_invalid(response, {"figures": ["This list may not be empty."]})
    assert not Statement.objects.exists()


def test_figures_cannot_describe_a_day_after_the_statement(clerk_api, world):
    response = clerk_api.post(URL, payload(as_of="2022-09-21"))

    assert_invalid(
        response,
        {"non_field_errors": ["A statement cannot describe a date after the day it was issued."]},
    )
    assert not Statement.objects.exists()


def test_an_unknown_source_or_conflict_is_a_field_error(clerk_api, world):
    response = clerk_api.post(URL, payload(source="Nobody", conflict="no-such-war"))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"source", "conflict"}


def test_patch_without_figures_keeps_them(clerk_api, statement):
    response = clerk_api.patch(detail_url(statement), {"citation_title": "Asbarez"})

    assert response.status_code == 200
    assert response.json()["citation_title"] == "Asbarez"
    assert [f["value"] for f in response.json()["figures"]] == [207]
    assert statement.figures.count() == 1


def test_patch_with_figures_revises_a_changed_one_and_adds_a_new_one(clerk_api, statement):
    figures = [
        {"subject_party": "ARM", "category": "killed_or_missing", "value": 210},
        {"subject_party": "ARM", "category": "remains_returned", "value": 127},
    ]

    response = clerk_api.patch(detail_url(statement), {"figures": figures}, format="json")

    assert response.status_code == 200
    assert sorted((f["category"], f["value"]) for f in response.json()["figures"]) == [
        ("killed_or_missing", 210),
        ("remains_returned", 127),
    ]
    assert sorted(statement.figures.values_list("category", "value", "revision")) == [
        ("killed_or_missing", 207, 0),
        ("killed_or_missing", 210, 1),
        ("remains_returned", 127, 0),
    ]


def test_a_bad_patch_changes_nothing(clerk_api, statement):
    figures = [
        {"subject_party": "ARM", "category": "killed", "value": 1},
        {"subject_party": "ARM", "category": "missing", "value": 1, "civilians": 2},
    ]

    response = clerk_api.patch(
        detail_url(statement), {"note": "changed", "figures": figures}, format="json"
    )

    assert_invalid(response, {"figures[1]": [CIVILIANS_MESSAGE]})
    statement.refresh_from_db()
    assert statement.note == ""
    assert list(statement.figures.values_list("category", "value")) == [("killed_or_missing", 207)]


# --- Filters, ordering, CSV, query counts -----------------------------------------------------


@pytest.fixture
def statements(world):
    other = ConflictFactory(slug="karabakh-2020")

    def make(source, as_of, issued_on, figures, conflict=None, **fields):
        statement = StatementFactory(
            conflict=conflict or world["conflict"],
            source=source,
            as_of=as_of,
            issued_on=issued_on,
            **fields,
        )
        for party, category in figures:
            FigureFactory(statement=statement, subject_party=party, category=category)
        return statement.pk

    arm, aze = world["arm"], world["aze"]
    d = datetime.date
    return {
        "council": make(
            world["council"],
            d(2022, 9, 19),
            d(2022, 9, 19),
            [(arm, "killed_or_missing"), (arm, "injured")],
            citation_title="CivilNet",
        ),
        "mod": make(
            world["mod"],
            d(2022, 9, 15),
            d(2022, 9, 16),
            [(aze, "killed"), (arm, "captured")],
            note="Claims 20 prisoners",
        ),
        "old": make(
            world["council"],
            d(2021, 2, 13),
            d(2021, 2, 13),
            [(arm, "remains_returned")],
            conflict=other,
        ),
    }


FILTER_CASES = [
    ({"conflict": "sept-2022"}, {"council", "mod"}),
    ({"conflict": "karabakh-2020"}, {"old"}),
    ({"source": "Ministry of Defence of Azerbaijan"}, {"mod"}),
    ({"party": "ARM"}, {"council", "mod", "old"}),
    ({"party": "AZE"}, {"mod"}),
    ({"category": "captured"}, {"mod"}),
    ({"category": "injured", "party": "ARM"}, {"council"}),
    # party and category concern the same figure: AZE figures of "captured" there are none.
    ({"category": "captured", "party": "AZE"}, set()),
    ({"as_of_after": "2022-09-16"}, {"council"}),
    ({"as_of_before": "2022-09-15"}, {"mod", "old"}),
    ({"issued_on_after": "2022-09-16", "issued_on_before": "2022-09-16"}, {"mod"}),
    ({"q": "civilnet"}, {"council"}),
    ({"q": "prisoners"}, {"mod"}),
]


@pytest.mark.parametrize(("params", "expected"), FILTER_CASES)
def test_each_filter_narrows_the_list(anonymous_api, statements, params, expected):
    response = anonymous_api.get(URL, params)

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert len(ids) == len(set(ids))  # a statement with two matching figures is listed once
    assert set(ids) == {statements[k] for k in expected}


def test_updated_since_lists_only_rows_changed_since(anonymous_api, statements):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Statement.objects.exclude(pk=statements["mod"]).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = anonymous_api.get(URL, {"updated_since": since})

    assert [row["id"] for row in response.json()["results"]] == [statements["mod"]]


def test_the_newest_figures_come_first_and_ordering_can_change_it(anonymous_api, statements):
    def order(**params):
        return [row["id"] for row in anonymous_api.get(URL, params).json()["results"]]

    assert order() == [statements["council"], statements["mod"], statements["old"]]
    assert order(ordering="as_of") == [statements["old"], statements["mod"], statements["council"]]
    assert order(ordering="note") == order()  # not an ordering field: ignored


def test_csv_has_a_header_and_every_filtered_row_not_one_page(anonymous_api, world, statements):
    StatementFactory(
        conflict=world["conflict"], source=world["council"], citation_title="=cmd|' /C calc'!A0"
    )

    response = anonymous_api.get(URL, {"format": "csv", "page_size": 1, "conflict": "sept-2022"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == FIELDS
    assert len(rows) == 1 + 3
    titles = {row[FIELDS.index("citation_title")] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in titles
    council = next(row for row in rows if row[0] == str(statements["council"]))
    figures = json.loads(council[FIELDS.index("figures")])
    assert {f["category"] for f in figures} == {"killed_or_missing", "injured"}


def test_pages_are_stable_with_no_overlap_and_no_gap(anonymous_api, world):
    ids = {
        StatementFactory(conflict=world["conflict"], source=world["council"]).pk for _ in range(5)
    }

    pages = [anonymous_api.get(URL, {"page_size": 2, "page": n}).json() for n in (1, 2, 3)]

    seen = [row["id"] for page in pages for row in page["results"]]
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == ids


def list_queries(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_number_of_queries_for_1_or_20_statements(anonymous_api, world):
    def add_statement():
        statement = StatementFactory(conflict=world["conflict"], source=world["council"])
        FigureFactory(statement=statement, subject_party=world["arm"], category="killed")
        FigureFactory(statement=statement, subject_party=world["aze"], category="killed")

    add_statement()
    few = list_queries(anonymous_api)
    for _ in range(19):
        add_statement()

    assert list_queries(anonymous_api) == few
    assert list_queries(anonymous_api, {"format": "csv"}) <= few


def test_the_list_query_count_is_pinned(anonymous_api, statements, django_assert_max_num_queries):
    # The throttle count (1); the data version for the ETag (1); the planner's estimate of the
    # count (1), then the count (1); the page with conflict and source (1); every figure of the
    # page with its party (1).
    with django_assert_max_num_queries(6):
        response = anonymous_api.get(URL)
    assert response.json()["count"] == 3


def test_a_repeated_get_with_the_etag_is_304(anonymous_api, statement):
    etag = anonymous_api.get(URL)["ETag"]

    assert anonymous_api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
