"""/api/v1/agreements/: read by anyone, written by clerks through the services, filtered."""

import csv
import datetime
import io

import pytest

from repatriation.models import Agreement
from tests.factories import AgreementFactory, ConflictFactory, PartyFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/agreements/"


@pytest.fixture
def setting(db):
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
        "icrc": PartyFactory(code="ICRC"),
    }


@pytest.fixture
def agreement(setting):
    return AgreementFactory(
        conflict=setting["conflict"],
        name="Remains for remains",
        party_a=setting["arm"],
        party_b=setting["aze"],
        mediator=setting["icrc"],
        count_to_a=100,
        count_to_b=80,
        citation="Joint statement, 15 Sep 2022",
    )


def payload(**extra):
    return {
        "conflict": "sept-2022",
        "name": "6,000 for 6,000",
        "kind": "prisoners",
        "concluded_on": "2022-10-01",
        "party_a": "ARM",
        "party_b": "AZE",
        "mediator": "ICRC",
        "count_to_a": 6000,
        "count_to_b": 6000,
        "citation": "Press release, 1 Oct 2022",
        **extra,
    }


MATRIX = {
    "list": {"anonymous": 200, "journalist": 200, "clerk": 200, "verifier": 200},
    "read": {"anonymous": 200, "journalist": 200, "clerk": 200, "verifier": 200},
    "create": {"anonymous": 401, "journalist": 403, "clerk": 201, "verifier": 201},
    "change": {"anonymous": 401, "journalist": 403, "clerk": 200, "verifier": 200},
    "delete": {"anonymous": 401, "journalist": 403, "clerk": 403, "verifier": 403},
}


def perform(action, client, agreement):
    return {
        "list": lambda: client.get(URL),
        "read": lambda: client.get(f"{URL}{agreement.pk}/"),
        "create": lambda: client.post(URL, payload(), format="json"),
        "change": lambda: client.patch(f"{URL}{agreement.pk}/", {"count_to_b": 90}),
        "delete": lambda: client.delete(f"{URL}{agreement.pk}/"),
    }[action]()


@pytest.mark.parametrize("role", ["anonymous", "journalist", "clerk", "verifier"])
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_may_do_what_design_section_5_allows(api_for, agreement, action, role):
    response = perform(action, api_for(role), agreement)

    assert response.status_code == MATRIX[action][role], response.content
    allowed = response.status_code < 400
    agreement.refresh_from_db()
    assert agreement.count_to_b == (90 if action == "change" and allowed else 80)
    assert Agreement.objects.count() == (2 if action == "create" and allowed else 1)


def test_an_agreement_names_its_conflict_by_slug_and_parties_by_code(anonymous_api, agreement):
    body = anonymous_api.get(f"{URL}{agreement.pk}/").json()

    assert body == {
        "id": agreement.pk,
        "conflict": "sept-2022",
        "name": "Remains for remains",
        "kind": "remains",
        "concluded_on": "2022-09-15",
        "party_a": "ARM",
        "party_b": "AZE",
        "mediator": "ICRC",
        "count_to_a": 100,
        "count_to_b": 80,
        "citation": "Joint statement, 15 Sep 2022",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_a_clerk_records_an_agreement(clerk_api, setting):
    response = clerk_api.post(URL, payload(), format="json")

    assert response.status_code == 201, response.content
    saved = Agreement.objects.get()
    assert response.json()["id"] == saved.pk
    assert (saved.conflict, saved.party_a, saved.party_b, saved.mediator) == (
        setting["conflict"],
        setting["arm"],
        setting["aze"],
        setting["icrc"],
    )
    assert (saved.kind, saved.count_to_a, saved.concluded_on) == (
        "prisoners",
        6000,
        datetime.date(2022, 10, 1),
    )


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"party_b": "ARM"}, {"non_field_errors": ["An agreement needs two different parties."]}),
        ({"party_a": "XYZ"}, {"party_a": ["Object with code=XYZ does not exist."]}),
        ({"conflict": "nowhere"}, {"conflict": ["Object with slug=nowhere does not exist."]}),
        ({"count_to_a": -1}, {"count_to_a": ["Ensure this value is greater than or equal to 0."]}),
    ],
)
def test_an_invalid_agreement_is_a_400_with_field_errors(clerk_api, setting, change, errors):
    response = clerk_api.post(URL, payload(**change), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert Agreement.objects.count() == 0


def test_patch_applies_the_model_rules(clerk_api, agreement):
    response = clerk_api.patch(f"{URL}{agreement.pk}/", {"party_a": "AZE"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]
    agreement.refresh_from_db()
    assert agreement.party_a.code == "ARM"


@pytest.fixture
def spread(setting):
    karabakh = ConflictFactory(slug="karabakh-2020")
    arm, aze, icrc = setting["arm"], setting["aze"], setting["icrc"]
    made = {
        "remains-2022": AgreementFactory(
            conflict=setting["conflict"], name="Remains deal", party_a=arm, party_b=aze
        ),
        "prisoners-2022": AgreementFactory(
            conflict=setting["conflict"],
            name="Prisoner swap",
            kind="prisoners",
            concluded_on=datetime.date(2022, 12, 1),
            party_a=aze,
            party_b=arm,
        ),
        "other-2020": AgreementFactory(
            conflict=karabakh,
            name="Ceasefire annex",
            concluded_on=datetime.date(2020, 11, 10),
            party_a=aze,
            party_b=icrc,
        ),
    }
    return {name: agreement.pk for name, agreement in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["prisoners-2022", "remains-2022", "other-2020"]),
        ({"conflict": "sept-2022"}, ["prisoners-2022", "remains-2022"]),
        ({"party": "ARM"}, ["prisoners-2022", "remains-2022"]),
        ({"party": "ICRC"}, ["other-2020"]),
        ({"kind": "prisoners"}, ["prisoners-2022"]),
        (
            {"concluded_on_after": "2022-01-01", "concluded_on_before": "2022-10-01"},
            ["remains-2022"],
        ),
        ({"q": "SWAP"}, ["prisoners-2022"]),
        ({"ordering": "concluded_on"}, ["other-2020", "remains-2022", "prisoners-2022"]),
        ({"updated_since": "2999-01-01T00:00:00Z"}, []),
    ],
)
def test_filters_narrow_the_list(anonymous_api, spread, query, expected):
    response = anonymous_api.get(URL, query)

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [spread[n] for n in expected]


def test_the_csv_holds_every_filtered_row(journalist_api, spread):
    response = journalist_api.get(URL, {"format": "csv", "page_size": 1, "party": "AZE"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == ["Prisoner swap", "Remains deal", "Ceasefire annex"]
    assert rows[0]["party_a"] == "AZE"


def test_the_list_takes_the_same_queries_whatever_the_data(
    anonymous_api, setting, django_assert_max_num_queries
):
    AgreementFactory(conflict=setting["conflict"], party_a=setting["arm"], party_b=setting["aze"])
    # throttle count, data version, the planner's estimate then the exact count, agreements
    # joined to their conflict and parties
    with django_assert_max_num_queries(5) as few:
        assert anonymous_api.get(URL).status_code == 200
    for _ in range(10):
        AgreementFactory(
            conflict=setting["conflict"], party_a=setting["arm"], party_b=setting["aze"]
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert anonymous_api.get(URL).json()["count"] == 11
