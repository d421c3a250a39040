"""Handover import (issue 16): a remains file becomes one draft, or nothing, with line errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from repatriation.choices import HandoverState
from repatriation.importing import handover_import
from repatriation.models import Handover, Remains
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
# What one file costs, whatever its length (a query per row would be hundreds).
QUERIES_FOR_ANY_FILE = 40
HEADER = "case_number,condition,identification,person,method,identified_on,notes\n"
ARGS = ["--conflict", "sept-2022", "--from", "AZE", "--to", "ARM", "--date", "2022-09-20"]


def good_file(tmp_path, rows=300):
    body = "".join(f",complete,unidentified,,,,bag {n}\n" for n in range(rows))
    path = tmp_path / "remains.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def bad_file(tmp_path, person):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + f"A-1,complete,confirmed,{person.pk},dna,2022-09-21,\n"
        + "A-2,whole,unidentified,,,,\n"
        + "A-3,partial,confirmed,99999,dna,2022-13-01,\n",
        encoding="utf-8",
    )
    return path


def test_a_300_row_file_becomes_one_draft_with_300_remains(
    tmp_path, setting, clerk, capsys, django_assert_max_num_queries
):
    path = good_file(tmp_path)
    # Set-wise: the persons named and the rows' checks cost a few queries, not one per row
    # (bench/handover_import.py times it).
    with django_assert_max_num_queries(QUERIES_FOR_ANY_FILE):
        call_command(
            "import_handover", str(path), *ARGS, "--reported-count", "300", "--user", "clerk"
        )

    handover = Handover.objects.get()
    assert handover.state == HandoverState.DRAFT
    assert handover.entered_by == clerk
    assert handover.remains.count() == 300
    assert f"300 rows read: draft handover #{handover.pk} saved with 300 remains" in (
        capsys.readouterr().out
    )


def test_a_bad_file_gives_line_column_and_cell_and_saves_nothing(
    tmp_path, setting, clerk, missing_soldier, capsys
):
    path = bad_file(tmp_path, missing_soldier)
    with pytest.raises(CommandError, match="3 rows read, 3 errors: nothing saved"):
        call_command(
            "import_handover", str(path), *ARGS, "--reported-count", "3", "--user", "clerk"
        )

    err = capsys.readouterr().err
    assert "line 3, column condition: " in err and "“whole”" in err
    assert "line 4, column person: No person with this record number. (cell: “99999”)" in err
    assert "line 4, column identified_on: " in err and "2022-13-01" in err
    assert not Handover.objects.exists() and not Remains.objects.exists()


def test_a_person_of_the_receiving_party_is_linked_by_record_number(
    tmp_path, setting, clerk, missing_soldier
):
    path = bad_file(tmp_path, missing_soldier)
    path.write_text(HEADER + f"A-1,complete,confirmed,{missing_soldier.pk},dna,2022-09-21,\n")
    call_command("import_handover", str(path), *ARGS, "--reported-count", "1", "--user", "clerk")

    remains = Remains.objects.get()
    assert remains.person == missing_soldier and remains.case_number == "A-1"
    # A draft records nothing on the person yet (DESIGN §5).
    missing_soldier.refresh_from_db()
    assert missing_soldier.status != "killed"


def test_a_person_of_another_party_is_a_line_error(tmp_path, setting, clerk, capsys):
    stranger = PersonFactory(conflict=setting["conflict"], party=setting["aze"])
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f",complete,presumptive,{stranger.pk},dna,2022-09-21,\n")
    with pytest.raises(CommandError):
        call_command(
            "import_handover", str(path), *ARGS, "--reported-count", "1", "--user", "clerk"
        )
    assert "line 2, column person: " in capsys.readouterr().err
    assert not Handover.objects.exists()


def test_an_unknown_column_refuses_the_file(tmp_path, setting, clerk, capsys):
    path = tmp_path / "f.csv"
    path.write_text("case_number,colour\nA,red\n")
    with pytest.raises(CommandError):
        call_command(
            "import_handover", str(path), *ARGS, "--reported-count", "1", "--user", "clerk"
        )
    assert "line 1, column (file): Unknown column(s): colour." in capsys.readouterr().err


def test_a_recovery_is_imported_without_a_from_party(tmp_path, setting, clerk):
    path = good_file(tmp_path, rows=2)
    args = ["--conflict", "sept-2022", "--to", "ARM", "--date", "2022-09-20", "--kind", "recovery"]
    call_command("import_handover", str(path), *args, "--reported-count", "2", "--user", "clerk")

    handover = Handover.objects.get()
    assert handover.kind == "recovery" and handover.from_party is None
    assert handover.remains.count() == 2


def upload(setting, path, **extra):
    return {
        "file": SimpleUploadedFile("remains.csv", path.read_bytes(), "text/csv"),
        "conflict": "sept-2022",
        "kind": "remains",
        "from_party": "AZE",
        "to_party": "ARM",
        "date": "2022-09-20",
        "reported_count": "3",
        **extra,
    }


def test_the_upload_page_shows_the_commands_counts_and_errors(
    client, tmp_path, setting, clerk, missing_soldier, capsys
):
    path = bad_file(tmp_path, missing_soldier)
    with pytest.raises(CommandError):
        call_command(
            "import_handover", str(path), *ARGS, "--reported-count", "3", "--user", "clerk"
        )
    command_errors = [line for line in capsys.readouterr().err.splitlines() if line]

    client.force_login(clerk)
    response = client.post("/handovers/import/", upload(setting, path))

    assert response.status_code == 400
    page = response.content.decode()
    assert "3 rows read, 3 errors: nothing saved." in page
    result = handover_import(path.read_bytes(), user=clerk, **fields(setting))
    assert [f"line {e.line}, column {e.column}: {e.reason}" for e in result.errors] == (
        command_errors
    )
    for error in result.errors:
        assert f"<code>{error.column}</code>" in page
    assert not Handover.objects.exists()


def fields(setting):
    import datetime

    return {
        "conflict": setting["conflict"],
        "from_party": setting["aze"],
        "to_party": setting["arm"],
        "date": datetime.date(2022, 9, 20),
        "reported_count": 3,
        "kind": "remains",
    }


def test_the_upload_page_saves_a_draft_and_opens_it(client, tmp_path, setting, clerk):
    client.force_login(clerk)
    response = client.post("/handovers/import/", upload(setting, good_file(tmp_path, rows=3)))

    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == f"/handovers/{handover.pk}/"
    assert handover.remains.count() == 3 and handover.entered_by == clerk


def test_a_journalist_cannot_upload(client, tmp_path, setting, journalist):
    client.force_login(journalist)
    response = client.post("/handovers/import/", upload(setting, good_file(tmp_path, rows=1)))
    assert response.status_code == 403
    assert not Handover.objects.exists()
