"""``import_statements`` with what was already stated: revisions, several sources, qualifiers."""

import datetime
import io

import pytest
from django.core.management import call_command

from casualties.importing.common import ImportRefused
from casualties.importing.qualifiers import QUALIFIER_SYNONYMS
from casualties.importing.statements import statements_import
from casualties.models import Figure, Statement
from ledger.computation import ledger_for
from tests.factories import ConflictFactory, PartyFactory, SourceFactory

pytestmark = pytest.mark.django_db

HEADER = "date,party,category,value,qualifier\n"
SERIES = HEADER + (
    "2022-09-19,ARM,killed_or_missing,100,\n"
    "2022-09-20,ARM,killed_or_missing,120,\n"
    "2022-09-21,ARM,killed_or_missing,130,\n"
)


@pytest.fixture
def arm():
    return PartyFactory(code="ARM", name="Armenia")


@pytest.fixture
def conflict():
    return ConflictFactory(slug="sept-2022", start_date=datetime.date(2022, 9, 1))


@pytest.fixture
def source(arm):
    return SourceFactory(name="Ministry of Defence", party=arm)


def run(conflict, source, text: str, **options):
    return statements_import(conflict=conflict, source=source, file=io.StringIO(text), **options)


def revised(ledger) -> list[dict]:
    return [d for d in ledger["discrepancies"] if d["code"] == "figure_revised"]


def test_a_changed_value_is_one_revision_and_the_ledger_shows_both(client, conflict, source, arm):
    run(conflict, source, SERIES)

    result = run(conflict, source, SERIES.replace("120,", "125,"))

    assert (result.statements, result.figures, result.revised) == (0, 0, 1)
    assert result.revisions == [(datetime.date(2022, 9, 20), "ARM", "killed_or_missing", 120, 125)]
    assert "1 revised" in result.summary()
    assert Statement.objects.count() == 3
    kept = Figure.objects.filter(statement__as_of="2022-09-20").order_by("revision")
    assert list(kept.values_list("value", "revision")) == [(120, 0), (125, 1)]
    ledger = ledger_for(conflict=conflict, party=arm, as_of=datetime.date(2022, 9, 20))
    assert ledger["official"]["killed_or_missing"]["value"] == 125
    [discrepancy] = revised(ledger)
    assert (discrepancy["previous_value"], discrepancy["value"]) == (120, 125)
    assert discrepancy["as_of"] == datetime.date(2022, 9, 20)
    assert "from 120 to 125" in discrepancy["message"]
    body = client.get("/api/v1/ledger/sept-2022/ARM/").json()
    assert [d["code"] for d in body["discrepancies"]] == ["figure_revised"]
    assert body["official"]["killed_or_missing"]["value"] == 130


def test_a_revision_back_down_is_not_also_a_decrease(conflict, source, arm):
    run(conflict, source, SERIES)
    run(conflict, source, SERIES.replace("130,", "90,"))

    codes = [d["code"] for d in ledger_for(conflict=conflict, party=arm)["discrepancies"]]
    # 90 after 120 the day before is a decrease; the restated 130 → 90 is a revision.
    assert sorted(codes) == ["figure_decreased", "figure_revised"]


def test_the_same_file_again_changes_nothing(conflict, source):
    run(conflict, source, SERIES)
    events = Figure.objects.count()

    again = run(conflict, source, SERIES)

    assert (again.statements, again.figures, again.revised) == (0, 0, 0)
    assert len(again.skipped_dates) == 3
    assert Figure.objects.count() == events


def test_a_new_figure_for_a_stated_date_is_added_to_its_statement(conflict, source):
    run(conflict, source, SERIES)

    result = run(conflict, source, SERIES + "2022-09-20,ARM,injured,7,\n")

    assert (result.statements, result.figures, result.revised) == (0, 1, 0)
    statement = Statement.objects.get(as_of="2022-09-20")
    assert sorted(statement.figures.values_list("category", "value")) == [
        ("injured", 7),
        ("killed_or_missing", 120),
    ]


