"""The person import tells one story whichever way a list comes in: the upload page in a real
browser and ``manage.py import_persons`` report the same counts and the same line errors for
one file, and a clean list the same number of new persons."""

import io
import re
from contextlib import nullcontext

import pytest
from django.core.management import CommandError, call_command
from playwright.sync_api import expect
from procrastinate.contrib.django import procrastinate_app as django_app
from procrastinate.testing import InMemoryConnector

from casualties.models import Person
from core.tiers import CLERK
from tests.casualties.task_queue import run_queued
from tests.factories import ConflictFactory, PartyFactory, UserFactory

PASSWORD = "pass-for-tests"  # UserFactory's
HEADER = "full_name,status,status_date,service_number\n"
WITH_TWO_BAD_ROWS = HEADER + (
    "Արամ Սարգսյան,missing,2022-09-14,SN-1\n"
    ",missing,2022-09-14,SN-2\n"  # line 3: no name
    "Иван Петров,killed,2022-09-13,\n"
    "Հայկ Ավետիսյան,lost,2022-09-14,\n"  # line 5: no such status
)
CLEAN = HEADER + (
    "Դավիթ Հակոբյան,missing,2022-09-14,SN-3\n"
    "Вардан Григорян,killed,2022-09-13,\n"
    "Գոռ Մկրտչյան,captured,2022-09-15,SN-4\n"
)
# The command's last line: "4 rows read; would be: 0 new, …, 2 rejected; 2 errors; …".
COMMAND_COUNTS = re.compile(r"^(\d+) rows read; (?:would be|imported): (.+?); ([\d,]+) errors;")


@pytest.fixture
def scene(transactional_db):
    """Committed rows (the live server runs in another thread) and an in-memory task queue,
    run here by ``run_queued`` once the page has queued the job."""
    ConflictFactory(slug="sept-2022", name="September 2022")
    PartyFactory(code="ARM", name="Armenia")
    PartyFactory(code="AZE", name="Azerbaijan")
    UserFactory(username="importer", groups=[CLERK])
    with django_app.current_app.replace_connector(InMemoryConnector()) as app:
        yield app.connector


def upload(page, base, queue, text: str, *, party: str, dry_run: bool):
    page.goto(f"{base}/persons/import/")
    page.locator("#id_conflict").select_option(label="September 2022")
    page.locator("#id_party").select_option(label=f"{party_name(party)} ({party})")
    page.locator("#id_file").set_input_files(
        files=[{"name": "list.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    if dry_run:
        page.locator("#id_dry_run").check()
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#import-progress")).to_be_visible()
    run_queued(queue)
    # The page's own script polls the job and reloads once it has finished.
    expect(page.locator("#import-counts")).to_be_visible(timeout=10_000)


def party_name(code: str) -> str:
    return {"ARM": "Armenia", "AZE": "Azerbaijan"}[code]


def command(tmp_path, text: str, *, party: str, dry_run: bool, refused: bool):
    """What ``import_persons`` prints: its summary line, and its "line N, column …" errors
    (a refused list ends in a CommandError, after both are written)."""
    path = tmp_path / f"list-{party}.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    options = {"conflict": "sept-2022", "party": party, "dry_run": dry_run, "no_progress": True}
    expected = pytest.raises(CommandError, match="Nothing imported") if refused else nullcontext()
    with expected:
        call_command("import_persons", path, stdout=out, stderr=err, **options)
    errors = [line for line in err.getvalue().splitlines() if line.startswith("line ")]
    return out.getvalue().strip(), errors


def page_counts(page) -> tuple[str, str, str]:
    # The list the counts stand in opens with "N rows read".
    rows = page.locator("#import-counts").locator("xpath=..").locator("li").first.inner_text()
    error_caption = page.locator("main table caption")
    errors = error_caption.inner_text().split()[0] if error_caption.count() else "0"
    return rows.split()[0], page.locator("#import-counts").inner_text().strip(), errors


def page_errors(page) -> list[str]:
    cells = page.locator("main table tbody tr").all()
    return [
        "line {}, column {}: {}".format(*(cell.inner_text() for cell in row.locator("td").all()))
        for row in cells
    ]


def test_the_page_and_the_command_agree_on_a_list(page, live_server, scene, tmp_path):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("importer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # A list with two bad rows: checked on the page, and by the command's dry run.
    upload(page, base, scene, WITH_TWO_BAD_ROWS, party="ARM", dry_run=True)
    said, errors = command(tmp_path, WITH_TWO_BAD_ROWS, party="ARM", dry_run=True, refused=True)

    rows, counts, error_count = COMMAND_COUNTS.match(said).groups()
    assert (rows, counts, error_count) == ("4", "0 new, 0 updated, 0 unchanged, 2 rejected", "2")
    assert page_counts(page) == (rows, counts, error_count)
    assert [line.split(",")[0] for line in errors] == ["line 3", "line 5"]
    assert page_errors(page) == errors
    assert not Person.objects.exists()

    # A clean list: imported on the page into one party, by the command into another.
    upload(page, base, scene, CLEAN, party="ARM", dry_run=False)
    said, errors = command(tmp_path, CLEAN, party="AZE", dry_run=False, refused=False)

    rows, counts, error_count = COMMAND_COUNTS.match(said).groups()
    assert (rows, counts, error_count, errors) == (
        "3",
        "3 new, 0 updated, 0 unchanged, 0 rejected",
        "0",
        [],
    )
    assert page_counts(page) == (rows, counts, error_count)
    assert Person.objects.filter(party__code="ARM").count() == 3
    assert Person.objects.filter(party__code="AZE").count() == 3
