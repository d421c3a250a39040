"""The staff page for status events (issue 16): check a file, then "Import now"; counts and
line errors as ``import_status_events`` prints them; the same file again changes nothing."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casualties.models import Person, StatusChange
from ledger.computation import ledger_for
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("casualties:status_events_import")
RUN = reverse("casualties:status_events_import_run")
EVENTS = "external_id,status,status_date,basis\n" + (
    "H-1,released,2023-11-24,exchange\n"
    "H-2,released,2023-11-25,exchange\n"
    "H-3,rescued,2024-06-08,\n"
    "H-4,killed,2024-01-10,official_notice\n"
)


@pytest.fixture
def war():
    conflict = ConflictFactory(slug="oct-2023", start_date=datetime.date(2023, 10, 7))
    party = PartyFactory(code="ISR")
    captives = [
        PersonFactory(
            conflict=conflict,
            party=party,
            external_id=f"H-{n}",
            status="captured",
            status_date=datetime.date(2023, 10, 7),
        )
        for n in range(1, 5)
    ]
    return {"conflict": conflict, "party": party, "captives": captives}


def upload(client, war, text, *, dry_run=True):
    data = {
        "conflict": war["conflict"].pk,
        "party": war["party"].pk,
        "file": SimpleUploadedFile("captives.csv", text.encode(), content_type="text/csv"),
    }
    if dry_run:
        data["dry_run"] = "on"
    return client.post(PAGE, data)


def counts(response) -> str:
    return re.search(r'id="import-counts"><strong>(.*?)</strong>', response.content.decode())[1]


def token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def statuses(war) -> list[str]:
    return [Person.objects.get(pk=p.pk).status for p in war["captives"]]


def test_a_clerk_checks_then_imports_and_the_ledger_counts_them(client, clerk, war):
    client.force_login(clerk)

    checked = upload(client, war, EVENTS)

    assert checked.status_code == 200
    assert counts(checked) == "4 events read; would be: 4 applied (0 corrections), 0 unchanged"
    assert statuses(war) == ["captured"] * 4
    assert StatusChange.objects.count() == 4

    imported = client.post(RUN, {"token": token(checked)})

    assert imported.status_code == 200
    assert counts(imported) == "4 events read; imported: 4 applied (0 corrections), 0 unchanged"
    assert 'name="token"' not in imported.content.decode()
    assert statuses(war) == ["released", "released", "released", "killed"]
    released = StatusChange.objects.get(person=war["captives"][0], status="released")
    assert (released.basis, released.recorded_by) == ("exchange", clerk)
    registry = ledger_for(conflict=war["conflict"], party=war["party"])["registry"]
    assert (registry["released"], registry["killed"], registry["captured"]) == (3, 1, 0)


def test_the_same_file_again_applies_nothing(client, clerk, war):
    client.force_login(clerk)
    client.post(RUN, {"token": token(upload(client, war, EVENTS))})
    before = StatusChange.objects.count()

    again = upload(client, war, EVENTS, dry_run=False)

    assert counts(again) == "4 events read; imported: 0 applied (0 corrections), 4 unchanged"
    assert StatusChange.objects.count() == before == 8


def test_a_forbidden_move_is_a_line_error_and_nothing_is_saved(client, clerk, war):
    client.force_login(clerk)
    text = EVENTS + "H-4,found_alive,2024-02-01,\n"

    response = upload(client, war, text, dry_run=False)

    page = response.content.decode()
    assert response.status_code == 200
    assert counts(response) == "Nothing imported: 1 line rejected."
    (error,) = re.findall(r"<li><code>(.*?)</code></li>", page)
    assert error.startswith("line 6, status: A person cannot go from “Killed” to “Found alive”")
    assert 'name="token"' not in page
    assert statuses(war) == ["captured"] * 4
    assert StatusChange.objects.count() == 4


def test_an_altered_or_foreign_check_imports_nothing(client, clerk, other_clerk, war):
    client.force_login(clerk)
    checked = token(upload(client, war, EVENTS))

    tampered = client.post(RUN, {"token": checked[:-2] + "xx"})
    client.force_login(other_clerk)
    foreign = client.post(RUN, {"token": checked})

    assert tampered.status_code == foreign.status_code == 302
    assert tampered["Location"] == PAGE
    assert StatusChange.objects.count() == 4


def test_bad_uploads_are_form_errors_not_server_errors(client, clerk, war):
    client.force_login(clerk)

    def post(name, content):
        return client.post(PAGE, {"conflict": war["conflict"].pk, "party": war["party"].pk,
                                  "file": SimpleUploadedFile(name, content)})  # fmt: skip

    not_csv = post("a.txt", b"x")
    not_utf8 = post("a.csv", b"\xff\xfe\x00")

    assert not_csv.status_code == 200
    assert "Choose a CSV file" in not_csv.content.decode()
    assert not_utf8.status_code == 200
    assert "not UTF-8" in not_utf8.content.decode()
    assert StatusChange.objects.count() == 4


def test_the_person_import_page_links_here_and_only_importers_may_use_it(
    client, clerk, journalist, war
):
    client.force_login(clerk)
    assert PAGE in client.get(reverse("casualties:person_import")).content.decode()
    assert client.get(PAGE).status_code == 200

    client.force_login(journalist)
    assert client.get(PAGE).status_code == 403
    assert client.post(RUN, {"token": "x"}).status_code == 403
