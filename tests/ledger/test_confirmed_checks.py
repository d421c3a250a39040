"""The ledger's checks of the confirmed remains against the persons (identified yet recorded
alive; two complete bodies of one person): kept by triggers as the contradictions only, they
give the same rows as the query over every confirmed remains that the ledger ran before them
(kept here only, as the reference), after any sequence of writes, now and as of any day."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection

from casualties.choices import ALIVE_STATUSES, PersonStatus
from casualties.models import StatusChange
from ledger.computation import ledger_summaries
from ledger.models import ConfirmedCheck
from ledger.sql.common import PERSON, REMAINS, STATUS_CHANGE, dated, literals
from ledger.sql.handovers import COMPLETE, CONFIRMED, HANDOVERS_IN_SCOPE, VERIFIED
from ledger.sql.persons import CHECK_ROWS, CURRENT_CHECKS, confirmed_remains
from repatriation.models import Handover
from tests.factories import PartyFactory, RemainsFactory
from tests.ledger.confirmed_writes import Writer, day
from tests.ledger.test_ledger import World
from tests.ledger.test_person_tallies import keep_status_in_step

pytestmark = pytest.mark.django_db

# The query the ledger ran before the checks: one pass over every confirmed remains.
STATUS_NOW = f"JOIN {PERSON} s ON s.id = c.person"
STATUS_AS_OF = f"""CROSS JOIN LATERAL (
    SELECT sc.status FROM {STATUS_CHANGE} sc
    WHERE sc.person_id = c.person AND {dated("sc.effective_date")}
    ORDER BY sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
    LIMIT 1
) s"""


def every_confirmed_remains(*, as_of_given: bool, twice_by: str = "person") -> str:
    status = STATUS_AS_OF if as_of_given else STATUS_NOW
    return f"""
    WITH c AS MATERIALIZED (
        SELECT h.conflict_id, h.party_id, h.id AS handover, r.id AS remains, r.case_number,
               r.person_id AS person, r.condition
        FROM ({HANDOVERS_IN_SCOPE}) h
        JOIN {REMAINS} r ON r.handover_id = h.id
        WHERE h.state = {VERIFIED} AND {CONFIRMED}
    ),
    alive AS (
        SELECT c.*, s.status FROM c {status}
        WHERE s.status IN ({literals(ALIVE_STATUSES)})
    ),
    twice AS (
        SELECT {twice_by} FROM c WHERE condition = {COMPLETE}
        GROUP BY {twice_by} HAVING count(*) > 1
    ),
    duplicates AS (
        SELECT conflict_id, party_id, person, count(*) AS complete_remains,
               array_agg(case_number ORDER BY case_number) AS case_numbers
        FROM c WHERE condition = {COMPLETE} AND ({twice_by}) IN (SELECT {twice_by} FROM twice)
        GROUP BY conflict_id, party_id, person
    )
    SELECT k.conflict_id, k.party_id,
           coalesce((SELECT json_agg(alive ORDER BY person, remains) FROM alive
                     WHERE (alive.conflict_id, alive.party_id) = (k.conflict_id, k.party_id)),
                    '[]') AS alive,
           coalesce((SELECT json_agg(duplicates ORDER BY person) FROM duplicates
                     WHERE (duplicates.conflict_id, duplicates.party_id)
                         = (k.conflict_id, k.party_id)),
                    '[]') AS duplicates
    FROM (SELECT DISTINCT conflict_id, party_id FROM c) k
