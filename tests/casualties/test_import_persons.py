"""Bulk import of person lists: checks with exact line and column, all or nothing, rejects,
COPY at scale with the importing user in the audit trail, and the command around it."""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from casualties.importing import person_rows as checks
from casualties.importing.persons import FILE, persons_import
from casualties.management.commands.import_persons import ProgressBar
from casualties.models import Person, StatusChange
from casualties.search.russian import russian_latin_keys
from casualties.search.transliteration import _transliterate, search_key, to_latin
from core.audit import data_version
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, UserFactory

PersonEvent = apps.get_model("casualties", "PersonEvent")
StatusChangeEvent = apps.get_model("casualties", "StatusChangeEvent")
HEADER = "full_name,name_latin,status,status_date,is_civilian,date_of_birth,service_number\n"
GOOD = [
    "Արամ Սարգսյան,,missing,2022-09-14,no,1999-03-01,SN-1\n",
    "Иван Петров,Ivan Petrov,killed,2022-09-13,yes,,\n",
]
BAD = [
    ",,missing,2022-09-14,no,,\n",  # line 4: missing name
    "Դավիթ Հակոբյան,,lost,2022-09-14,no,,\n",  # line 5: unknown status
    "Հայկ Ավետիսյան,,killed,2022-02-30,no,,\n",  # line 6: impossible date
    "Վահե Մանուկյան,missing,2022-09-14,no,,\n",  # line 7: a cell short, columns shifted
]
EXPECTED_ERRORS = [
    (4, "full_name", checks.REQUIRED_VALUE),
    (5, "status", "“lost” is not a status"),
    (6, "status_date", "“2022-02-30” is not a real date"),
    (7, checks.ROW, "This row has 6 cells where the header has 7"),
]


@pytest.fixture
def target(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}


def run(text, target, **options):
    return persons_import(file=io.BytesIO(text.encode()), **target, **options)


def error_triples(result):
    return [(e.line, e.column, str(e.reason)) for e in result.errors]


def assert_expected_errors(result):
    found = error_triples(result)
    assert [(line, column) for line, column, _ in found] == [
        (line, column) for line, column, _ in EXPECTED_ERRORS
    ]
    for (_, _, reason), (_, _, expected) in zip(found, EXPECTED_ERRORS, strict=True):
        assert str(expected) in reason


def test_good_rows_become_persons_with_a_first_status_change(target):
    clerk = UserFactory()
    result = run(HEADER + "".join(GOOD), target, user=clerk, file_name="list.csv")

    assert (result.total, result.imported, result.error_count) == (2, 2, 0)
    aram = Person.objects.get(full_name="Արամ Սարգսյան")
    assert (aram.name_latin, aram.search_key) == ("Aram Sargsyan", "aram sargsyan")
    assert (aram.status, aram.status_date) == ("missing", datetime.date(2022, 9, 14))
    assert (aram.date_of_birth, aram.service_number) == (datetime.date(1999, 3, 1), "SN-1")
    assert aram.conflict == target["conflict"] and aram.party == target["party"]
    ivan = Person.objects.get(full_name="Иван Петров")
    assert ivan.is_civilian and ivan.name_latin == "Ivan Petrov"
    change = StatusChange.objects.get(person=aram)
    assert (change.status, change.effective_date) == ("missing", datetime.date(2022, 9, 14))
    assert change.recorded_by == clerk and change.source_note == "Imported from list.csv"


def test_bad_rows_give_exact_line_and_column_and_nothing_is_imported(target):
    result = run(HEADER + "".join(GOOD + BAD), target)

    assert_expected_errors(result)
    assert result.refused and result.imported == 0
    assert (result.total, result.rejected) == (6, 4)
    assert not Person.objects.exists() and not StatusChange.objects.exists()


def test_skip_invalid_imports_the_good_rows_and_rejects_the_rest_with_reasons(target):
    result = run(HEADER + "".join(BAD[:2] + GOOD + BAD[2:]), target, skip_invalid=True)

    assert not result.refused and result.imported == 2
    assert set(Person.objects.values_list("full_name", flat=True)) == {
        "Արամ Սարգսյան",
        "Иван Петров",
    }
    rejects = list(csv.DictReader(io.StringIO(result.rejects_csv)))
    assert [row["line"] for row in rejects] == ["2", "3", "6", "7"]
    assert rejects[1]["full_name"] == "Դավիթ Հակոբյան"
    assert rejects[1]["reason"].startswith("status: “lost” is not a status")
    assert rejects[3]["reason"].startswith("(row): This row has 6 cells")


