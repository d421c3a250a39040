"""GET /api/v1/ledger/…: the demo figures, errors as JSON, conditional requests."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from casualties.models import Party, Person
from repatriation.models import Handover, Remains

pytestmark = pytest.mark.django_db

URL = "/api/v1/ledger/sept-2022/ARM/"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", stdout=io.StringIO())


def test_the_armenian_ledger_reads_as_the_design_says(client, demo):
    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["conflict"], body["party"], body["as_of"]) == ("sept-2022", "ARM", None)
    official = body["official"]
    assert official["killed_or_missing"]["value"] == 207
    assert official["killed_or_missing"]["civilians"] == 5
    assert official["killed_or_missing"]["qualifier"] == "exact"
    assert official["killed_or_missing"]["as_of"] == "2022-09-19"
    assert official["killed_or_missing"]["source"] == "Security Council of Armenia"
    assert (official["injured"]["value"], official["injured"]["civilians"]) == (296, 3)
    assert official["captured"]["value"] == 20
    assert official["remains_returned"]["value"] == 127
    assert official["killed"] is None
    assert body["returned"]["handovers"] == 2
    assert body["returned"]["received"] == 127
    assert body["outstanding"]["official_total"] == 207
    assert body["outstanding"]["not_returned_min"] == 80
    assert body["outstanding"]["not_returned_max"] == 80
    assert body["discrepancies"] == []
    for key in ("registry", "other_claims", "agreements", "timeline"):
        assert key in body


def test_the_azerbaijani_ledger_shows_its_own_figures(client, demo):
    body = client.get("/api/v1/ledger/sept-2022/AZE/").json()
    assert body["official"]["killed"]["value"] == 80
    assert body["official"]["injured"]["value"] == 282
    # Killed alone is the official total where "killed or missing" is never stated (§4).
    assert body["outstanding"]["official_total"] == 80
    assert body["outstanding"]["official_total_categories"] == ["killed"]


def test_as_of_gives_the_ledger_as_it_stood_that_day(client, demo):
    body = client.get(URL, {"as_of": "2022-09-18"}).json()
    assert body["as_of"] == "2022-09-18"
    assert body["returned"]["received"] == 32
    assert body["official"]["killed_or_missing"] is None


def test_a_malformed_as_of_is_a_400_saying_what_is_wrong(client, demo):
    response = client.get(URL, {"as_of": "19/09/2022"})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "Invalid input.",
        "errors": {
            "as_of": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
        },
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/ledger/nowhere/ARM/", "There is no conflict “nowhere”."),
        ("/api/v1/ledger/sept-2022/XYZ/", "There is no party “XYZ”."),
        ("/api/v1/ledger/nowhere/ARM/timeline/", "There is no conflict “nowhere”."),
    ],
)
def test_an_unknown_conflict_or_party_is_a_404_json(client, demo, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == message


def test_the_summary_lists_every_ledger(client, demo):
    body = client.get("/api/v1/ledger/").json()
    rows = {(r["conflict"], r["party"]): r for r in body["results"]}
    arm = rows[("sept-2022", "ARM")]
    assert arm == {
        "conflict": "sept-2022",
        "conflict_name": "September 2022 attack on Armenia",
        "party": "ARM",
        "party_name": "Armenia",
        "official_total": 207,
        "received": 127,
        "pending": 0,
        "not_returned_min": 80,
        "not_returned_max": 80,
        "discrepancy_count": 0,
    }
    assert body["count"] == len(body["results"])


def test_the_timeline_endpoint(client, demo):
    body = client.get(URL + "timeline/").json()
    assert body["timeline"] == [
        {"date": "2022-09-17", "official_total": None, "official_returned": None, "received": 32},
        {"date": "2022-09-19", "official_total": 207, "official_returned": None, "received": 32},
        {"date": "2022-09-20", "official_total": 207, "official_returned": 127, "received": 127},
    ]


@pytest.fixture
def committed_demo(transactional_db):
    """The demo data really committed: the data version only moves when a write commits."""
    call_command("seed_demo", "--force", stdout=io.StringIO())


def test_a_matching_etag_gets_304_until_a_change_commits(client, committed_demo):
    first = client.get(URL)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    Party.objects.filter(code="ARM").update(name="Republic of Armenia")
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_write_rolled_back_does_not_change_the_etag(client, committed_demo):
    etag = client.get(URL)["ETag"]
    with pytest.raises(RuntimeError), transaction.atomic():
        Party.objects.filter(code="ARM").update(name="Never committed")
        raise RuntimeError
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_cached_ledger_is_recomputed_once_new_data_commits(
    client, committed_demo, django_assert_max_num_queries
):
    assert client.get(URL).json()["returned"]["received"] == 127
    # throttle count, data version, conflict, party, and the cached ledger: none of the
    # seven aggregates
    with django_assert_max_num_queries(1 + 3 + 1):
        assert client.get(URL).json()["returned"]["received"] == 127

    handover = Handover.objects.filter(to_party__code="ARM").first()
    Remains.objects.create(handover=handover, case_number="2022-09-20/999")

    body = client.get(URL).json()
    assert body["returned"]["received"] == 128
    assert [d["code"] for d in body["discrepancies"]] == [
        "handover_count_mismatch",
        "official_returned_mismatch",
    ]


def test_no_restricted_field_reaches_the_ledger(client, demo):
    secrets = ["SECRET-DNA-7731", "SECRET-SN-5512", "SECRET-NOTE-9090"]
    Person.objects.update(dna_reference=secrets[0], service_number=secrets[1], notes=secrets[2])
    Remains.objects.update(dna_sample_ref=secrets[0], notes=secrets[2])

    bodies = [
        client.get(url).content.decode()
        for url in ("/api/v1/ledger/", URL, URL + "timeline/", URL + "?as_of=2022-09-20")
    ]

    for body in bodies:
        for secret in secrets:
            assert secret not in body


def test_the_ledger_endpoint_runs_a_fixed_number_of_queries(
    client, demo, django_assert_max_num_queries
):
    # throttle count; data version (ETag); conflict; party; cached ledger lookup, then the
    # seven ledger aggregates, the identification pipeline and its references share, and the
    # cache write (cull count, read, write)
    with django_assert_max_num_queries(1 + 1 + 2 + 1 + 7 + 2 + 3):
        assert client.get(URL).status_code == 200
