"""The person tallies the ledger's registry and captives read: kept by triggers on the status
changes and persons, they give the same figures as the queries over every person and status
change that the ledger ran before them (kept here only, as the reference), after any sequence
of writes, now and as of any day."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casualties.choices import PersonStatus, StatusBasis
from casualties.models import Person, StatusChange
from ledger.models import PersonMonthTally, PersonNowTally, PersonSpell, PersonTally
from ledger.people import basis_rows, captives_block, region_rows
from ledger.sql.common import PERSON, STATUS_CHANGE
from ledger.sql.registry import MEDIAN_DAYS_HELD, person_cells, status_counts
from tests.factories import PartyFactory, PersonFactory
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2022, 10, 1)
SCOPE = "p.conflict_id = %(conflict)s AND p.party_id = %(party)s"
DATED = "(%(as_of)s::date IS NULL OR sc.effective_date <= %(as_of)s::date)"
# Each person's status now (the person row) or as of the day (the last change on or before it).
STATUS_NOW = f"""
    SELECT p.id AS person_id, p.home_region AS region, p.status,
           coalesce((SELECT sc.basis FROM {STATUS_CHANGE} sc WHERE sc.person_id = p.id
                     ORDER BY sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC LIMIT 1),
                    'other') AS basis
    FROM {PERSON} p WHERE {SCOPE}
"""
STATUS_AS_OF = f"""
    SELECT DISTINCT ON (sc.person_id) sc.person_id, p.home_region AS region, sc.status,
           sc.basis
    FROM {STATUS_CHANGE} sc JOIN {PERSON} p ON p.id = sc.person_id
    WHERE {SCOPE} AND {DATED}
    ORDER BY sc.person_id, sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
"""
CAPTIVES = f"""
    WITH captured AS (
        SELECT sc.person_id, min(sc.effective_date) AS captured_on
        FROM {STATUS_CHANGE} sc JOIN {PERSON} p ON p.id = sc.person_id
        WHERE {SCOPE} AND sc.status = 'captured' AND {DATED}
        GROUP BY sc.person_id
    )
    SELECT ps.status,
           coalesce((SELECT min(sc.effective_date) FROM {STATUS_CHANGE} sc
                     WHERE sc.person_id = c.person_id AND sc.status IN ('released', 'killed')
                         AND sc.effective_date >= c.captured_on AND {DATED}),
                    coalesce(%(as_of)s::date, current_date)) - c.captured_on AS days
    FROM captured c JOIN ({{persons}}) ps ON ps.person_id = c.person_id