"""


# The one change: the old query counted a person's complete bodies over every ledger in the
# scope, so with several ledgers in scope (the summaries) a person with one body in each of
# two ledgers was listed in both as a duplicate of one body. Two bodies count in one ledger.
PER_LEDGER = "conflict_id, party_id, person"


def checks(query, params):
    """(conflict, party) → (alive, duplicates), without the ledgers where both are empty
    (the ledger reads a missing row as two empty lists)."""
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = {(c, p): (alive, dup) for c, p, alive, dup in cursor.fetchall()}
    return {key: lists for key, lists in found.items() if lists != ([], [])}


def stored_rows(query):
    with connection.cursor() as cursor:
        cursor.execute(query)
        return sorted(cursor.fetchall(), key=repr)


def assert_same_checks(world, other, days):
    """Each ledger's checks, and all ledgers' at once, now and as of each day; returns what
    the reference found, to show the writes made contradictions."""
    found = []
    for as_of in (None, *days):
        given = as_of is not None
        for party in (world.arm, other):
            params = {"conflict": world.conflict.pk, "party": party.pk, "as_of": as_of}
            expected = checks(every_confirmed_remains(as_of_given=given), params)
            assert checks(confirmed_remains(as_of_given=given), params) == expected, as_of
            found += expected.values()
        params = {"conflict": None, "party": None, "as_of": as_of}
        reference = every_confirmed_remains(as_of_given=given, twice_by=PER_LEDGER)
        expected = checks(reference, params)
        assert checks(confirmed_remains(as_of_given=given), params) == expected, as_of
    return found


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_after_random_writes_the_checks_give_the_rows_of_every_confirmed_remains(seed):
    world, other = World(), PartyFactory(code="OTH")
    writer = Writer(world, other, random.Random(seed))

    writer.run(steps=90)
    keep_status_in_step()

    assert stored_rows(CURRENT_CHECKS) == stored_rows(CHECK_ROWS)
    found = assert_same_checks(world, other, [day(offset) for offset in (0, 10, 25, 40, 60, 90)])
    # The writes made both kinds of contradiction, so the comparison compared something.
    assert any(alive for alive, _duplicates in found)
    assert any(duplicates for _alive, duplicates in found)


def test_a_check_holds_only_while_the_person_is_recorded_alive():
    world = World()
    person = world.person(status=PersonStatus.CAPTURED, status_date=day(0))
    confirmed = {"identification": "confirmed", "person": person, "method": "dna"}
    world.handover([{**confirmed, "identified_on": day(10)}], date=day(5))
    StatusChange.objects.create(person=person, status=PersonStatus.KILLED, effective_date=day(20))
    keep_status_in_step()

    params = {"conflict": world.conflict.pk, "party": world.arm.pk}
    for as_of, listed in ((day(9), False), (day(10), True), (day(19), True), (day(20), False)):
        rows = checks(confirmed_remains(as_of_given=True), {**params, "as_of": as_of})
        assert bool(rows) is listed, as_of
    assert checks(confirmed_remains(as_of_given=False), {**params, "as_of": None}) == {}
    [row] = ConfirmedCheck.objects.values_list("kind", "status", "from_on", "until_on")
    assert row == ("alive", PersonStatus.CAPTURED, day(10), day(20))


def test_complete_bodies_in_two_ledgers_are_no_duplicate_in_either():
    world, other = World(), PartyFactory(code="OTH")
    person = world.person()
    body = {"condition": "complete", "identification": "confirmed", "person": person}
    body.update(method="dna", identified_on=day(5))
    world.handover([body], date=day(5))
    to_other = world.handover([], date=day(6), reported=1)
    Handover.objects.filter(pk=to_other.pk).update(to_party=other)
    RemainsFactory(handover=to_other, **body)

    assert ConfirmedCheck.objects.count() == 0
    summaries = {row["party"]: row["discrepancy_count"] for row in ledger_summaries()}
    assert summaries["ARM"] == summaries["OTH"] == 0
    world.handover([body], date=day(7))
    [row] = ConfirmedCheck.objects.values_list("kind", "party_id", "from_on")
    assert row == ("duplicate", world.arm.pk, day(7))


def test_the_rebuild_command_recomputes_the_checks():
    world = World()
    person = world.person(status=PersonStatus.RELEASED, status_date=day(0))
    body = {"condition": "complete", "identification": "confirmed", "person": person}
    world.handover([{**body, "method": "dna", "identified_on": day(3)}] * 2, date=day(3))
    kept = stored_rows(CURRENT_CHECKS)
    ConfirmedCheck.objects.all().delete()
    out = io.StringIO()

    call_command("rebuild_tallies", stdout=out)

    assert stored_rows(CURRENT_CHECKS) == kept == stored_rows(CHECK_ROWS)
    assert [row[3] for row in kept] == ["alive", "duplicate"]
    assert "2 confirmed remains checks" in out.getvalue()