def test_a_quoted_name_over_two_lines_keeps_the_following_line_numbers_physical(target):
    text = HEADER + '"Արամ\nՍարգսյան",,missing,2022-09-14,,,\n' + BAD[1]
    result = run(text, target)

    assert error_triples(result)[0][:2] == (4, "status")


def test_dry_run_checks_everything_and_imports_nothing(target):
    result = run(HEADER + "".join(GOOD), target, dry_run=True)

    assert (result.valid, result.imported, result.refused) == (2, 0, False)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("2999-01-01", "status_date", checks.FUTURE_DATE),
        ("22-9-14", "status_date", "is not a real date"),
        ("maybe", "is_civilian", "is not true/false"),
        ("S" * 65, "service_number", "At most 64 characters (this has 65)"),
    ],
)
def test_each_cell_rule_is_reported(target, value, column, message):
    cells = {"status_date": "2022-09-14", "is_civilian": "no", "service_number": ""}
    cells[column] = value
    row = f"Name,,missing,{cells['status_date']},{cells['is_civilian']},,{cells['service_number']}"
    result = run(HEADER + row + "\n", target)

    assert error_triples(result)[0][:2] == (2, column)
    assert str(message) in error_triples(result)[0][2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("full_name,status\nAram,missing\n", "lacks the required column(s): status_date"),
        ("full_name,status,status_date,password\n", "Unknown column(s): password"),
        ("full_name,status,status_date,status\n", "given twice: status"),
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
    ],
)
def test_a_bad_header_is_one_clear_error(target, text, message):
    result = run(text, target)

    assert result.refused and result.error_count == 1
    assert error_triples(result)[0][:2] == (1, FILE)
    assert message in error_triples(result)[0][2]
    assert not Person.objects.exists()


def test_a_nul_character_is_a_cell_error_not_a_database_error(target):
    result = run(HEADER + "Ar\x00am,,missing,2022-09-14,,,\n" + GOOD[0], target, skip_invalid=True)

    assert error_triples(result) == [(2, "full_name", str(checks.NUL_CHARACTER))]
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Արամ Սարգսյան"]


def test_a_cell_too_large_for_the_csv_reader_stops_the_file_at_its_line(target):
    huge = '"' + "x" * 200_000 + '",,missing,2022-09-14,,,\n'
    result = run(HEADER + GOOD[0] + huge + GOOD[1], target, skip_invalid=True)

    assert error_triples(result) == [(3, FILE, "field larger than field limit (131072)")]
    assert result.refused and not Person.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(target):
    result = persons_import(file=io.BytesIO("Արամ".encode("utf-16")), **target)

    assert result.refused and "not UTF-8" in error_triples(result)[0][2]


def test_only_the_first_thousand_errors_are_kept_but_all_are_counted(target):
    result = run(HEADER + BAD[0] * 1_200, target)

    assert (len(result.errors), result.error_count, result.rejected) == (1_000, 1_200, 1_200)


def test_ten_thousand_rows_load_through_copy_under_the_importers_name(target):
    # Django's cursor runs the COPY and the INSERT … SELECT that follows it, so pghistory puts
    # the context in the INSERT statement itself: every event must name the importer.
    clerk = UserFactory(username="importer")
    PersonFactory(conflict=target["conflict"], party=target["party"])
    today = timezone.localdate().isoformat()
    text = HEADER + "".join(f"Person {n},,missing,{today},,,\n" for n in range(10_000))

    result = run(text, target, user=clerk)

    assert result.imported == 10_000
    imported = Person.objects.filter(full_name__startswith="Person ")
    assert imported.count() == 10_000
    assert StatusChange.objects.filter(person__in=imported, recorded_by=clerk).count() == 10_000
    events = PersonEvent.objects.filter(pgh_obj__in=imported, pgh_label="insert")
    assert events.count() == 10_000
    contexts = list(events.values_list("pgh_context__metadata", flat=True).distinct())
    assert contexts == [{"user": clerk.pk, "command": "import_persons", "file": ""}]
    change_events = StatusChangeEvent.objects.filter(pgh_obj__person__in=imported)
    assert change_events.filter(pgh_label="insert", pgh_context=events[0].pgh_context).count() == (
        10_000
    )
    person = imported.get(full_name="Person 123")
    event = events.get(pgh_obj=person)
    assert (event.full_name, event.search_key, event.status) == (
        person.full_name, person.search_key, "missing",
    )  # fmt: skip


