"""The public ledger pages: what a reader without a login sees, and what they never see."""

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.models import Statement
from ledger.charts import returned_bar, timeline_chart
from ledger.views import AS_OF_INVALID
from repatriation.choices import HandoverState, Identification, IdentificationMethod
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

ARM_PAGE = "/ledger/sept-2022/ARM/"
AZE_PAGE = "/ledger/sept-2022/AZE/"
INVALID_DATE = str(AS_OF_INVALID)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", stdout=StringIO())


class _TextOutsideSvg(HTMLParser):
    """The words a reader sees in the page body, charts left out (their coordinates are numbers
    too, and would make "this number is absent" assertions meaningless)."""

    def __init__(self):
        super().__init__()
        self.svg_depth = 0
        self.words = []

    def handle_starttag(self, tag, attrs):
        self.svg_depth += tag == "svg"

    def handle_endtag(self, tag):
        self.svg_depth -= tag == "svg"

    def handle_data(self, data):
        if not self.svg_depth and data.strip():
            self.words.append(data.strip())


def visible_text(response) -> str:
    parser = _TextOutsideSvg()
    parser.feed(response.content.decode())
    return " ".join(parser.words)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def table_rows(response) -> list[list[str]]:
    """Each table row as the text of its cells (th and td)."""
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.S)
    cell = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", flags=re.S)
    return [[_text(html) for html in cell.findall(row)] for row in rows]


def row_starting(response, label: str) -> list[str]:
    return next(row for row in table_rows(response) if row and row[0] == label)


def row_containing(response, text: str) -> list[str]:
    return next(row for row in table_rows(response) if text in row)


def key_figures(response) -> dict[str, str]:
    found = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", response.content.decode(), flags=re.S)
    return {_text(dt): _text(dd) for dt, dd in found}


# The list of ledgers ----------------------------------------------------------------------------


