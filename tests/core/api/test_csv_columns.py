"""A serializer's ``csv_columns`` (read straight from the database) say exactly what its JSON
says: same columns, same values — so the fast CSV path cannot leak or drift."""

import csv
import datetime
import io

import pytest
from rest_framework.test import APIClient

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def as_csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("tier", ["public", "staff"])
def test_the_persons_csv_matches_the_json_row_for_row(tier, clerk):
    PersonFactory(full_name="Published Name", name_public=True, dna_reference="DNA-X")
    PersonFactory(
        full_name="Hidden Name",
        name_public=False,
        date_of_birth=datetime.date(1999, 1, 2),
        service_number="SN-1",
    )
    client = APIClient()
    if tier == "staff":
        client.force_authenticate(clerk)

    json_rows = client.get("/api/v1/persons/", {"ordering": "id"}).json()["results"]
    response = client.get("/api/v1/persons/", {"ordering": "id", "format": "csv"})
    csv_rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )

    assert len(csv_rows) == len(json_rows) == 2
    for json_row, csv_row in zip(json_rows, csv_rows, strict=True):
        assert list(csv_row) == list(json_row)
        assert csv_row == {key: as_csv_cell(value) for key, value in json_row.items()}
