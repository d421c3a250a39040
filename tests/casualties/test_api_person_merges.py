"""``/api/v1/persons/merges/``: which records were merged into which, for readers who sync
persons by ``updated_since`` and would otherwise never learn that a record went."""

import datetime

import pytest
from django.utils import timezone

from casualties.merging import person_merge
from casualties.models import Person, PersonMerge
from tests.api_clients import ROLES
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

URL = "/api/v1/persons/merges/"
HIDDEN_NAME = "Secret Hiddenname"
REASON = "Same service number SN-77 on both records"
STAFF_ONLY = ("merged_name", "reason", "merged_by")


@pytest.fixture
def merged(db, clerk):
    """Two merges in September 2022 / Armenia (one of a hidden name), one elsewhere."""
    arm = {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}
    other = {"conflict": ConflictFactory(slug="karabakh-2020"), "party": arm["party"]}
    pairs = []
    for scope, name in ((arm, "Aram Sargsyan"), (arm, HIDDEN_NAME), (other, "Davit Petrosyan")):
        keep = PersonFactory(**scope, full_name=name, name_public=True)
        drop = PersonFactory(**scope, full_name=name, name_public=name != HIDDEN_NAME)
        person_merge(keep=keep, drop=drop, user=clerk, reason=REASON)
        pairs.append((keep.pk, drop.pk))
    return pairs


@pytest.mark.parametrize("role", ROLES)
def test_everyone_learns_which_id_became_which(api_for, merged, role):
    response = api_for(role).get(URL)

    assert response.status_code == 200
    rows = response.json()["results"]
    staff = role in ("clerk", "verifier")
    # The public only of merges of two public names: the hidden record's id is unknown to it.
    expected = set(merged) if staff else {merged[0], merged[2]}
    assert {(row["person"], row["merged_id"]) for row in rows} == expected
    for row in rows:
        assert all((field in row) is staff for field in STAFF_ONLY)
    if staff:
        assert {row["reason"] for row in rows} == {REASON}
        assert HIDDEN_NAME in {row["merged_name"] for row in rows}


@pytest.mark.parametrize("format_", ["json", "csv"])
def test_the_public_never_sees_the_merged_name_nor_the_reason(api_for, merged, format_):
    response = api_for("anonymous").get(URL, {"format": format_})

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert HIDDEN_NAME.encode() not in body and REASON.encode() not in body
    assert str(merged[0][1]).encode() in body


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_the_merge_of_a_hidden_record_is_unknown_to_the_public(api_for, merged, role):
    _keep, hidden_drop = merged[1]

    one = api_for(role).get(f"{URL}{hidden_drop}/")
    listed = api_for(role).get(URL, {"format": "csv"})

    assert one.status_code == 404
    # By its id column: the times beside it are digits too.
    rows = b"".join(listed.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert str(hidden_drop) not in [row.split(",")[0] for row in rows] and rows
    assert api_for("clerk").get(f"{URL}{hidden_drop}/").json()["merged_name"] == HIDDEN_NAME


def test_a_merge_is_hidden_from_the_public_once_the_kept_name_is_hidden(api_for, merged):
    keep, drop = merged[0]
    Person.objects.filter(pk=keep).update(name_public=False)

    assert api_for("anonymous").get(f"{URL}{drop}/").status_code == 404
    assert api_for("clerk").get(f"{URL}{drop}/").status_code == 200


def test_merged_since_lists_only_later_merges(api_for, merged):
    earlier = timezone.now() - datetime.timedelta(days=3)
    PersonMerge.objects.filter(merged_id=merged[0][1]).update(merged_at=earlier)
    since = (earlier + datetime.timedelta(days=1)).isoformat()

    rows = api_for("clerk").get(URL, {"merged_since": since}).json()["results"]

    assert {row["merged_id"] for row in rows} == {merged[1][1], merged[2][1]}


def test_a_bad_moment_is_a_field_error(api_for, merged):
    response = api_for("anonymous").get(URL, {"merged_since": "yesterday"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["merged_since"]


def test_conflict_and_party_narrow_the_list(api_for, merged):
    rows = api_for("anonymous").get(URL, {"conflict": "karabakh-2020", "party": "ARM"}).json()

    assert [row["merged_id"] for row in rows["results"]] == [merged[2][1]]
    assert api_for("anonymous").get(URL, {"party": "AZE"}).json()["count"] == 0


def test_one_merge_is_read_by_the_old_id(api_for, merged):
    keep, drop = merged[0]

    found = api_for("anonymous").get(f"{URL}{drop}/")
    unknown = api_for("anonymous").get(f"{URL}{keep}/")
    not_a_number = api_for("anonymous").get(f"{URL}abc/")

    assert found.status_code == 200 and found.json()["person"] == keep
    assert unknown.status_code == 404 and not_a_number.status_code == 404


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
@pytest.mark.parametrize(("role", "refusal"), [("clerk", 403), ("admin", 405)])
def test_merges_are_not_written_through_the_api(api_for, merged, method, role, refusal):
    client = api_for(role)

    one = getattr(client, method)(f"{URL}{merged[0][1]}/", {}, format="json")
    listed = getattr(client, method)(URL, {}, format="json")

    assert (one.status_code, listed.status_code) == (refusal, refusal)
    assert PersonMerge.objects.count() == 3


def test_the_list_costs_a_fixed_number_of_queries(api_for, merged, django_assert_max_num_queries):
    client = api_for("clerk")
    # Knox's token look-ups (2), the user's groups for the role (1), throttle (1), data
    # version (1), the planner's estimate then the exact count (2), the page with who merged (1).
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.json()["count"] == 3