"""


def fetch(query, params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def median(values):
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2


def from_every_person(params):
    """The registry, by region, by basis and captives, from every person and status change."""
    persons = STATUS_AS_OF if params["as_of"] else STATUS_NOW
    rows = fetch(persons, params)
    registry, regions, bases = {}, {}, {}
    for row in rows:
        status, region, basis = row["status"], row["region"], row["basis"]
        registry[status] = registry.get(status, 0) + 1
        regions[region, status] = regions.get((region, status), 0) + 1
        bases[status, basis] = bases.get((status, basis), 0) + 1
    held = fetch(CAPTIVES.format(persons=persons), params)
    statuses = [row["status"] for row in held]
    captives = {
        "ever_captured": len(held),
        "released": statuses.count(PersonStatus.RELEASED),
        "killed": statuses.count(PersonStatus.KILLED),
        "still_held": statuses.count(PersonStatus.CAPTURED),
        "median_days_held": median([row["days"] for row in held]),
    }
    return registry, regions, bases, captives


def from_tallies(params):
    """The same four, as the ledger now reads them."""
    given_ = params["as_of"] is not None
    registry = {row["status"]: row["n"] for row in fetch(status_counts(as_of_given=given_), params)}
    cells = fetch(person_cells(as_of_given=given_), params)
    regions = {
        (entry["region"], status): entry[status]
        for entry in region_rows(cells)
        for status in PersonStatus.values
        if entry[status]
    }
    bases = {
        (status, basis): n for status, by in basis_rows(cells).items() for basis, n in by.items()
    }
    captives = captives_block(cells, fetch(MEDIAN_DAYS_HELD, params))
    return registry, regions, bases, captives


def assert_same_figures(world, party, days):
    for as_of in (None, *days):
        params = {"conflict": world.conflict.pk, "party": party.pk, "as_of": as_of}
        assert from_tallies(params) == from_every_person(params), as_of


def held_days():
    """The finished captivities' days: as the triggers keep them, and as the captivity
    tally gives them."""
    kept = fetch("SELECT party_id, days, n FROM ledger_helddaystally ORDER BY 1, 2", {})
    counted = fetch(
        """SELECT party_id, ended_on - captured_on AS days, sum(n)::int AS n
           FROM ledger_captivitytally WHERE ended_on IS NOT NULL
           GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2""",
        {},
    )
    return kept, counted


def keep_status_in_step():
    """What the services keep: each person's status and date are their newest change's."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {PERSON} p SET status = last.status, status_date = last.effective_date
            FROM (SELECT DISTINCT ON (person_id) person_id, status, effective_date
                  FROM {STATUS_CHANGE}
                  ORDER BY person_id, effective_date DESC, recorded_at DESC, id DESC) last
            WHERE last.person_id = p.id
        """)


def day(offset):
    return START + datetime.timedelta(days=offset)


statuses = st.sampled_from(PersonStatus.values)
writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("change"),
            st.integers(0, 5),
            statuses,
            st.integers(0, 40),
            st.sampled_from(StatusBasis.values),
        ),
        st.tuples(st.just("redate"), st.integers(0, 30), st.integers(0, 40)),
        st.tuples(st.just("restate"), st.integers(0, 30), statuses),
        st.tuples(st.just("undo"), st.integers(0, 30)),
        st.tuples(st.just("region"), st.integers(0, 5), st.sampled_from(["", "Syunik", "Lori"])),
        st.tuples(st.just("party"), st.integers(0, 5)),
        st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5)),
        st.tuples(st.just("delete"), st.integers(0, 5)),
    ),
    max_size=25,
)


def apply(write, persons, world, other):
    """One write, by the statements the services, imports and merges use."""
    kind, *args = write
    alive = [person for person in persons if Person.objects.filter(pk=person.pk).exists()]
    changes = list(StatusChange.objects.order_by("id"))
    if kind == "change" and alive:
        person, status, offset, basis = alive[args[0] % len(alive)], *args[1:]
        StatusChange.objects.create(
            person=person, status=status, effective_date=day(offset), basis=basis
        )
    elif kind in ("redate", "restate", "undo") and changes:
        change = StatusChange.objects.filter(pk=changes[args[0] % len(changes)].pk)
        if kind == "redate":
            change.update(effective_date=day(args[1]))
        elif kind == "restate":
            change.update(status=args[1])
        elif StatusChange.objects.filter(person=change.get().person_id).count() > 1:
            change.delete()  # as a merge's twin row goes: a person keeps at least one change
    elif kind == "region" and alive:
        Person.objects.filter(pk=alive[args[0] % len(alive)].pk).update(home_region=args[1])
    elif kind == "party" and alive:
        person = Person.objects.get(pk=alive[args[0] % len(alive)].pk)
        party = other if person.party_id == world.arm.pk else world.arm
        Person.objects.filter(pk=person.pk).update(party=party)
    elif kind == "merge" and len(alive) > 1:
        keep, drop = alive[args[0] % len(alive)], alive[args[1] % len(alive)]
        if keep != drop:
            StatusChange.objects.filter(person=drop).update(person=keep)
            Person.objects.filter(pk=drop.pk).delete()
    elif kind == "delete" and alive:
        Person.objects.filter(pk=alive[args[0] % len(alive)].pk).delete()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=writes)
def test_the_tallies_give_the_figures_of_every_person_after_any_writes(writes):
    with transaction.atomic():
        world = World()
        other = PartyFactory(code="OTH")
        persons = [
            PersonFactory(
                conflict=world.conflict,
                party=world.arm,
                home_region=region,
                status=status,
                status_date=day(offset),
            )
            for region, status, offset in [
                ("Syunik", PersonStatus.MISSING, 0),
                ("", PersonStatus.CAPTURED, 3),
                ("Lori", PersonStatus.INJURED, 3),
                ("Syunik", PersonStatus.CAPTURED, 10),
            ]
        ]
        for write in writes:
            apply(write, persons, world, other)
        keep_status_in_step()
        # Days on both sides of the data's middle: the tallies are summed up to an early
        # day, and taken back from the running totals after a late one.
        days = [day(offset) for offset in (0, 3, 9, 20, 31, 40)]
        assert_same_figures(world, world.arm, days)
        assert_same_figures(world, other, days)
        kept, counted = held_days()
        assert kept == counted
        transaction.set_rollback(True)


def test_a_captive_history_gives_the_figures_a_reader_expects():
    world = World()
    held = PersonFactory(
        conflict=world.conflict, party=world.arm, status=PersonStatus.CAPTURED, status_date=day(0)
    )
    freed = PersonFactory(
        conflict=world.conflict, party=world.arm, status=PersonStatus.CAPTURED, status_date=day(0)
    )
    StatusChange.objects.create(person=freed, status=PersonStatus.RELEASED, effective_date=day(30))
    keep_status_in_step()
    params = {"conflict": world.conflict.pk, "party": world.arm.pk, "as_of": day(40)}
    registry, _regions, _bases, captives = from_tallies(params)
    assert registry == {PersonStatus.CAPTURED: 1, PersonStatus.RELEASED: 1}
    # Held 40 days (still) and 30 (released): the median is their mean.
    assert captives == {
        "ever_captured": 2,
        "released": 1,
        "killed": 0,
        "still_held": 1,
        "median_days_held": 35.0,
    }
    before = from_tallies({**params, "as_of": day(20)})
    assert before[0] == {PersonStatus.CAPTURED: 2}
    assert before[3]["median_days_held"] == 20.0
    assert held.pk != freed.pk


def test_the_median_days_held_is_the_same_from_either_side_of_the_day():
    """Captivities begun, ended and still running around each day: as of early days the median
    sums the captivities begun by then; as of late ones (and now) the finished captivities'
    days less those ending after the day, with those running on it."""
    world = World()
    for captured, ended in ((0, 20), (5, 60), (10, None), (50, 55), (52, None), (8, 31)):
        person = PersonFactory(
            conflict=world.conflict,
            party=world.arm,
            status=PersonStatus.CAPTURED,
            status_date=day(captured),
        )
        if ended is not None:
            StatusChange.objects.create(
                person=person, status=PersonStatus.RELEASED, effective_date=day(ended)
            )
    keep_status_in_step()
    kept, counted = held_days()
    assert [(row["days"], row["n"]) for row in kept] == [(5, 1), (20, 1), (23, 1), (55, 1)]
    assert kept == counted
    # The captured days run from 0 to 52: 12 and 20 are read forward, the rest backward.
    assert_same_figures(world, world.arm, [day(offset) for offset in (12, 20, 30, 45, 53, 58)])
    late = from_tallies({"conflict": world.conflict.pk, "party": world.arm.pk, "as_of": day(58)})
    # As of day 58: held 20, 58-5=53 (ends at 60), 48, 5, 6 and 23 days.
    assert late[3]["median_days_held"] == 21.5


def test_a_rolled_back_write_leaves_no_tally():
    world = World()
    PersonFactory(conflict=world.conflict, party=world.arm, home_region="Lori")
    counted = list(PersonTally.objects.values_list("dimension", "value", "status", "day", "n"))
    with pytest.raises(RuntimeError), transaction.atomic():
        PersonFactory(conflict=world.conflict, party=world.arm, home_region="Lori")
        assert PersonNowTally.objects.get(dimension="region", value="Lori").n == 2
        raise RuntimeError
    assert list(PersonTally.objects.values_list("dimension", "value", "status", "day", "n")) == (
        counted
    )
    assert PersonNowTally.objects.get(dimension="region", value="Lori").n == 1


def test_the_rebuild_command_recomputes_the_person_tallies():
    world = World()
    for offset in range(3):
        PersonFactory(conflict=world.conflict, party=world.arm, status_date=day(offset))
    counted = sorted(PersonTally.objects.values_list("dimension", "value", "status", "day", "n"))
    PersonTally.objects.all().delete()
    PersonSpell.objects.all().delete()
    PersonMonthTally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert sorted(PersonTally.objects.values_list("dimension", "value", "status", "day", "n")) == (
        counted
    )
    assert "3 persons" in out.getvalue()
    months = fetch(
        """SELECT dimension, value, status, month, n FROM ledger_personmonthtally
           ORDER BY 1, 2, 3, 4""",
        {},
    )
    from_days = fetch(
        """SELECT dimension, value, status, date_trunc('month', day)::date AS month,
                  sum(n)::int AS n
           FROM ledger_persontally GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4""",
        {},
    )
    assert months == from_days
    assert sum(row["n"] for row in months if row["dimension"] == "region") == 3
