"""/api/v1/persons/ and persons/{id}/status/: who may do what, what the public may see, the
filters, CSV, ordering and paging, the status lifecycle through the API, conditional GETs."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casualties.models import Person, StatusChange
from casualties.services import FORBIDDEN_MOVE
from tests.api_clients import ROLES
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons/"
DAY = datetime.date(2022, 9, 14)
LATER = datetime.date(2022, 9, 20)
PUBLIC_FIELDS = [
    "id",
    "conflict",
    "party",
    "full_name",
    "name_latin",
    "name_public",
    "is_civilian",
    "rank",
    "unit",
    "home_region",
    "status",
    "status_date",
    "updated_at",
]
# Known values in every restricted field, and a name that may not be published.
SECRETS = {
    "full_name": "Սեկրետ Անուն",
    "name_latin": "Hiddenyan Secretname",
    "date_of_birth": "1987-06-05",
    "service_number": "SVC-7Q4-SECRET",
    "next_of_kin": "Kin-Secret Mother, 12 Hidden St",
    "contact": "+374-SECRET-5551",
    "dna_reference": "DNA-REF-SECRET-99",
    "notes": "Notes-Secret: only for the ministry",
}
SOURCE_SECRET = "Source-Secret: phone call from the family"


def detail_url(person):
    return f"{URL}{person.pk}/"


def status_url(person):
    return f"{URL}{person.pk}/status/"


@pytest.fixture
def world(db):
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
    }


@pytest.fixture
def person(world):
    return PersonFactory(
        conflict=world["conflict"],
        party=world["arm"],
        full_name="Արամ Պետրոսյան",
        name_latin="Aram Petrosyan",
        name_public=True,
    )


@pytest.fixture
def hidden(world, clerk):
    """A person whose name may not be published, with a secret in every restricted field."""
    person = PersonFactory(
        conflict=world["conflict"],
        party=world["arm"],
        name_public=False,
        **{**SECRETS, "date_of_birth": datetime.date(1987, 6, 5)},
    )
    StatusChange.objects.filter(person=person).update(source_note=SOURCE_SECRET)
    return person


def new_person_payload(**overrides):
    return {
        "conflict": "sept-2022",
        "party": "ARM",
        "full_name": "Գևորգ Սարգսյան",
        "name_public": True,
        "status": "missing",
        "status_date": "2022-09-14",
        "source_note": "Ministry list of 14 September",
        **overrides,
    }


def rows_of(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


# --- Who may do what (DESIGN §5) -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_list_and_read_persons_and_their_history(api_for, role, person):
    client = api_for(role)

    listed = client.get(URL)
    one = client.get(detail_url(person))
    history = client.get(status_url(person))

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [person.pk]
    assert one.status_code == 200
    assert one.json()["full_name"] == "Արամ Պետրոսյան"
    assert history.status_code == 200
    assert [change["status"] for change in history.json()] == ["missing"]


WRITE_OUTCOMES = [("anonymous", 401), ("journalist", 403), ("clerk", 201), ("verifier", 201)]


@pytest.mark.parametrize(("role", "expected"), WRITE_OUTCOMES)
def test_only_staff_may_create_a_person(api_for, world, role, expected):
    response = api_for(role).post(URL, new_person_payload())

    assert response.status_code == expected
    created = Person.objects.filter(full_name="Գևորգ Սարգսյան")
    assert created.exists() == (expected == 201)
    if expected != 201:
        assert response.json()["status"] == expected
        assert response.json()["errors"] == {}


@pytest.mark.parametrize(("role", "expected"), WRITE_OUTCOMES)
def test_only_staff_may_change_a_person(api_for, person, role, expected):
    response = api_for(role).patch(detail_url(person), {"unit": "Unit 7"})

    assert response.status_code == (200 if expected == 201 else expected)
    person.refresh_from_db()
    assert person.unit == ("Unit 7" if expected == 201 else "")


@pytest.mark.parametrize(("role", "expected"), WRITE_OUTCOMES)
def test_only_staff_may_record_a_status_change(api_for, person, role, expected):
    response = api_for(role).post(
        status_url(person), {"status": "killed", "effective_date": "2022-09-20"}
    )

    assert response.status_code == expected
    person.refresh_from_db()
    assert person.status == ("killed" if expected == 201 else "missing")
    assert person.status_changes.count() == (2 if expected == 201 else 1)


def test_nobody_deletes_a_person_through_the_api(clerk_api, admin_api, person):
    # A clerk holds no delete_person; even an admin, who does, finds no DELETE here.
    assert clerk_api.delete(detail_url(person)).status_code == 403
    assert admin_api.delete(detail_url(person)).status_code == 405
    assert Person.objects.filter(pk=person.pk).exists()


# --- Privacy -------------------------------------------------------------------------------


def assert_no_secret(content: bytes):
    text = content.decode()
    for field, secret in {**SECRETS, "source_note": SOURCE_SECRET}.items():
        assert secret not in text, field


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_the_public_never_sees_a_restricted_field_or_a_hidden_name(api_for, hidden, role):
    client = api_for(role)
    responses = [
        client.get(URL),
        client.get(detail_url(hidden)),
        client.get(status_url(hidden)),
        client.get(URL, {"q": SECRETS["name_latin"]}),
        client.get(URL, {"q": "Hiddenyan"}),
        client.get(URL, {"q": SECRETS["full_name"]}),
        client.get(URL, {"ordering": "service_number"}),
        client.get(URL, {"ordering": "-name_latin"}),
        client.patch(detail_url(hidden), {"notes": "x"}),
        client.post(status_url(hidden), {"status": "killed", "effective_date": "2022-09-20"}),
        client.options(detail_url(hidden)),
    ]
    csv_response = client.get(URL, {"format": "csv"})

    for response in responses:
        assert_no_secret(response.content)
    assert_no_secret(b"".join(csv_response.streaming_content))
    body = responses[1].json()
    assert body["full_name"] is None and body["name_latin"] is None
    assert set(body) == set(PUBLIC_FIELDS)
    assert set(responses[2].json()[0]) == {"id", "status", "effective_date", "is_correction"}


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_a_public_name_search_cannot_find_a_hidden_name(api_for, hidden, person, role):
    client = api_for(role)

    assert client.get(URL, {"q": "Hiddenyan"}).json()["results"] == []
    assert client.get(URL, {"q": "Սեկրետ"}).json()["results"] == []
    assert [r["id"] for r in client.get(URL, {"q": "petros"}).json()["results"]] == [person.pk]


def test_a_clerk_finds_a_hidden_name_and_sees_every_field(clerk_api, hidden):
    found = clerk_api.get(URL, {"q": "Hiddenyan"}).json()["results"]
    body = clerk_api.get(detail_url(hidden)).json()
    history = clerk_api.get(status_url(hidden)).json()

    assert [row["id"] for row in found] == [hidden.pk]
    assert {field: body[field] for field in SECRETS} == SECRETS
    assert history[0]["source_note"] == SOURCE_SECRET


def test_restricted_fields_do_not_filter_for_the_public(anonymous_api, hidden, person):
    response = anonymous_api.get(URL, {"service_number": SECRETS["service_number"]})

    # An unknown parameter is ignored: the answer is the same as with no filter at all.
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {hidden.pk, person.pk}


@pytest.mark.parametrize("field", ["service_number", "date_of_birth", "full_name", "notes"])
def test_restricted_fields_do_not_sort(anonymous_api, hidden, field):
    response = anonymous_api.get(URL, {"ordering": field})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "ordering" in response.json()["errors"]


def test_a_hidden_name_sorts_last_for_the_public_so_its_place_reveals_nothing(
    anonymous_api, clerk_api, world
):
    def make(name, public):
        return PersonFactory(
            conflict=world["conflict"], party=world["arm"], name_latin=name, name_public=public
        ).pk

    aaa, mmm, zzz = make("Aaa", True), make("Mmm", False), make("Zzz", True)

    def order(client, ordering):
        return [r["id"] for r in client.get(URL, {"ordering": ordering}).json()["results"]]

    assert order(anonymous_api, "name_latin") == [aaa, zzz, mmm]
    assert order(anonymous_api, "-name_latin") == [zzz, aaa, mmm]
    assert order(clerk_api, "name_latin") == [aaa, mmm, zzz]


# --- Writes through the services -------------------------------------------------------------


def test_creating_a_person_records_the_first_status_change(clerk_api, clerk, world):
    response = clerk_api.post(URL, new_person_payload(service_number="A-1"))

    assert response.status_code == 201
    body = response.json()
    assert body["name_latin"] == "Gevorg Sargsyan"
    assert (body["status"], body["status_date"], body["service_number"]) == (
        "missing",
        "2022-09-14",
        "A-1",
    )
    assert "source_note" not in body
    person = Person.objects.get(pk=body["id"])
    change = person.status_changes.get()
    assert (change.status, change.effective_date) == ("missing", DAY)
    assert (change.recorded_by, change.source_note) == (clerk, "Ministry list of 14 September")


def test_a_new_person_needs_a_status_and_its_date(clerk_api, world):
    payload = new_person_payload()
    del payload["status"], payload["status_date"]

    response = clerk_api.post(URL, payload)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "status_date"}
    assert not Person.objects.exists()


def test_a_status_date_in_the_future_is_refused(clerk_api, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = clerk_api.post(URL, new_person_payload(status_date=tomorrow.isoformat()))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status_date": ["A status change cannot be dated in the future."]
    }
    assert not Person.objects.exists()


@pytest.mark.parametrize("field", ["status", "status_date", "source_note"])
def test_the_status_is_not_patched_but_recorded_as_a_status_change(clerk_api, person, field):
    value = {"status": "killed", "status_date": "2022-09-20", "source_note": "x"}[field]

    response = clerk_api.patch(detail_url(person), {field: value, "unit": "Unit 7"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert f"persons/{person.pk}/status/" in body["errors"][field][0]
    person.refresh_from_db()
    assert (person.status, person.status_date, person.unit) == ("missing", DAY, "")
    assert person.status_changes.count() == 1


def test_a_clerk_changes_descriptive_and_restricted_fields(clerk_api, person):
    response = clerk_api.patch(
        detail_url(person), {"rank": "Sergeant", "dna_reference": "D-1", "party": "AZE"}
    )

    assert response.status_code == 200
    assert (response.json()["rank"], response.json()["party"]) == ("Sergeant", "AZE")
    person.refresh_from_db()
    assert (person.rank, person.dna_reference, person.party.code) == ("Sergeant", "D-1", "AZE")


def test_a_forbidden_status_move_is_refused_with_the_lifecycle_message(clerk_api, person):
    Person.objects.filter(pk=person.pk).update(status="killed")

    response = clerk_api.post(
        status_url(person), {"status": "missing", "effective_date": "2022-09-20"}
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["errors"]["status"] == [
        str(FORBIDDEN_MOVE % {"current": "Killed", "new": "Missing"})
    ]
    person.refresh_from_db()
    assert person.status == "killed"
    assert person.status_changes.count() == 1


def test_an_allowed_move_becomes_the_current_status(clerk_api, clerk, person):
    response = clerk_api.post(
        status_url(person),
        {"status": "killed", "effective_date": "2022-09-20", "source_note": "MoD list"},
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("status", "effective_date", "is_correction", "reason")} == {
        "status": "killed",
        "effective_date": "2022-09-20",
        "is_correction": False,
        "reason": "",
    }
    assert (body["source_note"], body["recorded_by"]) == ("MoD list", "clerk")
    assert body["basis"] == "other"
    assert set(body) == {
        "id",
        "status",
        "effective_date",
        "basis",
        "source_note",
        "is_correction",
        "reason",
        "recorded_at",
        "recorded_by",
    }
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("killed", LATER)


def test_a_correction_with_a_reason_is_recorded_as_such(verifier_api, person):
    Person.objects.filter(pk=person.pk).update(status="killed")

    response = verifier_api.post(
        status_url(person),
        {"status": "captured", "effective_date": "2022-09-20", "reason": "Seen alive on video."},
    )

    assert response.status_code == 201
    assert response.json()["is_correction"] is True
    assert response.json()["recorded_by"] == "verifier"
    change = StatusChange.objects.get(pk=response.json()["id"])
    assert (change.is_correction, change.reason) == (True, "Seen alive on video.")
    person.refresh_from_db()
    assert person.status == "captured"


def test_a_status_change_dated_before_the_current_one_is_refused(clerk_api, person):
    response = clerk_api.post(
        status_url(person), {"status": "killed", "effective_date": "2022-09-01"}
    )

    assert response.status_code == 400
    assert "effective_date" in response.json()["errors"]
    assert person.status_changes.count() == 1


def test_a_status_change_of_an_unknown_person_is_404(clerk_api, world):
    response = clerk_api.post(f"{URL}999999/status/", {"status": "killed"})

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_history_is_oldest_first_and_staff_see_who_recorded_it(clerk_api, clerk, person):
    clerk_api.post(status_url(person), {"status": "captured", "effective_date": "2022-09-16"})
    clerk_api.post(status_url(person), {"status": "released", "effective_date": "2022-09-20"})

    history = clerk_api.get(status_url(person)).json()

    assert [(c["status"], c["effective_date"]) for c in history] == [
        ("missing", "2022-09-14"),
        ("captured", "2022-09-16"),
        ("released", "2022-09-20"),
    ]
    assert [c["recorded_by"] for c in history] == [None, "clerk", "clerk"]


# --- Filters, search, ordering, paging, CSV ---------------------------------------------------


@pytest.fixture
def crowd(world):
    other = ConflictFactory(slug="karabakh-2020")

    def make(**fields):
        defaults = {"conflict": world["conflict"], "party": world["arm"], "name_public": True}
        return PersonFactory(**{**defaults, **fields}).pk

    return {
        "soldier": make(name_latin="Soldier Missing", home_region="Syunik"),
        "civilian": make(
            name_latin="Civilian Killed",
            is_civilian=True,
            status="killed",
            status_date=datetime.date(2022, 9, 13),
            home_region="Gegharkunik",
        ),
        "captured": make(
            name_latin="Captured One",
            party=world["aze"],
            status="captured",
            status_date=datetime.date(2022, 9, 18),
            home_region="Vayots Dzor",
        ),
        "old_war": make(
            name_latin="Old War",
            conflict=other,
            status="killed",
            status_date=datetime.date(2020, 10, 1),
        ),
    }


FILTER_CASES = [
    ({"conflict": "sept-2022"}, {"soldier", "civilian", "captured"}),
    ({"conflict": "karabakh-2020"}, {"old_war"}),
    ({"party": "AZE"}, {"captured"}),
    ({"status": "killed"}, {"civilian", "old_war"}),
    ({"status": ["missing", "captured"]}, {"soldier", "captured"}),
    ({"civilian": "true"}, {"civilian"}),
    ({"civilian": "false"}, {"soldier", "captured", "old_war"}),
    ({"region": "syun"}, {"soldier"}),
    ({"status_date_after": "2022-09-14"}, {"soldier", "captured"}),
    ({"status_date_before": "2022-09-13"}, {"civilian", "old_war"}),
    (
        {"status_date_after": "2022-09-13", "status_date_before": "2022-09-14"},
        {"soldier", "civilian"},
    ),
    ({"q": "captured one"}, {"captured"}),
    ({"conflict": "sept-2022", "status": "killed"}, {"civilian"}),
]


@pytest.mark.parametrize(("params", "expected"), FILTER_CASES)
def test_each_filter_narrows_the_list(anonymous_api, crowd, params, expected):
    response = anonymous_api.get(URL, params)

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {crowd[k] for k in expected}


def test_updated_since_lists_only_rows_changed_since(anonymous_api, crowd):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Person.objects.exclude(pk=crowd["captured"]).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = anonymous_api.get(URL, {"updated_since": since})

    assert [row["id"] for row in response.json()["results"]] == [crowd["captured"]]


@pytest.mark.parametrize("params", [{"status": "dead"}, {"status_date_after": "soon"}])
def test_a_bad_filter_value_is_a_400_in_the_error_shape(anonymous_api, crowd, params):
    response = anonymous_api.get(URL, params)

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert set(body["errors"]) == set(params)


def test_pages_are_stable_with_no_overlap_and_no_gap(anonymous_api, world):
    # Equal names and dates: only the id tie-breaker makes the order total.
    ids = {
        PersonFactory(
            conflict=world["conflict"], party=world["arm"], name_latin="Same", name_public=True
        ).pk
        for _ in range(5)
    }

    for ordering in (None, "status_date", "-name_latin"):
        params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}
        pages = [anonymous_api.get(URL, {**params, "page": n}).json() for n in (1, 2, 3)]
        seen = [row["id"] for page in pages for row in page["results"]]
        assert len(seen) == len(set(seen)) == 5, ordering
        assert set(seen) == ids
        assert pages[0]["count"] == 5 and pages[2]["next"] is None


def test_csv_has_a_header_and_every_filtered_row_not_one_page(anonymous_api, world, crowd):
    formula = '=HYPERLINK("http://evil.example","click")'
    PersonFactory(
        conflict=world["conflict"],
        party=world["arm"],
        full_name=formula,
        name_latin=formula,
        name_public=True,
    )
    for n in range(4):
        PersonFactory(conflict=world["conflict"], party=world["aze"], name_latin=f"Extra {n}")

    response = anonymous_api.get(URL, {"format": "csv", "page_size": 2, "party": "ARM"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == PUBLIC_FIELDS
    assert len(rows) == 1 + 4  # soldier, civilian, old war, formula; no AZE row, no paging
    by_name = {row[PUBLIC_FIELDS.index("name_latin")]: row for row in rows[1:]}
    assert by_name["'" + formula][PUBLIC_FIELDS.index("full_name")] == "'" + formula
    assert {row[PUBLIC_FIELDS.index("party")] for row in rows[1:]} == {"ARM"}


def test_a_clerks_csv_carries_the_restricted_fields(clerk_api, hidden):
    rows = rows_of(clerk_api.get(URL, {"format": "csv"}))

    header, row = rows
    assert "service_number" in header
    assert row[header.index("service_number")] == SECRETS["service_number"]


# --- Query counts and conditional GETs --------------------------------------------------------


def list_queries(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "clerk"])
def test_the_list_costs_the_same_number_of_queries_for_1_or_30_rows(api_for, world, role):
    client = api_for(role)
    PersonFactory(conflict=world["conflict"], party=world["arm"])
    few = list_queries(client)
    for _ in range(29):
        PersonFactory(conflict=world["conflict"], party=world["arm"])

    assert list_queries(client) == few
    assert list_queries(client, {"format": "csv"}) <= few


def test_the_list_query_count_is_pinned(anonymous_api, crowd, django_assert_max_num_queries):
    # The throttle count (1); the data version for the ETag (1); the planner's estimate of the
    # count (1), then the count (1); the page with conflict and party (1).
    with django_assert_max_num_queries(5):
        response = anonymous_api.get(URL, {"page_size": 50})
    assert response.json()["count"] == 4


def test_a_repeated_get_with_the_etag_is_304(journalist_api, person):
    first = journalist_api.get(URL)
    etag = first["ETag"]

    again = journalist_api.get(URL, HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag
    assert again.status_code == 304
    assert again.content == b""


def test_the_etag_differs_between_the_public_and_the_staff_tier(journalist_api, clerk_api, person):
    assert journalist_api.get(URL)["ETag"] != clerk_api.get(URL)["ETag"]
    etag = journalist_api.get(URL)["ETag"]
    assert clerk_api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200
