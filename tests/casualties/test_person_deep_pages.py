"""Pages of the persons list past the first skip their offset over ids alone (a deferred join,
``core.api.pagination.deferred_rows``): every page holds the very rows, in the very order, of
the plain ``ORDER BY … OFFSET`` of each tier, hidden names included, at the same query cost;
and an exact count joins no table it does not filter on."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from casualties.models import Person
from core.api.pagination import deferred_rows
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons/"
PAGE = 3
# Ties on the name (only the id orders them), hidden names among and between public ones.
NAMES = [
    ("Sargsyan", True),
    ("Abrahamyan", False),
    ("Sargsyan", True),
    ("Zakaryan", True),
    ("Sargsyan", False),
    ("Avetisyan", True),
    ("Grigoryan", False),
    ("Abrahamyan", True),
    ("Sargsyan", True),
    ("Hakobyan", False),
    ("Zakaryan", False),
]
PUBLIC_NAME = Person.public_sort_name()
# Each tier's order, as the plain queryset would sort it (PersonOrderingFilter).
ORDERS = {
    ("public", None): [PUBLIC_NAME.asc(nulls_last=True), "id"],
    ("public", "-name_latin"): [PUBLIC_NAME.desc(nulls_last=True), "id"],
    ("public", "status_date"): ["status_date", "id"],
    ("staff", None): ["name_latin", "id"],
    ("staff", "-name_latin"): ["-name_latin", "id"],
    ("staff", "status_date"): ["status_date", "id"],
}
TIERS = {"anonymous": "public", "journalist": "public", "clerk": "staff"}


@pytest.fixture
def registry(db):
    conflict, arm, aze = ConflictFactory(slug="deep"), PartyFactory(code="ARM"), PartyFactory()
    return [
        PersonFactory(
            conflict=conflict,
            party=arm if n % 3 else aze,
            full_name=f"{name} {n}",
            name_latin=name,
            name_public=public,
            status_date=datetime.date(2022, 9, 1 + n % 4),
        ).pk
        for n, (name, public) in enumerate(NAMES)
    ]


def plain_pages(order, **filters) -> list[list[int]]:
    """Every page as the plain ORDER BY … OFFSET … LIMIT gives it."""
    persons = Person.objects.filter(**filters).order_by(*order)
    total = persons.count()
    return [
        list(persons.values_list("pk", flat=True)[bottom : bottom + PAGE])
        for bottom in range(0, total, PAGE)
    ]


def api_pages(client, **params) -> list[list[int]]:
    pages, number = [], 1
    while True:
        response = client.get(URL, {"page_size": PAGE, "page": number, **params})
        assert response.status_code == 200, response.content
        pages.append([row["id"] for row in response.json()["results"]])
        if response.json()["next"] is None:
            return pages
        number += 1


@pytest.mark.parametrize("estimated", [False, True], ids=["exact count", "estimated count"])
@pytest.mark.parametrize("ordering", [None, "-name_latin", "status_date"])
@pytest.mark.parametrize("role", list(TIERS))
def test_every_page_holds_the_plain_offsets_rows_in_its_order(
    settings, api_for, registry, role, ordering, estimated
):
    settings.API_EXACT_COUNT_LIMIT = 0 if estimated else 1_000_000
    expected = plain_pages(ORDERS[TIERS[role], ordering])

    pages = api_pages(api_for(role), **({"ordering": ordering} if ordering else {}))

    assert pages == expected
    assert len(pages) == 4 and sorted(sum(pages, [])) == sorted(registry)


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        (
            {"party": "ARM", "status_date_after": "2022-09-02"},
            {"party__code": "ARM", "status_date__gte": "2022-09-02"},
        ),
        # A status filter makes the list DISTINCT, which the ids' subquery must keep too.
        ({"status": ["missing"], "conflict": "deep"}, {"status": "missing"}),
    ],
    ids=["party and date", "status"],
)
@pytest.mark.parametrize("role", ["anonymous", "clerk"])
def test_a_filtered_deep_page_keeps_its_filter(api_for, registry, role, params, filters):
    expected = plain_pages(ORDERS[TIERS[role], None], **filters)

    pages = api_pages(api_for(role), **params)

    assert pages == expected and len(pages) > 1


def test_the_public_never_gets_a_hidden_name_from_a_deep_page(anonymous_api, registry):
    rows = anonymous_api.get(URL, {"page_size": PAGE, "page": 4}).json()["results"]

    # The last page holds hidden names only: they sort after every published one.
    assert rows and all(not row["name_public"] for row in rows)
    assert {(row["full_name"], row["name_latin"]) for row in rows} == {(None, None)}


def test_a_deep_page_costs_the_queries_of_the_first(
    anonymous_api, registry, django_assert_max_num_queries
):
    # As the first page: the throttle count (1); the data version (1); the planner's estimate
    # of the count (1), then the count (1); the page, its ids skipped to in a subquery (1).
    with django_assert_max_num_queries(5):
        response = anonymous_api.get(URL, {"page_size": PAGE, "page": 3})
    assert response.status_code == 200 and len(response.json()["results"]) == PAGE


def test_the_offset_is_skipped_over_ids_alone_not_over_joined_rows(registry):
    page = Person.objects.values("pk", slug=F("conflict__slug"), code=F("party__code"))
    page = page.filter(party__code="ARM").order_by("name_latin", "id")

    with CaptureQueriesContext(connection) as captured:
        rows = list(deferred_rows(page, PAGE, 2 * PAGE))

    assert rows == list(page[PAGE : 2 * PAGE])
    (sql,) = [query["sql"] for query in captured]
    ids = sql[sql.index("IN (SELECT") :]
    # The filter's join stays; the joins that only read a column go.
    assert '"casualties_party"' in ids and '"casualties_conflict"' not in ids


def test_the_first_page_reads_its_rows_directly(registry):
    persons = Person.objects.order_by("name_latin", "id")

    with CaptureQueriesContext(connection) as captured:
        rows = list(deferred_rows(persons, 0, PAGE))

    assert [person.pk for person in rows] == list(persons.values_list("pk", flat=True)[:PAGE])
    assert "IN (SELECT" not in captured[0]["sql"]


@pytest.mark.parametrize("filters", [{}, {"party__code": "ARM", "conflict__slug": "deep"}])
@pytest.mark.parametrize(
    ("order", "index"),
    [
        ([PUBLIC_NAME.asc(nulls_last=True), "id"], "person_public_sort"),
        (["name_latin", "id"], "person_name_sort"),
    ],
    ids=["public", "staff"],
)
def test_each_tiers_name_order_skips_its_offset_in_the_index_alone(registry, order, index, filters):
    ids = Person.objects.filter(**filters).order_by(*order).values("pk")[5:8]
    sql, params = ids.query.sql_with_params()

    with connection.cursor() as cursor:
        # Eleven persons would be read by a sequential scan; what is asked here is whether the
        # index can answer the ids without reading a row, as it must for a million.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"Index Only Scan using {index} on casualties_person" in plan


@pytest.mark.parametrize(
    ("params", "filters"),
    [({"party": "ARM"}, {"party__code": "ARM"}), ({"status": ["missing"]}, {"status": "missing"})],
    ids=["party", "status (distinct)"],
)
def test_the_exact_count_joins_only_the_tables_it_filters_on(
    anonymous_api, registry, params, filters
):
    with CaptureQueriesContext(connection) as captured:
        body = anonymous_api.get(URL, {"page_size": PAGE, **params}).json()

    assert body["count"] == Person.objects.filter(**filters).count()
    assert body["count_estimated"] is False
    (count,) = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
    assert '"casualties_conflict"' not in count
    assert ('"casualties_party"' in count) == ("party" in params)
