"""Numbered releases: frozen files, counts against the previous release, a verifiable chain."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from ledger.models import Release
from ledger.releases import release_dir
from repatriation.choices import HandoverState
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def releases_dir(settings, tmp_path):
    settings.RELEASES_DIR = tmp_path / "releases"
    return settings.RELEASES_DIR


@pytest.fixture
def scope(db):
    conflict = ConflictFactory(slug="sept-2022")
    party = PartyFactory(code="ARM")
    source = SourceFactory(party=party)
    return conflict, party, source


def publish() -> Release:
    call_command("publish_release", stdout=io.StringIO())
    return Release.objects.order_by("-number").first()


def records(number: int, name: str) -> list[dict]:
    return json.loads((release_dir(number) / f"{name}.json").read_text(encoding="utf-8"))


def test_the_second_release_counts_what_is_new_changed_and_removed(scope):
    conflict, party, source = scope
    statement = StatementFactory(conflict=conflict, source=source)
    FigureFactory(statement=statement, subject_party=party, value=207)
    gone = StatementFactory(conflict=conflict, source=source)
    changed = PersonFactory(conflict=conflict, party=party, name_public=True, rank="")
    PersonFactory(conflict=conflict, party=party, name_public=False, full_name="Hidden Name")
    first = publish()

    assert first.number == 1 and first.previous_sha256 == ""
    assert first.counts["persons"] == {"new": 2, "changed": 0, "removed": 0}
    assert first.counts["statements"] == {"new": 2, "changed": 0, "removed": 0}
    assert first.counts["ledgers"] == {"new": 1, "changed": 0, "removed": 0}
    # Only public fields are frozen: a hidden name is not in the files.
    assert "Hidden Name" not in (release_dir(1) / "persons.json").read_text(encoding="utf-8")

    gone.delete()
    changed.rank = "Sergeant"
    changed.save()
    PersonFactory(conflict=conflict, party=party)
    PersonFactory(conflict=conflict, party=party)
    HandoverFactory(conflict=conflict, to_party=party, state=HandoverState.DRAFT)
    second = publish()

    assert second.number == 2
    assert second.previous_sha256 == first.manifest_sha256
    assert second.counts["persons"] == {"new": 2, "changed": 1, "removed": 0}
    assert second.counts["statements"] == {"new": 0, "changed": 0, "removed": 1}
    assert second.counts["handovers"] == {"new": 0, "changed": 0, "removed": 0}  # a draft
    assert [p["rank"] for p in records(2, "persons") if p["id"] == changed.pk] == ["Sergeant"]
    assert [p["rank"] for p in records(1, "persons") if p["id"] == changed.pk] == [""]
    manifest = json.loads((release_dir(2) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_manifest_sha256"] == first.manifest_sha256
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((release_dir(2) / name).read_bytes()).hexdigest() == digest


def test_verify_releases_names_the_first_edited_file(scope):
    conflict, party, source = scope
    StatementFactory(conflict=conflict, source=source)
    publish()
    publish()
    out = io.StringIO()
    call_command("verify_releases", stdout=out)
    assert "2 releases verified" in out.getvalue()

    path = release_dir(1) / "statements.json"
    path.write_text(path.read_text(encoding="utf-8").replace("Press release", "Press relea5e"))

    with pytest.raises(CommandError) as refused:
        call_command("verify_releases", stdout=io.StringIO())
    assert str(refused.value) == (
        "Release 1: statements.json does not match its SHA-256 in manifest.json."
    )


def test_a_rewritten_manifest_breaks_the_chain(scope):
    publish()
    publish()
    path = release_dir(1) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["data_version"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(CommandError, match="Release 1: manifest.json was changed"):
        call_command("verify_releases", stdout=io.StringIO())


def test_the_pages_list_releases_and_serve_their_files_for_good(client, scope):
    conflict, party, source = scope
    StatementFactory(conflict=conflict, source=source)
    publish()
    PersonFactory(conflict=conflict, party=party)
    publish()

    listing = client.get("/releases/")
    detail = client.get("/releases/2/")
    file = client.get("/releases/2/persons.json")

    assert listing.status_code == detail.status_code == file.status_code == 200
    assert '<a href="/releases/2/">Release 2</a>' in listing.content.decode()
    assert Release.objects.get(number=2).manifest_sha256 in detail.content.decode()
    assert "immutable" in file["Cache-Control"] and "max-age=31536000" in file["Cache-Control"]
    assert len(json.loads(b"".join(file.streaming_content))) == 1
    for missing in ("/releases/3/", "/releases/2/../1/persons.json", "/releases/2/secret.json"):
        assert client.get(missing).status_code == 404, missing
