"""``import_statements``: a series of official figures, one statement per date, all or nothing."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casualties.importing.common import ImportRefused
from casualties.importing.qualifiers import qualifier_choices
from casualties.importing.statements import statements_import
from casualties.models import Figure, Statement
from ledger.computation import ledger_for
from tests.factories import ConflictFactory, PartyFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

StatementEvent = apps.get_model("casualties", "StatementEvent")
FigureEvent = apps.get_model("casualties", "FigureEvent")
HEADER = "date,party,category,value,civilians,qualifier,citation_title,citation_url,note\n"


@pytest.fixture
def arm():
    return PartyFactory(code="ARM", name="Armenia")


@pytest.fixture
def conflict():
    return ConflictFactory(slug="sept-2022", start_date=datetime.date(2015, 1, 1))


@pytest.fixture
def source(arm):
    return SourceFactory(name="Ministry of Defence", party=arm)


def run(conflict, source, text: str, format: str = "csv", **options):
    return statements_import(
        conflict=conflict, source=source, file=io.StringIO(text), format=format, **options
    )


def figures():
    return sorted(
        Figure.objects.values_list(
            "statement__as_of", "subject_party__code", "category", "value", "civilians", "qualifier"
        )
    )


def errors_of(conflict, source, text: str, format: str = "csv") -> list[str]:
    with pytest.raises(ImportRefused) as excinfo:
        run(conflict, source, text, format)
    return [str(error) for error in excinfo.value.errors]


def test_a_csv_makes_one_statement_per_date_with_its_figures(conflict, source, arm):
    PartyFactory(code="AZE")
    text = HEADER + (
        "2022-09-19,ARM,killed_or_missing,207,5,,Security Council,https://example.org/a,\n"
        "2022-09-19,ARM,Injured,296,3,about,,,\n"
        "2022-09-20,AZE,killed,80,,at least,,,reported\n"
    )

    result = run(conflict, source, text)

    assert (result.statements, result.figures, result.skipped_dates) == (2, 3, [])
    day1, day2 = Statement.objects.order_by("as_of")
    assert (day1.issued_on, day1.as_of, day1.source, day1.conflict) == (
        datetime.date(2022, 9, 19),
        datetime.date(2022, 9, 19),
        source,
        conflict,
    )
    assert (day1.citation_title, day1.citation_url) == ("Security Council", "https://example.org/a")
    assert (day2.citation_title, day2.note) == ("Ministry of Defence, 2022-09-20", "reported")
    assert figures() == [
        (day1.as_of, "ARM", "injured", 296, 3, "approximately"),
        (day1.as_of, "ARM", "killed_or_missing", 207, 5, "exact"),
        (day2.as_of, "AZE", "killed", 80, None, "at_least"),
    ]


def test_json_rows_may_give_issued_on_and_as_of_apart(conflict, source):
    rows = [
        {
            "issued_on": "2022-09-20",
            "as_of": "2022-09-19",
            "party": "ARM",
            "category": "captured",
            "value": 20,
            "qualifier": "~",
        },
    ]

    result = run(conflict, source, json.dumps(rows), "json")

    statement = Statement.objects.get()
    assert result.statements == 1
    assert (statement.issued_on, statement.as_of) == (
        datetime.date(2022, 9, 20),
        datetime.date(2022, 9, 19),
    )
    assert figures() == [(statement.as_of, "ARM", "captured", 20, None, "approximately")]


def daily_series(days: int, start=datetime.date(2020, 1, 1)) -> str:
    lines = [
        f"{start + datetime.timedelta(n)},ARM,killed_or_missing,{n},,,,,\n" for n in range(days)
    ]
    return HEADER + "".join(lines)


def test_1200_daily_figures_go_in_with_a_constant_number_of_queries(conflict, source):
    text = daily_series(1200)

    with CaptureQueriesContext(connection) as queries:
        result = run(conflict, source, text)

    assert (result.statements, result.figures) == (1200, 1200)
    assert Statement.objects.filter(conflict=conflict, source=source).count() == 1200
    assert Figure.objects.filter(statement__source=source).count() == 1200
    sql = [query["sql"] for query in queries.captured_queries]
    # One transaction (a savepoint inside the test's own): the parties, the source locked,
    # the dates it already stated, two statement INSERTs (1,000 a batch), one figure INSERT.
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1
    assert sum('INSERT INTO "casualties_statement"' in s for s in sql) == 2
    assert sum('INSERT INTO "casualties_figure"' in s for s in sql) == 1
    assert len(sql) <= 8


def test_a_decrease_in_the_series_shows_in_the_ledger(client, conflict, source, arm):
    text = HEADER + (
        "2022-09-19,ARM,killed_or_missing,100,,,,,\n"
        "2022-09-20,ARM,killed_or_missing,120,,,,,\n"
        "2022-09-21,ARM,killed_or_missing,110,,,,,\n"
    )
    run(conflict, source, text)

    ledger = ledger_for(conflict=conflict, party=arm)
    decreased = [d for d in ledger["discrepancies"] if d["code"] == "figure_decreased"]
    assert [(d["previous_value"], d["value"]) for d in decreased] == [(120, 110)]
    response = client.get("/api/v1/ledger/sept-2022/ARM/")
    assert response.status_code == 200
    codes = [d["code"] for d in response.json()["discrepancies"]]
    assert codes == ["figure_decreased"]


def test_every_bad_row_is_reported_by_line_and_column_and_nothing_is_saved(conflict, source):
    text = HEADER + (
        "2022-09-19,XYZ,killed,1,,,,,\n"  # line 2
        "2022-09-19,ARM,dead,1,,,,,\n"
        "2022-09-19,ARM,injured,-4,,,,,\n"
        "2022-13-01,ARM,injured,4,,,,,\n"
        "2022-09-20,ARM,injured,4,5,,,,\n"
        "2022-09-20,ARM,killed,4,,,,,\n"
        "2022-09-20,ARM,killed,5,,,,,\n"  # line 8
        "2022-09-21,ARM,,x,,perhaps,,not a url,\n"
    )

    assert errors_of(conflict, source, text) == [
        "line 2, party: Unknown party code “XYZ”.",
        "line 3, category: “dead” is not a category. Use one of: killed, missing, "
        "killed_or_missing, injured, captured, released, remains_returned, remains_identified.",
        "line 4, value: A figure cannot be negative.",
        "line 5, date: Enter a date as YYYY-MM-DD.",
        "line 6, civilians: The number of civilians must be between 0 and the figure's value.",
        "line 9, category: This field is required.",
        "line 9, value: Enter a whole number.",
        f"line 9, qualifier: “perhaps” is not a qualifier. Use one of: {qualifier_choices()}.",
        "line 9, citation_url: Enter a valid URL.",
        "line 8, category: This statement already has a figure of this category for this party.",
    ]
    assert Statement.objects.count() == 0
    assert Figure.objects.count() == 0


def test_json_errors_name_the_index(conflict, source):
    rows = [
        {"date": "2022-09-19", "party": "ARM", "category": "killed", "value": 1.5},
        "not an object",
        {"date": "2022-09-20", "party": "ARM", "category": "killed", "value": 1, "colour": "red"},
        {
            "date": "2022-09-19",
            "as_of": "2022-09-20",
            "party": "ARM",
            "category": "killed",
            "value": True,
        },
    ]

    assert errors_of(conflict, source, json.dumps(rows), "json") == [
        "[0], value: Enter a whole number.",
        "[1], row: Each row must be an object.",
        "[2], colour: Unknown column “colour”.",
        "[3], as_of: A statement cannot describe a date after the day it was issued.",
        "[3], value: Enter a whole number.",
    ]
    assert errors_of(conflict, source, '{"rows": []}', "json") == [
        "[], file: A JSON series must be a list of objects."
    ]
    assert Statement.objects.count() == 0


def test_a_nul_character_is_a_field_error_not_a_database_error(conflict, source):
    text = HEADER + "2022-09-19,AR\x00M,killed,1,,,,,a\x00b\n"

    assert errors_of(conflict, source, text) == [
        "line 2, party: Null characters are not allowed.",
        "line 2, note: Null characters are not allowed.",
    ]


def test_the_rows_of_one_date_must_agree_on_its_citation(conflict, source):
    text = HEADER + (
        "2022-09-19,ARM,killed,1,,,Council,,\n"
        "2022-09-19,ARM,injured,2,,,Council,,\n"
        "2022-09-19,ARM,captured,3,,,Ministry,,\n"
    )

    assert errors_of(conflict, source, text) == [
        "line 4, citation_title: Differs from line 2, which gives the same date another value."
    ]


def test_a_misspelt_column_is_reported_once_from_the_header(conflict, source):
    text = "date,party,category,valeu\n2022-09-19,ARM,killed,1\n2022-09-20,ARM,killed,1\n"

    assert errors_of(conflict, source, text) == ["line 1, valeu: Unknown column “valeu”."]


def test_a_number_too_large_for_the_column_is_an_error_not_a_crash(conflict, source):
    text = HEADER + "2022-09-19,ARM,killed,99999999999,,,,,\n"

    assert errors_of(conflict, source, text) == [
        "line 2, value: Enter a number no larger than 2147483647."
    ]


def test_running_the_same_file_again_creates_nothing(conflict, source):
    run(conflict, source, daily_series(3))

    again = run(conflict, source, daily_series(4))

    assert (again.statements, again.figures) == (1, 1)
    assert again.skipped_dates == [datetime.date(2020, 1, n) for n in (1, 2, 3)]
    assert Statement.objects.count() == 4
    assert Figure.objects.count() == 4
    third = run(conflict, source, daily_series(4))
    assert (third.statements, len(third.skipped_dates), Statement.objects.count()) == (0, 4, 4)


def test_a_dry_run_counts_but_saves_nothing(conflict, source):
    result = run(conflict, source, daily_series(5), dry_run=True)

    assert (result.statements, result.figures, result.dry_run) == (5, 5, True)
    assert Statement.objects.count() == 0


def test_the_audit_trail_names_the_importer(conflict, source):
    clerk = UserFactory(username="importer")

    run(conflict, source, daily_series(2), user=clerk)

    events = list(StatementEvent.objects.all()) + list(FigureEvent.objects.all())
    assert len(events) == 4
    assert {event.pgh_context.metadata["user"] for event in events} == {clerk.pk}


def test_the_command_reads_the_format_from_the_extension(tmp_path, conflict, source):
    path = tmp_path / "series.json"
    path.write_text(
        json.dumps([{"date": "2022-09-19", "party": "ARM", "category": "killed", "value": 7}])
    )
    out = io.StringIO()

    call_command(
        "import_statements",
        str(path),
        conflict="sept-2022",
        source="Ministry of Defence",
        stdout=out,
    )

    assert out.getvalue().startswith("Created 1 statements with 1 figures in ")
    assert out.getvalue().endswith("; skipped 0 dates already stated.\n")
    assert figures() == [(datetime.date(2022, 9, 19), "ARM", "killed", 7, None, "exact")]


def test_the_command_lists_the_errors_and_saves_nothing(tmp_path, conflict, source):
    path = tmp_path / "series.csv"
    path.write_text(HEADER + "2022-09-19,ARM,killed,-1,,,,,\n2022-09-20,ARM,killed,1,,,,,\n")

    with pytest.raises(CommandError) as excinfo:
        call_command("import_statements", str(path), conflict="sept-2022", source=source.name)

    assert str(excinfo.value) == "Nothing imported:\nline 2, value: A figure cannot be negative."
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("s.csv", {"conflict": "nope"}, "No conflict with slug “nope”."),
        ("s.csv", {"source": "Nobody"}, "No source with name “Nobody”."),
        ("s.txt", {}, "Cannot tell the format of “s.txt”: pass --format csv|json."),
    ],
)
def test_the_command_refuses_unknown_names_and_formats(
    tmp_path, conflict, source, name, options, message
):
    path = tmp_path / name
    path.write_text(daily_series(1))
    options = {"conflict": "sept-2022", "source": source.name, **options}

    with pytest.raises(CommandError) as excinfo:
        call_command("import_statements", str(path), **options)

    assert str(excinfo.value) == message
    assert Statement.objects.count() == 0


def test_an_empty_or_broken_file_is_one_clear_error(conflict, source):
    assert errors_of(conflict, source, "") == ["line 1, file: The file holds no rows."]
    assert errors_of(conflict, source, "[]", "json") == ["line 1, file: The file holds no rows."]
    [broken] = errors_of(conflict, source, '[{"date": ', "json")
    assert broken.startswith("line 1, file: The file cannot be read as JSON: Expecting value")


def test_the_command_dry_run_counts_and_saves_nothing(tmp_path, conflict, source):
    UserFactory(username="importer")
    path = tmp_path / "series.csv"
    path.write_text(daily_series(3))
    out = io.StringIO()

    call_command(
        "import_statements",
        str(path),
        conflict="sept-2022",
        source=source.name,
        user="importer",
        dry_run=True,
        stdout=out,
    )

    assert out.getvalue().startswith("Would create 3 statements with 3 figures in ")
    assert Statement.objects.count() == 0
    with pytest.raises(CommandError, match="No user with username “nobody”."):
        call_command(
            "import_statements", str(path), conflict="sept-2022", source=source.name, user="nobody"
        )


def test_the_command_reads_a_spreadsheets_bom_and_crlf_lines(tmp_path, conflict, source):
    path = tmp_path / "series.csv"
    text = HEADER + "2022-09-19,ARM,killed,7,,,,,\n2022-09-20,ARM,killed,8,,,,,\n"
    path.write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))

    call_command("import_statements", str(path), conflict="sept-2022", source=source.name)

    assert [value for *_, value, _, _ in figures()] == [7, 8]


def test_the_command_refuses_a_file_that_is_not_utf8(tmp_path, conflict, source):
    path = tmp_path / "series.csv"
    path.write_bytes(daily_series(2).encode("utf-16"))

    with pytest.raises(CommandError) as excinfo:
        call_command("import_statements", str(path), conflict="sept-2022", source=source.name)

    assert str(excinfo.value) == (
        "Nothing imported:\nline 1, file: The file is not UTF-8 text (save it as “CSV UTF-8”)."
    )
    assert Statement.objects.count() == 0


def test_csv_errors_name_the_physical_line_a_row_starts_on(conflict, source):
    text = HEADER + (
        '2022-09-19,ARM,killed,-1,,,,,"a note\nover two lines"\n'  # lines 2-3
        "\n"  # line 4, blank
        "2022-09-20,ARM,killed,-1,,,,,\n"  # line 5
    )

    assert errors_of(conflict, source, text) == [
        "line 2, value: A figure cannot be negative.",
        "line 5, value: A figure cannot be negative.",
    ]
