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


def test_the_sessions_date_style_changes_no_hash():
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle = 'SQL, DMY'")
        cursor.execute("SET TimeZone = 'Asia/Yerevan'")
    try:
        PersonFactory(date_of_birth="1990-02-01")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET DateStyle")
            cursor.execute("RESET TimeZone")

    assert "Audit trail intact" in verify()


# The earlier row hash (the row's JSON), in which the links of an older database are written.
REHASH_AS_JSON = """
DO $$
DECLARE
    link record;
    previous bytea := ''::bytea;
    json_digests bytea;
BEGIN
    SET LOCAL TimeZone = 'UTC';
    FOR link IN SELECT * FROM core_audit_link ORDER BY seq LOOP
        EXECUTE format(
            'SELECT string_agg(sha256(convert_to(jsonb_strip_nulls(to_jsonb(e))::text, ''UTF8'')),
                               ''''::bytea ORDER BY e.pgh_id)
             FROM %I AS e WHERE e.pgh_id = ANY($1)', link.table_name)
            INTO json_digests USING link.event_ids;
        previous := sha256(previous || core_audit_link_body(link.table_name, link.event_ids,
                                                            json_digests));
        UPDATE core_audit_link SET digests = json_digests, hash = previous,
            prev_hash = COALESCE((SELECT hash FROM core_audit_link WHERE seq = link.seq - 1), '')
            WHERE id = link.id;
    END LOOP;
    UPDATE core_audit_head SET hash = previous;
END $$
"""


def test_links_hashed_as_json_by_an_older_version_still_verify():
    people = some_history()
    with connection.cursor() as cursor:
        cursor.execute("SELECT digests FROM core_audit_link ORDER BY seq LIMIT 1")
        before = bytes(cursor.fetchone()[0])
    behind_the_triggers(REHASH_AS_JSON)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digests FROM core_audit_link ORDER BY seq LIMIT 1")
        assert bytes(cursor.fetchone()[0]) != before

    assert "Audit trail intact" in verify()

    edited = PersonEvent.objects.get(pgh_obj_id=people[0].pk)
    behind_the_triggers(
        "UPDATE casualties_personevent SET rank = 'General' WHERE pgh_id = %s", [edited.pk]
    )
    with pytest.raises(CommandError, match=rf"casualties_personevent, event {edited.pk}\b"):
        verify()
