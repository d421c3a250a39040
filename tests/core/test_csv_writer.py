"""Every CSV the app writes escapes cells a spreadsheet would run as formulas: the API's
(tests/core/api/test_api_foundation.py) and the rejects of a person import, by one writer
(core/api/csv.py)."""

import csv
import io

import pytest

from casualties.importing.persons import persons_import
from core.api.csv import writer
from tests.factories import ConflictFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_the_writer_escapes_formulas_and_keeps_numbers():
    out = io.StringIO()

    writer(out).writerow(["=1+1", "@cmd", "+1", "-2", "Արամ", 7, None])

    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        "'=1+1",
        "'@cmd",
        "'+1",
        "'-2",
        "Արամ",
        "7",
        "",
    ]


def test_the_rejects_csv_of_an_import_escapes_formulas():
    text = (
        "full_name,status,status_date,notes\n"
        "=1+1,lost,2022-09-14,@cmd\n"
        "Արամ Սարգսյան,missing,2022-09-14,\n"
    )

    result = persons_import(
        file=io.BytesIO(text.encode()),
        conflict=ConflictFactory(),
        party=PartyFactory(),
        skip_invalid=True,
    )

    rows = list(csv.DictReader(io.StringIO(result.rejects_csv)))
    assert (result.imported, result.rejected) == (1, 1)
    assert [(row["full_name"], row["notes"], row["line"]) for row in rows] == [
        ("'=1+1", "'@cmd", "2")
    ]
    assert rows[0]["reason"].startswith("status:")
