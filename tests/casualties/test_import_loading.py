"""How an import writes: chunks sent while later rows are checked, all rolled back when the
file is refused or a chunk fails, triggers skipped only where their work is done instead, and
the same result for a database role that may not use replica mode."""

import io

import pytest
from django.apps import apps
from django.db import DatabaseError, connection

from casualties.importing import load
from casualties.importing import persons as importing
from casualties.importing.persons import persons_import
from casualties.models import NameWord, Person, StatusChange
from casualties.search.names import name_search
from tests.factories import ConflictFactory, PartyFactory, UserFactory

PersonEvent = apps.get_model("casualties", "PersonEvent")
StatusChangeEvent = apps.get_model("casualties", "StatusChangeEvent")
HEADER = "full_name,status,status_date\n"
IMPORTER_ROLE = "ledger_test_importer"


@pytest.fixture
def target(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of three rows, so a short file is written in several."""
    monkeypatch.setattr(importing, "CHUNK", 3)


def good_rows(count: int, start: int = 0) -> str:
    return "".join(f"Person {n},missing,2022-09-14\n" for n in range(start, start + count))


def run(text, target, **options):
    return persons_import(file=io.BytesIO(text.encode()), **target, **options)


def test_cells_with_tabs_backslashes_and_line_breaks_arrive_as_written(target):
    text = HEADER.replace("\n", ",unit,notes\n") + (
        'Anna\tMaria Back\\slash,missing,2022-09-14,"Unit\\N","two\nlines\r\nand a tab\t"\n'
    )

    result = run(text, target)

    assert result.imported == 1
    person = Person.objects.get()
    assert person.full_name == "Anna\tMaria Back\\slash"
    assert (person.unit, person.notes) == ("Unit\\N", "two\nlines\r\nand a tab")


def test_a_file_in_many_chunks_imports_every_row_in_file_order(target, small_chunks):
    result = run(HEADER + good_rows(10), target)

    assert result.imported == 10
    names = list(Person.objects.order_by("id").values_list("full_name", flat=True))
    assert names == [f"Person {n}" for n in range(10)]
    assert PersonEvent.objects.filter(pgh_label="insert").count() == 10
    assert StatusChangeEvent.objects.filter(pgh_label="insert").count() == 10


def test_chunks_written_before_a_later_bad_row_are_rolled_back(target, small_chunks):
    text = HEADER + good_rows(7) + ",missing,2022-09-14\n" + good_rows(2, start=7)

    result = run(text, target)

    assert result.refused and result.imported == 0
    assert [(error.line, error.column) for error in result.errors] == [(9, "full_name")]
    assert not Person.objects.exists() and not StatusChange.objects.exists()
    assert not PersonEvent.objects.exists() and not StatusChangeEvent.objects.exists()


def test_with_skip_invalid_the_chunks_on_either_side_of_a_bad_row_are_kept(target, small_chunks):
    text = HEADER + good_rows(4) + "X,lost,2022-09-14\n" + good_rows(4, start=4)

    result = run(text, target, skip_invalid=True)

    assert (result.imported, result.rejected) == (8, 1)
    assert Person.objects.count() == 8


def test_a_failing_chunk_fails_the_import_and_keeps_nothing(target, small_chunks, monkeypatch):
    write = load.RowLoader._write
    calls = []

    def second_chunk_fails(self, rows, words):
        calls.append(len(rows))
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return write(self, rows, words)

    monkeypatch.setattr(load.RowLoader, "_write", second_chunk_fails)

    with pytest.raises(DatabaseError, match="disk full"):
        run(HEADER + good_rows(9), target)

    assert calls[:2] == [3, 3]
    assert not Person.objects.exists() and not PersonEvent.objects.exists()


def test_an_unknown_insert_trigger_stops_the_import_instead_of_being_skipped(target):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION ledger_test_noop() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER ledger_test_extra AFTER INSERT ON casualties_person "
            "FOR EACH ROW EXECUTE FUNCTION ledger_test_noop()"
        )

    with pytest.raises(RuntimeError, match="ledger_test_extra"):
        run(HEADER + good_rows(2), target)

    assert not Person.objects.exists()


@pytest.fixture
def ordinary_role(db):
    """For the rest of the test transaction, a role that owns nothing and is no superuser:
    it may not use replica mode, so the import checks keys and skips triggers the slow way.
    (Role and grants roll back with the test.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {IMPORTER_ROLE} NOSUPERUSER")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {IMPORTER_ROLE}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {IMPORTER_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {IMPORTER_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize("role", ["owner", "ordinary"])
def test_either_role_gets_the_same_persons_changes_and_audit_events(
    request, target, small_chunks, role
):
    if role == "ordinary":
        request.getfixturevalue("ordinary_role")
    clerk = UserFactory(username="importer")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is (role == "owner")

    result = run(HEADER + good_rows(7), target, user=clerk, file_name="list.csv")

    assert result.imported == 7
    persons = Person.objects.filter(conflict=target["conflict"])
    assert persons.count() == 7
    assert StatusChange.objects.filter(person__in=persons, recorded_by=clerk).count() == 7
    events = PersonEvent.objects.filter(pgh_obj__in=persons, pgh_label="insert")
    assert events.count() == 7
    contexts = list(events.values_list("pgh_context__metadata", flat=True).distinct())
    assert contexts == [{"user": clerk.pk, "command": "import_persons", "file": "list.csv"}]
    changes = StatusChangeEvent.objects.filter(pgh_obj__person__in=persons, pgh_label="insert")
    assert changes.count() == 7
    assert NameWord.objects.filter(word__in=["person", "6"]).count() == 2
    assert name_search(Person.objects.all(), "persn", public=False).count() == 7
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
