"""The audit trail's guards: every pghistory event table and ``pghistory_context`` refuse to be
changed, emptied or switched off, even by a session that lists triggers in pgtrigger.ignore; the
runtime role (tests make one with exactly the GRANTs of ``runtime_role_grants``) can write rows,
audited, and nothing else."""

import io
import json
import uuid

import pghistory
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from core.audit_trail import event_models
from tests.factories import ConflictFactory, HandoverFactory, PartyFactory, PersonFactory

EVENT_TABLES = sorted(model._meta.db_table for model in event_models())
PROTECTED = [*EVENT_TABLES, "pghistory_context"]
PersonEvent = apps.get_model("casualties", "PersonEvent")
HandoverEvent = apps.get_model("repatriation", "HandoverEvent")


def refused(statement, params=None):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_event_model_of_every_app_is_guarded_and_chained(db):
    assert {"casualties_personevent", "repatriation_remainsevent"} <= set(EVENT_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, array_agg(tgname::text ORDER BY tgname) "
            "FROM pg_trigger WHERE tgname LIKE 'core_audit_%%' AND tgenabled <> 'D' GROUP BY 1"
        )
        triggers = dict(cursor.fetchall())
    for table in EVENT_TABLES:
        assert triggers.get(table) == ["core_audit_chain", "core_audit_guard"], table
    assert triggers["pghistory_context"] == ["core_audit_context_grows", "core_audit_guard"]


@pytest.mark.parametrize("table", PROTECTED)
def test_no_event_table_nor_the_context_can_be_truncated_or_deleted(db, table):
    PersonFactory()
    HandoverFactory()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        before = cursor.fetchone()[0]
    # Not even with pgtrigger's switch, nor as the superuser that owns the table.
    ignore_all = f"SET LOCAL pgtrigger.ignore = '{{{','.join(EVENT_TABLES)}}}';"
    truncate_asked = "SET LOCAL ledger.audit_truncate = '';"
    refused(f"{truncate_asked} TRUNCATE {table} CASCADE")
    refused(f"{ignore_all} DELETE FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == before


@pytest.mark.parametrize("table", EVENT_TABLES)
def test_no_event_row_can_be_updated(db, table):
    refused(f"UPDATE {table} SET pgh_label = 'forged'")


def test_the_context_may_gain_keys_but_never_change_who(db, admin_user):
    context_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO pghistory_context (id, metadata, created_at, updated_at) "
            "VALUES (%s, %s, now(), now())",
            [context_id, '{"user": 7, "url": "/x/"}'],
        )
        cursor.execute(
            'UPDATE pghistory_context SET metadata = metadata || \'{"file": "a.csv"}\' '
            "WHERE id = %s",
            [context_id],
        )
    refused(
        "UPDATE pghistory_context SET metadata = jsonb_set(metadata, '{user}', '1') WHERE id = %s",
        [context_id],
    )
    refused("UPDATE pghistory_context SET metadata = '{}' WHERE id = %s", [context_id])
    with connection.cursor() as cursor:
        cursor.execute("SELECT metadata FROM pghistory_context WHERE id = %s", [context_id])
        assert json.loads(cursor.fetchone()[0]) == {"user": 7, "url": "/x/", "file": "a.csv"}


@pytest.fixture
def runtime_role(db):
    """A role with exactly the GRANTs ``runtime_role_grants`` prints, used through SET ROLE."""
    role = f"test_runtime_{uuid.uuid4().hex[:8]}"
    out = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        call_command("runtime_role_grants", role=role, stdout=out)
        for statement in out.getvalue().split(";\n"):
            if statement.strip():
                cursor.execute(statement)
    yield role
    # The test's transaction is rolled back, CREATE ROLE and the GRANTs with it.
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def as_role(role, statement, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement, params)


def test_the_grants_give_rows_only(runtime_role):
    out = io.StringIO()
    call_command("runtime_role_grants", role="ledger_app", stdout=out)
    grants = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "casualties_personevent" TO "ledger_app";' in grants
    assert 'GRANT SELECT ON "core_audit_link" TO "ledger_app";' in grants
    assert "TRUNCATE" not in grants and "ALL PRIVILEGES" not in grants


@pytest.mark.parametrize(
    "statement",
    [
        *(f"TRUNCATE {table}" for table in PROTECTED),
        *(f"UPDATE {table} SET pgh_label = 'forged'" for table in EVENT_TABLES),
        *(f"DELETE FROM {table}" for table in PROTECTED),
        "UPDATE pghistory_context SET metadata = '{}'",
        "UPDATE core_audit_link SET hash = NULL",
        "DELETE FROM core_audit_link",
        "SET session_replication_role = replica",
        "ALTER TABLE casualties_person DISABLE TRIGGER ALL",
        "ALTER TABLE casualties_personevent DISABLE TRIGGER core_audit_guard",
        "TRUNCATE casualties_person CASCADE",
        "DROP TRIGGER core_audit_guard ON casualties_personevent",
    ],
)
def test_the_runtime_role_cannot_touch_the_trail(runtime_role, statement):
    with pghistory.context(user=1):
        PersonFactory()
    with pytest.raises(DatabaseError):
        as_role(runtime_role, statement)


def test_the_runtime_role_cannot_skip_the_audit_triggers(runtime_role):
    person = PersonFactory(rank="Private")
    skip_all = (
        "SELECT set_config('pgtrigger.ignore', "
        "(SELECT '{' || string_agg(tgname::text, ',') || '}' FROM pg_trigger), true)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {runtime_role}")
        cursor.execute(skip_all)
        cursor.execute("UPDATE casualties_person SET rank = 'Colonel' WHERE id = %s", [person.pk])
    events = PersonEvent.objects.filter(pgh_obj_id=person.pk, pgh_label="update")
    assert list(events.values_list("rank", flat=True)) == ["Colonel"]


def test_the_runtime_role_writes_a_person_and_a_handover_audited(runtime_role):
    conflict, party = ConflictFactory(), PartyFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {runtime_role}")
        person = PersonFactory(conflict=conflict, party=party, full_name="Runtime Role")
        handover = HandoverFactory(conflict=conflict)
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == runtime_role
    assert PersonEvent.objects.filter(pgh_obj_id=person.pk).count() == 1
    assert HandoverEvent.objects.filter(pgh_obj_id=handover.pk, pgh_label="insert").exists()
