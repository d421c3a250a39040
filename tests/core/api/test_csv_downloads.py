"""CSV downloads: a byte-order mark unless ``?bom=0``, a file name saying what and when, and
with ``?hxl=1`` an HXL hashtag row that the HXL standard's own library reads."""

import datetime
import io

import hxl
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casualties.choices import FigureCategory, PersonStatus
from core.api.csv import HXL_TAGS
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    PartyFactory,
    PersonFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(db):
    conflict = ConflictFactory(slug="sept-2022")
    party = PartyFactory(code="ARM")
    PersonFactory(
        conflict=conflict,
        party=party,
        full_name="Արամ Սարգսյան",
        name_public=True,
        home_region="Syunik",
        status=PersonStatus.KILLED,
    )
    PersonFactory(conflict=conflict, party=party, name_public=False, home_region="Tavush")
    return conflict, party


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_download_starts_with_a_byte_order_mark_unless_asked_not_to(persons):
    client = APIClient()
    with_bom = body_of(client.get("/api/v1/persons/", {"format": "csv"}))
    without = body_of(client.get("/api/v1/persons/", {"format": "csv", "bom": "0"}))

    assert with_bom.startswith(b"\xef\xbb\xbf" + b"id,conflict,party")
    assert without.startswith(b"id,conflict,party")
    assert "Արամ Սարգսյան" in with_bom.decode("utf-8-sig")
    assert with_bom[3:] == without


def test_the_file_name_says_what_which_scope_and_when(persons):
    client = APIClient()
    today = timezone.localdate().isoformat()

    scoped = client.get(
        "/api/v1/persons/", {"format": "csv", "conflict": "sept-2022", "party": "ARM"}
    )
    unscoped = client.get("/api/v1/statements/", {"format": "csv"})
    hostile = client.get("/api/v1/persons/", {"format": "csv", "party": 'A"R\r\nM'})

    assert scoped["Content-Disposition"] == (
        f'attachment; filename="persons_sept-2022_ARM_{today}.csv"'
    )
    assert unscoped["Content-Disposition"] == f'attachment; filename="statements_{today}.csv"'
    assert hostile.status_code == 200
    assert hostile["Content-Disposition"] == f'attachment; filename="persons_A-R--M_{today}.csv"'


def test_the_hxl_row_parses_with_libhxl_and_carries_the_documented_tags(persons):
    response = APIClient().get("/api/v1/persons/", {"format": "csv", "hxl": "1"})
    data = hxl.data(io.BytesIO(body_of(response)))
    rows = list(data)

    assert "#adm1+name" in data.display_tags
    assert "#affected+name" in data.display_tags
    assert "#date+status" in data.display_tags
    assert len(rows) == 2
    regions = sorted(row.get("#adm1+name") for row in rows)
    assert regions == ["Syunik", "Tavush"]
    # The hidden name stays hidden in the tagged file too.
    names = sorted(row.get("#affected+name") or "" for row in rows)
    assert names == ["", "Արամ Սարգսյան"]


def test_without_hxl_there_is_no_hashtag_row(persons):
    body = body_of(APIClient().get("/api/v1/persons/", {"format": "csv"})).decode("utf-8-sig")
    assert "#" not in body.splitlines()[1]


def test_the_ledger_timeline_csv_is_tagged_by_series(db):
    conflict = ConflictFactory(slug="sept-2022")
    party = PartyFactory(code="ARM")
    source = SourceFactory(party=party)
    for day, value in ((19, 100), (25, 150)):
        statement = StatementFactory(
            conflict=conflict,
            source=source,
            as_of=datetime.date(2022, 9, day),
            issued_on=datetime.date(2022, 9, day),
        )
        FigureFactory(
            statement=statement,
            subject_party=party,
            category=FigureCategory.KILLED_OR_MISSING,
            value=value,
        )

    url = "/api/v1/ledger/sept-2022/ARM/timeline/"
    response = APIClient().get(url, {"format": "csv", "hxl": "1"})

    assert response.status_code == 200
    body = body_of(response)
    assert body.startswith(b"\xef\xbb\xbf")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="ledger-timeline_sept-2022_ARM_{today}.csv"'
    )
    data = hxl.data(io.BytesIO(body))
    assert {"#date", "#affected+num", "#indicator+category"} <= set(data.display_tags)
    stated = [
        (row.get("#date"), row.get("#affected+num"))
        for row in data
        if row.get("#indicator+category") == "killed_or_missing"
    ]
    assert stated == [("2022-09-19", "100"), ("2022-09-25", "150")]


def test_every_documented_tag_is_in_the_readme():
    with open("README.md", encoding="utf-8") as readme:
        text = readme.read()
    missing = [tag for tag in set(HXL_TAGS.values()) if f"`{tag}`" not in text]
    assert missing == []