def test_a_changed_qualifier_is_a_revision_too(conflict, source):
    run(conflict, source, SERIES)

    result = run(conflict, source, SERIES.replace("120,", "120,about"))

    assert result.revised == 1
    assert Figure.objects.get(revision=1).qualifier == "approximately"


def test_a_dry_run_counts_the_revision_and_saves_nothing(conflict, source):
    run(conflict, source, SERIES)

    result = run(conflict, source, SERIES.replace("100,", "101,"), dry_run=True)

    assert result.revised == 1
    assert not Figure.objects.filter(revision__gt=0).exists()


def test_a_source_column_splits_one_file_between_authorities(conflict, source, arm):
    other = SourceFactory(name="Security Council", party=arm)
    text = "date,source,party,category,value\n" + (
        "2022-09-19,Ministry of Defence,ARM,killed,50\n"
        "2022-09-19,Security Council,ARM,killed,52\n"
        "2022-09-20,,ARM,killed,60\n"
    )

    result = run(conflict, source, text)

    assert (result.statements, result.figures) == (3, 3)
    by_source = sorted(Statement.objects.values_list("source__name", "as_of"))
    assert by_source == [
        ("Ministry of Defence", datetime.date(2022, 9, 19)),
        ("Ministry of Defence", datetime.date(2022, 9, 20)),
        ("Security Council", datetime.date(2022, 9, 19)),
    ]
    assert Figure.objects.get(statement__source=other).value == 52


def test_an_unknown_source_or_none_at_all_is_a_line_error(conflict, source):
    text = "date,source,party,category,value\n2022-09-19,Nobody,ARM,killed,5\n"
    text += "2022-09-20,,ARM,killed,6\n"

    with pytest.raises(ImportRefused) as refused:
        statements_import(conflict=conflict, file=io.StringIO(text))

    assert [str(error) for error in refused.value.errors] == [
        "line 2, source: Unknown source “Nobody”.",
        "line 3, source: This field is required.",
    ]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("word", "qualifier"),
    [
        ("more", "at_least"),
        ("More than", "at_least"),
        ("≥", "at_least"),
        ("не менее", "at_least"),
        ("առնվազն", "at_least"),
        ("about", "approximately"),
        ("~", "approximately"),
        ("около", "approximately"),
        ("մոտ", "approximately"),
        ("exactly", "exact"),
        ("", "exact"),
    ],
)
def test_qualifier_synonyms_come_from_one_table(conflict, source, word, qualifier):
    run(conflict, source, f"{HEADER}2022-09-19,ARM,killed,5,{word}\n")

    assert Figure.objects.get().qualifier == qualifier


def test_an_unknown_qualifier_lists_every_synonym(conflict, source):
    with pytest.raises(ImportRefused) as refused:
        run(conflict, source, f"{HEADER}2022-09-19,ARM,killed,5,perhaps\n")

    reason = refused.value.errors[0].reason
    for words in QUALIFIER_SYNONYMS.values():
        assert all(word in reason for word in words)


@pytest.mark.parametrize("day", ["2099-01-01", "1900-01-01"])
def test_a_date_far_outside_the_conflict_is_refused(conflict, source, day):
    with pytest.raises(ImportRefused) as refused:
        run(conflict, source, f"{HEADER}{day},ARM,killed,5,\n")

    assert refused.value.errors[0].column == "date"
    assert not Statement.objects.exists()


def test_the_command_says_what_it_revised(tmp_path, conflict, source):
    path = tmp_path / "series.csv"
    path.write_text(SERIES)
    call_command("import_statements", path, conflict="sept-2022", source=source.name)
    path.write_text(SERIES.replace("130,", "131,"))
    out = io.StringIO()

    call_command("import_statements", path, conflict="sept-2022", source=source.name, stdout=out)

    lines = out.getvalue().splitlines()
    assert "; 1 revised; skipped 2 dates already stated." in lines[0]
    assert lines[1] == "  revised 2022-09-21 ARM killed_or_missing: 130 → 131"