def test_the_home_page_redirects_to_the_ledger_list(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/ledger/"


def test_the_list_shows_each_ledger_with_its_totals_and_links_to_it(client, demo):
    response = client.get("/ledger/")

    assert response.status_code == 200
    arm = row_containing(response, "Armenia (ARM)")
    assert arm == [
        "September 2022 attack on Armenia",
        "Armenia (ARM)",
        "207",
        "127",
        "0",
        "80",
        "0",
    ]
    assert f'<a href="{ARM_PAGE}">Armenia (ARM)</a>' in response.content.decode()


def test_the_list_as_of_a_day_links_to_ledgers_as_of_that_day(client, demo):
    response = client.get("/ledger/", {"as_of": "2022-09-18"})

    arm = row_containing(response, "Armenia (ARM)")
    assert arm[2:] == ["—", "32", "0", "—", "0"]
    assert f'href="{ARM_PAGE}?as_of=2022-09-18"' in response.content.decode()


def test_the_list_rejects_a_malformed_date_with_a_form_error(client, demo):
    response = client.get("/ledger/", {"as_of": "yesterday"})

    assert response.status_code == 400
    assert INVALID_DATE in visible_text(response)
    assert "Armenia (ARM)" not in visible_text(response)


# One ledger ------------------------------------------------------------------------------------


def test_the_armenian_ledger_reads_as_the_worked_example(client, demo):
    response = client.get(ARM_PAGE)

    assert response.status_code == 200
    assert key_figures(response) == {
        "Official total (Killed or missing)": "207 of whom 5 civilians",
        "Returned in verified handovers": "127 remains",
        "Not returned": "80",
    }
    assert row_starting(response, "Killed or missing")[1:3] == ["207", "5"]
    assert row_starting(response, "Remains returned")[1] == "127"
    assert row_starting(response, "Injured")[1:3] == ["296", "3"]
    assert row_starting(response, "Captured")[1] == "20"
    assert "Security Council of Armenia" in row_starting(response, "Killed or missing")[4]
    citation = Statement.objects.get(source__name="Security Council of Armenia").citation_url
    assert f'<a href="{citation}" rel="noopener">' in response.content.decode()
    assert "No discrepancies found" in visible_text(response)


def test_the_ledger_page_draws_the_returned_bar_and_the_timeline_with_text_alternatives(
    client, demo
):
    response = client.get(ARM_PAGE)

    body = response.content.decode()
    bar, chart = re.findall(
        r"<svg [^>]*class=\"(?:returned-bar|timeline-chart)\".*?</svg>", body, flags=re.S
    )
    assert "<title" in bar
    assert "Returned (verified handovers): <strong>127</strong>" in body
    assert "Not returned: <strong>80</strong>" in body
    assert "<title" in chart and "<desc" in chart
    assert chart.count("<polyline") == 3
    assert row_starting(response, "Sept. 20, 2022") == ["Sept. 20, 2022", "207", "127", "127"]
    assert row_starting(response, "Sept. 17, 2022") == ["Sept. 17, 2022", "—", "—", "32"]


def test_the_azerbaijani_ledger_shows_its_self_reported_figures(client, demo):
    response = client.get(AZE_PAGE)

    assert response.status_code == 200
    assert row_starting(response, "Killed")[1] == "80"
    assert row_starting(response, "Injured")[1] == "282"
    assert "Ministry of Defence of Azerbaijan" in row_starting(response, "Killed")[4]
    # Its dated "killed" figure is the official total, and the chart draws it.
    assert "No data yet" not in response.content.decode()


def test_as_of_recomputes_the_ledger_for_that_day(client, demo):
    response = client.get(ARM_PAGE, {"as_of": "2022-09-18"})

    assert response.status_code == 200
    assert key_figures(response)["Returned in verified handovers"] == "32 remains"
    assert row_starting(response, "Remains received")[1] == "32"
    assert "Remains returned" not in visible_text(response)
    assert "127" not in visible_text(response).split()
    assert 'value="2022-09-18"' in response.content.decode()


def test_a_malformed_as_of_is_a_form_error_not_a_crash(client, demo):
    response = client.get(ARM_PAGE, {"as_of": "garbage"})

    assert response.status_code == 400
    text = visible_text(response)
    assert INVALID_DATE in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Traceback" not in text and "Official figures" not in text


@pytest.mark.parametrize("path", ["/ledger/no-such-war/ARM/", "/ledger/sept-2022/XYZ/"])
def test_an_unknown_conflict_or_party_is_not_found(client, demo, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in visible_text(response)


def test_the_pages_need_no_javascript_and_no_inline_styles(client, demo):
    for path in ("/ledger/", ARM_PAGE, AZE_PAGE):
        body = client.get(path).content.decode()

        # External scripts only, each an extra: the language switching on choice (the form's
        # button does it without), and the chart legend's (its links work without it).
        scripts = re.findall(r"<script[^>]*>", body)
        chart = [
            s for s in scripts if re.fullmatch(r'<script src="[^"]+/ledger_chart\.js" defer>', s)
        ]
        language = [
            s for s in scripts if re.fullmatch(r'<script src="[^"]+/language\.js" defer>', s)
        ]
        assert len(scripts) == len(chart) + len(language) and len(language) == 1, path
        assert len(chart) == (path != "/ledger/"), path
        assert not re.search(r"\son[a-z]+\s*=", body), path
        assert "style=" not in body
        assert '<html lang="en">' in body
        assert f'action="{reverse("set_language")}" method="post"' in body


def test_the_page_is_in_the_language_the_reader_chose(client, demo):
    client.post(reverse("set_language"), {"language": "ru", "next": ARM_PAGE})

    body = client.get(ARM_PAGE).content.decode()

    assert '<html lang="ru">' in body
    # Coordinates keep their decimal point whatever the language's decimal comma.
    assert not re.search(r'(?:x|y|cx|cy|width)="\d+,\d', body)


# Discrepancies and privacy ---------------------------------------------------------------------


@pytest.fixture
def small_ledger(db):
    """A conflict with an official total of 300 for one party, and one verified handover."""
    conflict = ConflictFactory(slug="test-war")
    party = PartyFactory(code="AAA", name="Alphaland")
    other = PartyFactory(code="BBB", name="Betaland")
    statement = StatementFactory(
        conflict=conflict,
        source=SourceFactory(name="Own ministry", party=party),
        citation_url="https://example.org/release",
    )
    FigureFactory(statement=statement, subject_party=party, value=300)
    handover = HandoverFactory(
        conflict=conflict,
        from_party=other,
        to_party=party,
        reported_count=10,
        state=HandoverState.VERIFIED,
        verified_by=UserFactory(),
        verified_at=timezone.now(),
    )
    return {
        "conflict": conflict,
        "party": party,
        "handover": handover,
        "path": "/ledger/test-war/AAA/",
    }


SECRETS = {
    "full_name": "Սեկրետ Անուն",
    "name_latin": "Sekret Anun",
    "service_number": "SN-SECRET-0042",
    "next_of_kin": "KIN-SECRET-mother",
    "contact": "+374-SECRET-55",
    "dna_reference": "DNA-SECRET-REF-7",
    "notes": "PERSON-SECRET-NOTE",
}


def test_no_name_or_restricted_field_appears_even_where_a_discrepancy_names_the_person(
    client, small_ledger
):
    person = PersonFactory(
        conflict=small_ledger["conflict"],
        party=small_ledger["party"],
        status=PersonStatus.CAPTURED,
        date_of_birth=datetime.date(1999, 1, 2),
        **SECRETS,
    )
    remains = RemainsFactory(
        handover=small_ledger["handover"],
        identification=Identification.CONFIRMED,
        person=person,
        method=IdentificationMethod.DNA,
        identified_on=datetime.date(2022, 9, 21),
        dna_sample_ref="SAMPLE-SECRET-9",
        notes="REMAINS-SECRET-NOTE",
    )

    response = client.get(small_ledger["path"])
    listing = client.get("/ledger/")

    body = response.content.decode()
    assert f"confirmed as person #{person.pk}" in visible_text(response)
    assert reverse("admin:casualties_person_change", args=[person.pk]) in body
    assert reverse("admin:repatriation_remains_change", args=[remains.pk]) in body
    for secret in [*SECRETS.values(), "SAMPLE-SECRET-9", "REMAINS-SECRET-NOTE", "1999"]:
        assert secret not in body
        assert secret not in listing.content.decode()


def test_a_discrepancy_is_told_in_words_and_links_to_the_handover(client, small_ledger):
    RemainsFactory.create_batch(7, handover=small_ledger["handover"])

    response = client.get(small_ledger["path"])

    handover = small_ledger["handover"]
    assert "was announced as 10 but 7 remains were logged" in visible_text(response)
    # The public handover page, not the admin (which would ask the reader to log in).
    public_page = f"/ledger/{small_ledger['conflict'].slug}/{small_ledger['party'].code}"
    assert f'href="{public_page}/handovers/{handover.pk}/"' in response.content.decode()
    assert "/admin/" not in response.content.decode()
    assert "No discrepancies found" not in visible_text(response)
    assert row_containing(client.get("/ledger/"), "Alphaland (AAA)")[-1] == "1"


def test_the_public_handover_page_has_a_plain_title_and_its_identification_section(
    client, small_ledger
):
    RemainsFactory.create_batch(3, handover=small_ledger["handover"])
    public_page = f"/ledger/{small_ledger['conflict'].slug}/{small_ledger['party'].code}"

    body = client.get(f"{public_page}/handovers/{small_ledger['handover'].pk}/").content.decode()

    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert "<" not in title and title.startswith(f"Handover #{small_ledger['handover'].pk}")
    main = body[body.index("<main") :]
    assert main.count('id="identification-heading"') == 1


# Query count -----------------------------------------------------------------------------------


def test_the_ledger_page_runs_as_many_queries_with_200_remains_as_with_10(
    client, small_ledger, django_assert_max_num_queries
):
    handover = small_ledger["handover"]
    RemainsFactory.create_batch(10, handover=handover)
    # One missing person: the references share is queried only when someone is missing.
    PersonFactory(conflict=small_ledger["conflict"], party=small_ledger["party"])
    with CaptureQueriesContext(connection) as with_10:
        assert client.get(small_ledger["path"]).status_code == 200

    persons = PersonFactory.create_batch(
        20, conflict=small_ledger["conflict"], party=small_ledger["party"]
    )
    RemainsFactory.create_batch(170, handover=handover)
    for person in persons:
        RemainsFactory(
            handover=handover,
            identification=Identification.CONFIRMED,
            person=person,
            identified_on=datetime.date(2022, 9, 21),
        )

    # Conflict and party lookups, the data version, then the ledger's eleven aggregate queries
    # (official figures, handovers with the timeline, confirmed remains, the persons by region,
    # basis and captivity, lowered figures, other claims, agreements, the median days held,
    # each authority's figures, the identification pipeline and its references share) and the
    # series.
    assert len(with_10) == 3 + 11 + 1
    with django_assert_max_num_queries(len(with_10)):
        response = client.get(small_ledger["path"])
    assert row_starting(response, "Remains received")[1] == "200"


def test_the_list_runs_as_many_queries_for_many_ledgers_as_for_one(
    client, small_ledger, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as one_ledger:
        client.get("/ledger/")
    for n in range(10):
        FigureFactory(
            statement=StatementFactory(source=SourceFactory(party=PartyFactory(code=f"X{n}"))),
            subject_party=PartyFactory(code=f"X{n}"),
        )

    with django_assert_max_num_queries(len(one_ledger)):
        response = client.get("/ledger/")
    assert len([row for row in table_rows(response) if "(X" in row[1]]) == 10


# The chart builders, as units ------------------------------------------------------------------

THREE_POINTS = [
    {
        "date": datetime.date(2022, 9, 17),
        "official_total": None,
        "official_returned": None,
        "received": 32,
    },
    {
        "date": datetime.date(2022, 9, 19),
        "official_total": 207,
        "official_returned": None,
        "received": 32,
    },
    {
        "date": datetime.date(2022, 9, 20),
        "official_total": 207,
        "official_returned": 127,
        "received": 127,
    },
]


def render_chart(timeline: list[dict]) -> ET.Element:
    chart = timeline_chart(timeline)
    html = render_to_string(
        "ledger/_timeline_chart.html", {"chart": chart, "ledger": {"timeline": timeline}}
    )
    svg = re.search(r"<svg .*?</svg>", html, flags=re.S).group(0)
    return ET.fromstring(svg)


def pairs(points: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in points.split()]


def test_the_timeline_chart_draws_every_point_inside_its_view_box():
    svg = render_chart(THREE_POINTS)

    _x, _y, width, height = map(float, svg.get("viewBox").split())
    lines = svg.iter(f"{SVG}polyline")
    points = [xy for line in lines for xy in pairs(line.get("points"))]
    points += [(float(c.get("cx")), float(c.get("cy"))) for c in svg.iter(f"{SVG}circle")]
    assert len(points) > 6
    assert all(0 <= x <= width and 0 <= y <= height for x, y in points)
    assert svg.find(f"{SVG}title").text
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"17 Sep 2022", "20 Sep 2022", "0", "200"} <= set(labels)


def test_the_timeline_chart_steps_and_higher_values_are_drawn_higher():
    chart = timeline_chart(THREE_POINTS)

    received = next(series for series in chart.series if series.key == "received")
    ((first_y, last_y),) = [(pairs(line)[0][1], pairs(line)[-1][1]) for line in received.lines]
    assert last_y < first_y  # 127 above 32: SVG's y grows downwards
    xs = [x for x, _y in pairs(received.lines[0])]
    assert xs == sorted(xs)
    official_total = next(series for series in chart.series if series.key == "official_total")
    assert [marker.value for marker in official_total.markers] == [207]


def test_an_empty_timeline_is_drawn_as_a_no_data_panel():
    svg = render_chart([])

    assert not list(svg.iter(f"{SVG}polyline"))
    assert "No data yet" in "".join(svg.itertext())
    assert svg.find(f"{SVG}desc").text


def test_a_one_day_timeline_is_centred_not_divided_by_zero():
    chart = timeline_chart(THREE_POINTS[2:])

    assert [tick.position for tick in chart.x_ticks] == [(chart.left + chart.right) / 2]
    assert all(line.count(",") == 2 for series in chart.series for line in series.lines)


def test_a_long_timeline_keeps_its_date_labels_apart_and_drops_the_dots():
    days = [datetime.date(2023, 1, 1) + datetime.timedelta(days=n) for n in range(400)]
    timeline = [
        {"date": day, "official_total": 1000 + n, "official_returned": None, "received": 3 * n}
        for n, day in enumerate(days)
    ]

    chart = timeline_chart(timeline)

    positions = [tick.position for tick in chart.x_ticks]
    assert [b - a >= 110 for a, b in itertools.pairwise(positions)] == [True] * (len(positions) - 1)
    assert chart.x_ticks[0].label == days[0] and chart.x_ticks[-1].label == days[-1]
    assert all(not series.markers for series in chart.series)
    assert chart.y_ticks[-1].label >= 1399


def test_the_returned_bar_splits_the_official_total_and_marks_an_overflow():
    bar = returned_bar(official_total=207, returned_min=120, returned_max=127, pending=5)

    assert [(s.key, s.value) for s in bar.segments] == [
        ("returned", 120),
        ("uncertain", 7),
        ("pending", 5),
        ("not_returned", 75),
    ]
    assert sum(s.width for s in bar.segments) == pytest.approx(1000, abs=0.5)
    assert bar.total_x is None

    over = returned_bar(official_total=100, returned_min=150, returned_max=150, pending=0)
    assert over.total_x == pytest.approx(666.7, abs=0.1)
    assert returned_bar(official_total=None, returned_min=1, returned_max=1, pending=0) is None
