"""GET /api/v1/changes/: a mirror that replays the feed holds exactly the public lists."""

import datetime

import pytest
from rest_framework.test import APIClient

from casualties.merging import person_merge
from casualties.services import person_create, person_update
from ledger.api.change_feed import decode_cursor, encode_cursor
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    PartyFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

RESOURCES = {
    "conflicts": "slug",
    "parties": "code",
    "sources": "id",
    "statements": "id",
    "persons": "id",
}


class Mirror:
    """What a reader keeps by replaying the feed and fetching what it names."""

    def __init__(self, client):
        self.client = client
        self.cursor = None
        self.records: dict[tuple[str, str], dict] = {}
        self.seen: list[dict] = []

    def sync(self, page_size=3):
        while True:
            query = {"page_size": page_size}
            if self.cursor:
                query["since"] = self.cursor
            response = self.client.get("/api/v1/changes/", query)
            assert response.status_code == 200, response.content
            body = response.json()
            for entry in body["results"]:
                self.seen.append(entry)
                self.apply(entry)
            self.cursor = body["next"]
            if not body["more"]:
                return

    def apply(self, entry):
        key = (entry["resource"], str(entry["id"]))
        self.records.pop(key, None)
        if entry["action"] in ("deleted", "merged"):
            assert set(entry) <= {"resource", "id", "action", "at", "merged_into"}
            return
        if entry["resource"] not in RESOURCES:
            return
        response = self.client.get(f"/api/v1/{entry['resource']}/{entry['id']}/")
        if response.status_code == 200:
            self.records[key] = response.json()

    def of(self, resource):
        return {key[1]: body for key, body in self.records.items() if key[0] == resource}


def public_lists(client):
    lists = {}
    for resource, key in RESOURCES.items():
        rows = client.get(f"/api/v1/{resource}/", {"page_size": 1000}).json()["results"]
        lists[resource] = {str(row[key]): row for row in rows}
    return lists


def assert_mirror_is_exact(mirror, client):
    mirror.sync()
    for resource, rows in public_lists(client).items():
        assert mirror.of(resource) == rows, resource


def actions(mirror, resource, record_id):
    return [
        entry["action"]
        for entry in mirror.seen
        if entry["resource"] == resource and str(entry["id"]) == str(record_id)
    ]


def test_a_mirror_replaying_the_feed_equals_the_public_lists_after_each_step():
    client = APIClient()
    mirror = Mirror(client)
    conflict = ConflictFactory(slug="sept-2022")
    party = PartyFactory(code="ARM")
    source = SourceFactory(party=party)
    when = {"status": "missing", "status_date": datetime.date(2022, 9, 14)}

    # Create.
    kept = person_create(
        conflict=conflict, party=party, full_name="Aram Sargsyan", name_public=True, **when
    )
    other = person_create(
        conflict=conflict, party=party, full_name="Aram Sarkisyan", name_public=True, **when
    )
    statement = StatementFactory(conflict=conflict, source=source)
    FigureFactory(statement=statement, subject_party=party, value=207)
    assert_mirror_is_exact(mirror, client)
    assert mirror.of("persons")[str(kept.pk)]["full_name"] == "Aram Sargsyan"

    # Update.
    person_update(person=kept, data={"rank": "Sergeant"})
    FigureFactory(statement=statement, subject_party=party, category="injured", value=296)
    assert_mirror_is_exact(mirror, client)
    assert mirror.of("persons")[str(kept.pk)]["rank"] == "Sergeant"

    # Hide a name: a tombstone, then the record without its name.
    person_update(person=kept, data={"name_public": False})
    assert_mirror_is_exact(mirror, client)
    assert actions(mirror, "persons", kept.pk)[-1] == "unpublished"
    assert mirror.of("persons")[str(kept.pk)]["full_name"] is None
    person_update(person=kept, data={"name_public": True})

    # Merge: the dropped record goes, naming the one it became.
    person_merge(keep=kept, drop=other, user=UserFactory(), reason="Same service number")
    assert_mirror_is_exact(mirror, client)
    merged = [e for e in mirror.seen if e["action"] == "merged"]
    assert merged == [
        {
            "resource": "persons",
            "id": other.pk,
            "action": "merged",
            "at": merged[0]["at"],
            "merged_into": kept.pk,
        }
    ]

    # Delete.
    statement_id = statement.pk
    statement.delete()
    assert_mirror_is_exact(mirror, client)
    assert actions(mirror, "statements", statement_id)[-1] == "deleted"
    assert str(statement_id) not in mirror.of("statements")


def test_a_hidden_merge_is_a_plain_deletion():
    conflict, party = ConflictFactory(), PartyFactory()
    when = {"status": "missing", "status_date": datetime.date(2022, 9, 14)}
    kept = person_create(conflict=conflict, party=party, full_name="A B", name_public=True, **when)
    hidden = person_create(conflict=conflict, party=party, full_name="C D", **when)
    person_merge(keep=kept, drop=hidden, user=UserFactory(), reason="Same person")

    mirror = Mirror(APIClient())
    mirror.sync()

    assert actions(mirror, "persons", hidden.pk) == ["created", "deleted"]
    assert all("merged_into" not in entry for entry in mirror.seen)


def test_the_cursor_is_opaque_and_bad_input_is_a_400():
    client = APIClient()
    assert decode_cursor(encode_cursor(12, 34)) == (12, 34)
    for since in ("garbage", "2026-13-45T00:00:00Z", "Yz"):
        response = client.get("/api/v1/changes/", {"since": since})
        assert response.status_code == 400, since
        assert "since" in response.json()["errors"]
    assert client.get("/api/v1/changes/", {"since": "\x00"}).status_code == 400
    assert client.get("/api/v1/changes/", {"page_size": "0"}).status_code == 400


def test_since_a_time_starts_at_the_changes_written_from_then_on():
    ConflictFactory(slug="before")
    client = APIClient()
    everything = client.get("/api/v1/changes/").json()["results"]
    moment = datetime.datetime.now(datetime.UTC)
    ConflictFactory(slug="after")

    later = client.get(
        "/api/v1/changes/", {"since": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    ).json()["results"]

    assert {"resource": "conflicts", "id": "before"}.items() <= everything[0].items()
    assert [(e["resource"], e["id"], e["action"]) for e in later] == [
        ("conflicts", "after", "created")
    ]
