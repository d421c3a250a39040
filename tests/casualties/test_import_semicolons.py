"""Files saved by a European Excel: a byte-order mark, cells split by ``;`` (the comma is its
decimal sign), lines ended by CRLF. The delimiter is read from the header line, so such a file
imports like a comma-separated one, through the commands and the upload page alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from procrastinate.contrib.django import procrastinate_app as django_app
from procrastinate.testing import InMemoryConnector

from casualties.importing.common import delimiter_of
from casualties.importing.person_rows import REQUIRED_VALUE
from casualties.models import Figure, Person, PersonImport, Statement
from tests.casualties.task_queue import run_queued
from tests.factories import SourceFactory


def excel(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


PERSONS = excel(
    "full_name;name_latin;status;status_date;rank",
    "Արամ Սարգսյան;Sargsyan, Aram;missing;2022-09-14;private",
    '"Иван; Петров";;killed;2022-09-13;"sergeant, 2nd class"',
)
PERSONS_BAD = excel(
    "full_name;status;status_date",
    "Արամ Սարգսյան;missing;2022-09-14",
    ";missing;2022-09-14",
    "Հայկ Ավետիսյան;lost;2022-09-14",
)
STATEMENTS = excel(
    "date;party;category;value;civilians;qualifier;citation_title;citation_url;note",
    "2022-09-19;ARM;killed_or_missing;207;5;;Security Council, 19 Sep;;",
    "2022-09-19;ARM;injured;296;3;about;;;",
)


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b,c", ","),
        ("a;b;c\r\n", ";"),
        ('"name, full";status', ";"),  # the comma is inside a quoted cell
        ("a\tb\tc", "\t"),
        ("a;b,c", ","),  # a comma outside quotes: a comma-separated file, as before
        ("full_name", ","),
        ("a;b\tc;d", ";"),
        ("a;b\nc,d,e", ";"),  # only the header line counts
    ],
)
def test_the_delimiter_is_read_from_the_header_line(header, delimiter):
    assert delimiter_of(header) == delimiter


def write(tmp_path, data: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_semicolon_person_file_is_imported_by_the_command(tmp_path, setting):
    out = io.StringIO()

    call_command(
        "import_persons", write(tmp_path, PERSONS, "excel.csv"), conflict="sept-2022",
        party="ARM", no_progress=True, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip

    assert "2 rows read; imported: 2 new" in out.getvalue()
    stored = dict(Person.objects.values_list("full_name", "name_latin"))
    assert stored == {"Արամ Սարգսյան": "Sargsyan, Aram", "Иван; Петров": "Ivan; Petrov"}
    assert Person.objects.get(full_name="Иван; Петров").rank == "sergeant, 2nd class"


def test_bad_rows_of_a_semicolon_file_are_named_by_their_line(tmp_path, setting):
    err = io.StringIO()

    with pytest.raises(Exception, match="Nothing imported"):
        call_command(
            "import_persons", write(tmp_path, PERSONS_BAD, "bad.csv"), conflict="sept-2022",
            party="ARM", no_progress=True, stdout=io.StringIO(), stderr=err,
        )  # fmt: skip

    lines = err.getvalue().splitlines()
    assert lines[0] == f"line 3, column full_name: {REQUIRED_VALUE}"
    assert lines[1].startswith("line 4, column status: ")
    assert not Person.objects.exists()


def test_a_semicolon_statements_file_is_imported_by_the_command(tmp_path, setting):
    SourceFactory(name="Security Council", party=setting["arm"])
    out = io.StringIO()

    call_command(
        "import_statements", write(tmp_path, STATEMENTS, "figures.csv"),
        conflict="sept-2022", source="Security Council", stdout=out,
    )  # fmt: skip

    assert out.getvalue().startswith("Created 1 statements with 2 figures")
    assert Statement.objects.get().citation_title == "Security Council, 19 Sep"
    assert sorted(Figure.objects.values_list("category", "value", "civilians")) == [
        ("injured", 296, 3),
        ("killed_or_missing", 207, 5),
    ]


def test_a_semicolon_person_file_is_imported_through_the_upload_page(client, clerk, setting):
    client.force_login(clerk)
    data = {
        "conflict": setting["conflict"].pk,
        "party": setting["arm"].pk,
        "file": SimpleUploadedFile("excel.csv", PERSONS, content_type="text/csv"),
    }
    with django_app.current_app.replace_connector(InMemoryConnector()) as app:
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("casualties:person_import"), data)
        run_queued(app.connector)

    job = PersonImport.objects.get()
    # Our own columns, read as such: no mapping page for a header split wrongly.
    assert response["Location"] == reverse("casualties:person_import_detail", args=[job.pk])
    assert (job.state, job.column_map, job.imported, job.error_count) == ("done", [], 2, 0)
    assert Person.objects.get(full_name="Иван; Петров").rank == "sergeant, 2nd class"
    page = client.get(response["Location"]).content.decode()
    assert "2 new, 0 updated, 0 unchanged, 0 rejected" in page