def test_after_an_import_edits_are_audited_again_row_by_row(target):
    run(HEADER + GOOD[0], target)
    person = Person.objects.get()
    Person.objects.filter(pk=person.pk).update(rank="Sergeant")
    PersonFactory(conflict=target["conflict"], party=target["party"], full_name="Later")

    assert PersonEvent.objects.filter(pgh_obj=person, pgh_label="update").count() == 1
    assert PersonEvent.objects.filter(full_name="Later", pgh_label="insert").count() == 1
    assert PersonEvent.objects.filter(pgh_obj=person, pgh_label="insert").count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "Արամ Ոսկանյան",
        "Ոսկանյան-Ոսկան  Ու",
        "Семёнов Фёдор",
        "O'Neil  d'Arc",
        "' Ամ",
        "Ivan\tPetrov",
    ],
)
def test_the_cached_transliteration_equals_the_projects(name):
    assert to_latin(name) == _transliterate(name)
    # The names' own words first; Armenian ones are followed by their Russian-form twins.
    own = " ".join([_transliterate(name).lower(), "x y"])
    key = search_key(name, "X Y")
    assert key == own or key.startswith(own + " ")
    assert set(key.split()) - set(own.split()) == {
        form for word in name.split() for form in russian_latin_keys(word)
    } - set(own.split())


@pytest.mark.django_db(transaction=True)
def test_an_import_advances_the_data_version_once_it_commits():
    target = {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}
    before = data_version()[0]

    result = run(HEADER + "".join(GOOD), target)

    assert result.imported == 2
    assert data_version()[0] == before + 1


def test_the_command_imports_and_prints_a_summary(target, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    UserFactory(username="clerk")
    out = io.StringIO()

    call_command(
        "import_persons", str(path), "--conflict=sept-2022", "--party=ARM", "--user=clerk",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip

    summary = "2 rows read; imported: 2 new, 0 updated, 0 unchanged, 0 rejected; 0 errors"
    assert summary in out.getvalue()
    assert Person.objects.filter(status_changes__recorded_by__username="clerk").count() == 2


def test_the_command_refuses_bad_rows_and_prints_line_and_column(target, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(GOOD + BAD), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_persons", str(path), "--conflict=sept-2022", "--party=ARM",
                     stdout=io.StringIO(), stderr=err)  # fmt: skip

    assert "line 5, column status: “lost” is not a status" in err.getvalue()
    assert "line 7, column (row): This row has 6 cells" in err.getvalue()
    assert not Person.objects.exists()


def test_the_command_with_skip_invalid_writes_the_rejects_file(target, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(GOOD + BAD), encoding="utf-8")
    out = io.StringIO()

    call_command("import_persons", str(path), "--conflict=sept-2022", "--party=ARM",
                 "--skip-invalid", stdout=out, stderr=io.StringIO())  # fmt: skip

    assert "6 rows read; imported: 2 new, 0 updated, 0 unchanged, 4 rejected" in out.getvalue()
    rejects = list(csv.DictReader((tmp_path / "list.rejects.csv").open(encoding="utf-8")))
    assert [row["line"] for row in rejects] == ["4", "5", "6", "7"]
    assert Person.objects.count() == 2


def test_the_command_dry_run_imports_nothing(target, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    out = io.StringIO()

    call_command("import_persons", str(path), "--conflict=sept-2022", "--party=ARM",
                 "--dry-run", stdout=out, stderr=io.StringIO())  # fmt: skip

    assert "would be: 2 new, 0 updated" in out.getvalue()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--conflict=nope", "--party=ARM"], "No conflict with the slug “nope”"),
        (["--conflict=sept-2022", "--party=XX"], "No party with the code “XX”"),
    ],
)
def test_the_command_names_an_unknown_conflict_or_party(target, tmp_path, args, message):
    path = tmp_path / "list.csv"
    path.write_text(HEADER, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        call_command("import_persons", str(path), *args)


def test_the_command_says_when_it_cannot_read_the_file(target, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_persons", str(tmp_path / "absent.csv"), "--conflict=sept-2022",
                     "--party=ARM")  # fmt: skip


def test_off_a_terminal_the_progress_bar_prints_plain_lines():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10, every=0)

    bar("checking", 5_000, 20_000)
    bar("loading", 20_000, 20_000)

    assert stream.getvalue() == (
        "checking [##--------]     5,000/20,000\nloading  [##########]    20,000/20,000\n"
    )
