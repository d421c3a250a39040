"""The hash chain: ``verify_audit`` passes on an untouched trail and names the first broken link
(table, event id) once a superuser has edited, deleted or slipped in an event behind the
triggers' back. Committed transactions (the chain is sealed at commit)."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from casualties.models import Person
from tests.factories import HandoverFactory, PersonFactory

PersonEvent = apps.get_model("casualties", "PersonEvent")

pytestmark = pytest.mark.django_db(transaction=True)


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def behind_the_triggers(statement, params=None):
    """As the superuser, with every trigger off: what the runtime role cannot do."""
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)
        cursor.execute("COMMIT")


def some_history():
    people = [PersonFactory(rank="Private") for _ in range(3)]
    Person.objects.filter(pk=people[1].pk).update(rank="Sergeant")
    HandoverFactory()
    return people


def test_an_untouched_trail_verifies():
    some_history()
    events = PersonEvent.objects.count()
    assert "Audit trail intact" in verify()
    assert events == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_audit_link WHERE seq IS NULL")
        assert cursor.fetchone()[0] == 0


def test_an_edited_event_is_named():
    people = some_history()
    edited = PersonEvent.objects.get(pgh_obj_id=people[1].pk, pgh_label="update")
    later = PersonEvent.objects.get(pgh_obj_id=people[2].pk, pgh_label="insert")
    behind_the_triggers(
        "UPDATE casualties_personevent SET rank = 'General' WHERE pgh_id IN (%s, %s)",
        [edited.pk, later.pk],
    )

    # The insert of people[2] came first in the chain: that is the first broken link.
    with pytest.raises(CommandError, match=rf"casualties_personevent, event {later.pk}\b"):
        verify()


def test_a_deleted_event_is_named():
    people = some_history()
    gone = PersonEvent.objects.get(pgh_obj_id=people[0].pk)
    behind_the_triggers("DELETE FROM casualties_personevent WHERE pgh_id = %s", [gone.pk])

    with pytest.raises(CommandError, match=rf"event {gone.pk} .*deleted"):
        verify()


def test_an_event_slipped_in_is_named():
    some_history()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE forged ON COMMIT DROP AS "
            "SELECT * FROM casualties_personevent ORDER BY pgh_id LIMIT 1"
        )
        cursor.execute("UPDATE forged SET pgh_id = pgh_id + 100000")
        cursor.execute("INSERT INTO casualties_personevent SELECT * FROM forged")
        cursor.execute("SELECT pgh_id FROM forged")
        forged = cursor.fetchone()[0]
        cursor.execute("COMMIT")

    with pytest.raises(CommandError, match=rf"event {forged}: the event was not in the chain"):
        verify()


def test_a_rewritten_link_breaks_the_chain():
    some_history()
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, table_name, event_ids[1] FROM core_audit_link WHERE seq = 2")
        seq, table, event_id = cursor.fetchone()
    behind_the_triggers("UPDATE core_audit_link SET prev_hash = sha256('x') WHERE seq = 2")

    with pytest.raises(CommandError, match=rf"{table}, event {event_id} \(link {seq} "):
        verify()
