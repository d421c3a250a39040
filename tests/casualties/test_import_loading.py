"""How an import writes: chunks sent while later rows are checked, all rolled back when the
file is refused or a chunk fails, with every trigger left on (the audit trail's bulk mode moves
the insert events to statement-level triggers, it skips nothing), the same for the runtime role
as for the owner, and chained in the audit trail like any other write."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection

from casualties.importing import load
from casualties.importing import persons as importing
from casualties.importing.persons import persons_import
from casualties.models import NameWord, Person, StatusChange
from casualties.search.names import name_search
from core.audit import data_version
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


def test_every_other_trigger_fires_for_every_imported_row(target, small_chunks):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE ledger_test_seen (id bigint)")
        cursor.execute(
            "CREATE FUNCTION ledger_test_seen() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN INSERT INTO ledger_test_seen VALUES (NEW.id); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER ledger_test_extra AFTER INSERT ON casualties_person "
            "FOR EACH ROW EXECUTE FUNCTION ledger_test_seen()"
        )

    assert run(HEADER + good_rows(5), target).imported == 5

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_test_seen")
        assert cursor.fetchone()[0] == 5


def test_the_bulk_mode_ends_with_the_import(target):
    run(HEADER + good_rows(2), target)
    person = Person.objects.get(full_name="Person 0")
    Person.objects.filter(pk=person.pk).update(rank="Sergeant")
    person.refresh_from_db()
    Person.objects.create(
        conflict=person.conflict, party=person.party, full_name="After", status="missing",
        status_date=person.status_date,
    )  # fmt: skip

    assert PersonEvent.objects.filter(pgh_label="insert").count() == 3
    assert PersonEvent.objects.filter(pgh_label="update").count() == 1


@pytest.fixture
def runtime_role(db):
    """For the rest of the test transaction, the runtime role with exactly the GRANTs of
    ``runtime_role_grants``: no replica mode, no pgtrigger.ignore, no trigger changes.
    (Role and grants roll back with the test.)"""
    out = io.StringIO()
    call_command("runtime_role_grants", role=IMPORTER_ROLE, stdout=out)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {IMPORTER_ROLE} NOSUPERUSER")
        for statement in out.getvalue().split(";\n"):
            if statement.strip():
                cursor.execute(statement)
        cursor.execute(f"SET LOCAL ROLE {IMPORTER_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize("role", ["owner", "runtime"])
def test_either_role_gets_the_same_persons_changes_and_audit_events(
    request, target, small_chunks, role
):
    if role == "runtime":
        request.getfixturevalue("runtime_role")
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


@pytest.mark.django_db(transaction=True)
def test_an_import_is_chained_verified_and_advances_the_data_version():
    target = {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}
    version = data_version()[0]

    assert run(HEADER + good_rows(25), target).imported == 25

    assert data_version()[0] == version + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(cardinality(event_ids)) FROM core_audit_link "
            "WHERE table_name IN ('casualties_personevent', 'casualties_statuschangeevent') "
            "AND seq IS NOT NULL AND cardinality(event_ids) = 25"
        )
        assert cursor.fetchone()[0] == 50
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit trail intact" in out.getvalue()
