"""What a journalist needs from a ledger (issue 17): the official total from any stated
category, every series, each authority apart, take-away links, the public handover page, and
person counts that never single anyone out."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.models import Figure, Statement
from casualties.services import person_change_status
from ledger.computation import ledger_for
from repatriation.choices import HandoverState, Identification, RemainsCondition
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1/ledger/war/AAA/"
PAGE = "/ledger/war/AAA/"


@pytest.fixture
def war(db):
    conflict = ConflictFactory(slug="war", start_date=D(2020, 1, 1))
    party, other = PartyFactory(code="AAA", name="Alphaland"), PartyFactory(code="BBB")
    return {"conflict": conflict, "party": party, "other": other}


def state(war, source, as_of, **values):
    statement = StatementFactory(
        conflict=war["conflict"], source=source, as_of=as_of, issued_on=as_of
    )
    for category, value in values.items():
        FigureFactory(
            statement=statement, subject_party=war["party"], category=category, value=value
        )
    return statement


def test_a_party_stating_only_killed_and_injured_over_1000_dates_has_a_total_and_a_chart(
    client, war
):
    ministry = SourceFactory(name="Health ministry", party=war["party"])
    days = [D(2021, 1, 1) + datetime.timedelta(days=n) for n in range(1000)]
    statements = Statement.objects.bulk_create(
        Statement(
            conflict=war["conflict"],
            source=ministry,
            as_of=day,
            issued_on=day,
            citation_title="Daily report",
        )
        for day in days
    )
    Figure.objects.bulk_create(
        Figure(statement=s, subject_party=war["party"], category=category, value=value)
        for n, s in enumerate(statements)
        for category, value in (("killed", 10 + n), ("injured", 30 + 2 * n))
    )

    ledger = client.get(API).json()
    assert ledger["outstanding"]["official_total"] == 1009
    assert ledger["outstanding"]["official_total_categories"] == ["killed"]
    series = {s["key"]: s for s in client.get(API + "timeline/").json()["series"]}
    assert set(series) == {"killed", "injured"}
    assert len(series["killed"]["points"]) == 1000
    assert series["killed"]["points"][-1] == {"date": "2023-09-27", "value": 1009}
    page = client.get(PAGE).content.decode()
    assert "No data yet" not in page
    chart = re.search(r'<svg [^>]*class="timeline-chart".*?</svg>', page, flags=re.S).group(0)
    assert chart.count("<polyline") == 1  # killed (the headline); injured is a switch away
    assert ">1,009</text>" in chart  # the last value labelled at the line's end
    assert "lines=killed&amp;lines=injured" in page


def test_two_authorities_are_told_apart(client, war):
    ministry = SourceFactory(name="Ministry", party=war["party"])
    media = SourceFactory(name="Media office", party=war["party"])
    claimant = SourceFactory(name="Their staff", party=war["other"])
    state(war, ministry, D(2022, 1, 1), killed=100)
    state(war, media, D(2022, 1, 2), killed=140)
    state(war, ministry, D(2022, 1, 3), killed=110)
    state(war, claimant, D(2022, 1, 3), killed=900)

    ledger = client.get(API).json()
    assert [s["name"] for s in ledger["sources"]] == ["Media office", "Ministry"]
    assert ledger["sources"][0]["figures"]["killed"]["value"] == 140
    assert (ledger["official"]["killed"]["value"], ledger["official"]["killed"]["source"]) == (
        110,
        "Ministry",
    )
    media_only = client.get(API, {"source": "Media office"}).json()
    assert media_only["official"]["killed"]["value"] == 140
    assert media_only["outstanding"]["official_total"] == 140
    assert client.get(API, {"source": "Their staff"}).status_code == 404
    series = client.get(API + "timeline/").json()["series"]
    official = {s["source"]: s for s in series if s["kind"] == "official"}
    assert [p["value"] for p in official["Ministry"]["points"]] == [100, 110]
    assert [p["value"] for p in official["Media office"]["points"]] == [140]
    assert [s["points"][0]["value"] for s in series if s["kind"] == "claim"] == [900]
    page = client.get(PAGE, {"source": "Media office"})
    assert page.status_code == 200 and "Figures from Media office only." in page.content.decode()


def test_the_take_away_links_return_what_they_say_and_the_permalink_holds(client, war):
    ministry = SourceFactory(name="Ministry", party=war["party"])
    state(war, ministry, D(2022, 1, 1), killed_or_missing=50)
    page = client.get(PAGE).content.decode()
    links = dict(
        re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', page)[i][::-1] for i in range(3)
    )
    ledger_json = client.get(links["ledger (JSON)"].replace("&amp;", "&")).json()
    assert ledger_json["outstanding"]["official_total"] == 50
    csv = client.get(links["timeline (CSV)"].replace("&amp;", "&"))
    body = b"".join(csv.streaming_content).decode().lstrip("\ufeff")
    assert "war,AAA,2022-01-01,killed_or_missing" in body
    svg = client.get(links["chart (SVG)"].replace("&amp;", "&"))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<polyline" in svg.content
    version = re.search(r"data version (\d+)", page).group(1)
    assert f"Data version {version}." in page  # "Cite this"
    assert "Ministry" in re.search(r'class="citation">(.*?)</p>', page, flags=re.S).group(1)
    permalink = re.search(r'<a href="([^"]+)" rel="bookmark">', page).group(1)
    assert f"v={version}" in permalink
    before = client.get(permalink.replace("&amp;", "&")).content.decode()

    state(war, ministry, D(2022, 1, 1) + datetime.timedelta(days=5000), killed_or_missing=90)

    after = client.get(permalink.replace("&amp;", "&")).content.decode()
    summary = r'<dl class="key-figures">.*?</dl>'
    assert re.search(summary, after, re.S).group(0) == re.search(summary, before, re.S).group(0)
    assert ">90<" not in re.search(summary, after, re.S).group(0)


def test_a_region_with_3_killed_shows_less_than_5_publicly_and_3_to_staff(client, war):
    for _n in range(3):
        PersonFactory(
            conflict=war["conflict"],
            party=war["party"],
            home_region="Syunik",
            status=PersonStatus.KILLED,
        )
    for _n in range(6):
        PersonFactory(conflict=war["conflict"], party=war["party"], home_region="Tavush")

    public = client.get(API).json()
    regions = {row["region"]: row for row in public["registry"]["by_region"]}
    assert regions["Syunik"]["killed"] == "<5"
    assert regions["Tavush"]["missing"] == 6
    assert public["registry"]["killed"] == "<5"
    assert public["disclosure"] == {"min_cell": 5, "suppressed": True}
    assert "&lt; 5" in client.get(PAGE).content.decode()
    assert ">3<" not in client.get(PAGE).content.decode()

    staff = Client()
    staff.force_login(UserFactory(is_superuser=True, is_staff=True))
    exact = staff.get(API).json()
    assert {row["region"]: row for row in exact["registry"]["by_region"]}["Syunik"]["killed"] == 3


def test_a_small_registry_above_the_official_total_is_not_counted_out_in_a_discrepancy(client, war):
    source = SourceFactory(party=war["party"])
    state(war, source, D(2020, 2, 1), killed=2)
    for _n in range(3):
        PersonFactory(conflict=war["conflict"], party=war["party"], status=PersonStatus.KILLED)

    public = client.get(API).json()
    (item,) = [d for d in public["discrepancies"] if d["code"] == "registry_exceeds_official_total"]
    assert item["recorded"] == "<5" and item["official_total"] == 2
    assert "3 persons" not in item["message"] and item["message"].startswith("<5 persons")
    assert public["disclosure"]["suppressed"] is True

    staff = Client()
    staff.force_login(UserFactory(is_superuser=True, is_staff=True))
    exact = staff.get(API).json()
    assert [d["recorded"] for d in exact["discrepancies"]] == [3]


def test_captives_and_coverage(war):
    clerk = UserFactory(is_superuser=True)
    people = [PersonFactory(conflict=war["conflict"], party=war["party"]) for _n in range(3)]
    for person in people:
        person_change_status(
            person=person, status="captured", effective_date=D(2022, 10, 1), user=clerk
        )
    person_change_status(
        person=people[0], status="released", effective_date=D(2022, 10, 11), user=clerk
    )
    person_change_status(
        person=people[1], status="killed", effective_date=D(2022, 10, 31), user=clerk
    )
    state(war, SourceFactory(party=war["party"]), D(2022, 11, 1), killed_or_missing=10)

    ledger = ledger_for(conflict=war["conflict"], party=war["party"], as_of=D(2022, 11, 10))
    assert ledger["captives"] == {
        "ever_captured": 3,
        "released": 1,
        "killed": 1,
        "still_held": 1,
        "median_days_held": 30.0,
    }
    assert ledger["coverage"] == {"named": 1, "official_total": 10, "ratio": 0.1}


def test_the_public_handover_page_shows_verified_handovers_only(client, war):
    sides = {"conflict": war["conflict"], "from_party": war["other"], "to_party": war["party"]}
    verified = HandoverFactory(
        **sides,
        state=HandoverState.VERIFIED,
        verified_by=UserFactory(),
        verified_at=timezone.now(),
        reported_count=3,
    )
    RemainsFactory.create_batch(2, handover=verified, condition=RemainsCondition.COMPLETE)
    RemainsFactory(
        handover=verified,
        condition=RemainsCondition.PARTIAL,
        identification=Identification.UNIDENTIFIED,
    )
    draft = HandoverFactory(**sides)

    page = client.get(f"{PAGE}handovers/{verified.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Handover #{verified.pk}" in text and "Remains logged" in text
    assert client.get(f"{PAGE}handovers/{draft.pk}/").status_code == 404
    assert client.get(f"/ledger/war/BBB/handovers/{verified.pk}/").status_code == 404
    assert verified.entered_by.username not in text
