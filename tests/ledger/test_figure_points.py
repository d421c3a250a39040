"""The figure points the ledger's figure queries read: kept by triggers on the figures,
statements and sources, they give the same rows as the queries over every figure, statement
and source that the ledger ran before them (kept here only, as the reference), after any
sequence of writes, now and as of any day, for every authority or one."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casualties.choices import FigureCategory
from casualties.models import Figure, Source, Statement
from ledger.models import FigurePoint
from ledger.sql import figures
from tests.factories import SourceFactory
from tests.ledger.figure_queries import QUERIES, SERIES_CATEGORIES
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2022, 9, 10)


def fetch(query, params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column.name for column in cursor.description]
        return sorted((dict(zip(names, row, strict=True)) for row in cursor.fetchall()), key=repr)


def assert_same_rows(world, days):
    scopes = [{"conflict": None, "party": None, "as_of": None, "source": None}]
    for party in (world.arm, world.aze):
        for as_of in (None, *days):
            for source in (None, world.ministry.name):
                scopes.append(
                    {
                        "conflict": world.conflict.pk,
                        "party": party.pk,
                        "as_of": as_of,
                        "source": source,
                    }
                )
    for params in scopes:
        for number, (points, reference) in enumerate(QUERIES):
            assert fetch(points, params) == fetch(reference, params), (number, params)


def day(offset):
    return START + datetime.timedelta(days=offset)


categories = st.sampled_from(SERIES_CATEGORIES)
values = st.integers(0, 6)
figure_rows = st.lists(st.tuples(st.integers(0, 1), categories, values), min_size=1, max_size=4)
writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("state"), st.integers(0, 2), st.integers(0, 8), st.integers(0, 2), figure_rows
        ),
        st.tuples(st.just("revise"), st.integers(0, 40), values),
        st.tuples(st.just("value"), st.integers(0, 40), values),
        st.tuples(st.just("redate"), st.integers(0, 40), st.integers(0, 8), st.integers(0, 2)),
        st.tuples(st.just("source"), st.integers(0, 40), st.integers(0, 2)),
        st.tuples(st.just("unfigure"), st.integers(0, 40)),
        st.tuples(st.just("unstate"), st.integers(0, 40)),
        st.tuples(st.just("party"), st.integers(0, 2), st.integers(0, 2)),
    ),
    max_size=20,
)


def pick(model, index):
    rows = list(model.objects.order_by("id"))
    return rows[index % len(rows)] if rows else None


def apply(write, world, sources):
    """One write, by the statements the services, imports and admin use."""
    kind, *args = write
    parties = [world.arm, world.aze, None]
    statement, figure = pick(Statement, args[0]), pick(Figure, args[0])
    if kind == "state":
        source, offset, late, rows = sources[args[0]], *args[1:]
        stated = Statement.objects.create(
            conflict=world.conflict,
            source=source,
            as_of=day(offset),
            issued_on=day(offset + late),
            citation_title="Release",
        )
        unique = {(party, category): value for party, category, value in rows}
        Figure.objects.bulk_create(
            Figure(statement=stated, subject_party=parties[party], category=category, value=value)
            for (party, category), value in unique.items()
        )
    elif kind == "revise" and figure:
        same = Figure.objects.filter(
            statement=figure.statement_id,
            subject_party=figure.subject_party_id,
            category=figure.category,
        )
        figure.pk, figure.value = None, args[1]
        figure.revision = same.aggregate(Max("revision"))["revision__max"] + 1
        figure.save()
    elif kind == "value" and figure:
        Figure.objects.filter(pk=figure.pk).update(value=args[1])
    elif kind == "redate" and statement:
        Statement.objects.filter(pk=statement.pk).update(
            as_of=day(args[1]), issued_on=day(args[1] + args[2])
        )
    elif kind == "source" and statement:
        Statement.objects.filter(pk=statement.pk).update(source=sources[args[1]])
    elif kind == "unfigure" and figure:
        figure.delete()
    elif kind == "unstate" and statement:
        statement.delete()
    elif kind == "party":
        Source.objects.filter(pk=sources[args[0]].pk).update(party=parties[args[1]])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=writes)
def test_the_points_give_the_rows_of_every_figure_after_any_writes(writes):
    with transaction.atomic():
        world = World()
        sources = [
            world.ministry,
            SourceFactory(name="ARM council", party=world.arm),
            SourceFactory(name="Observer", party=None),
        ]
        for write in writes:
            apply(write, world, sources)
        assert_same_rows(world, [day(2), day(5), day(8)])
        transaction.set_rollback(True)


POINT_FIELDS = [f.name for f in FigurePoint._meta.concrete_fields if not f.primary_key]


def points():
    return sorted(FigurePoint.objects.values_list("figure_id", "as_of", "value", "latest"))


def test_a_lowered_and_restated_figure_is_listed_twice():
    world = World()
    world.figure(FigureCategory.KILLED, 10, as_of=day(0))
    lowered = world.figure(FigureCategory.KILLED, 7, as_of=day(1))
    Figure.objects.create(
        statement=lowered.statement,
        subject_party=world.arm,
        category=FigureCategory.KILLED,
        value=5,
        revision=1,
    )
    params = {"conflict": world.conflict.pk, "party": world.arm.pk, "as_of": None, "source": None}
    rows = fetch(figures.FIGURE_CHANGES, params)
    assert sorted((r["change"], r["value"], r["previous_value"]) for r in rows) == [
        ("decreased", 5, 10),
        ("revised", 5, 7),
    ]


def test_a_rolled_back_write_leaves_the_points_as_they_were():
    world = World()
    world.figure(FigureCategory.KILLED, 10, as_of=day(0))
    before = points()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.figure(FigureCategory.KILLED, 12, as_of=day(1))
        Statement.objects.update(as_of=day(3), issued_on=day(3))
        assert len(points()) == 2
        raise RuntimeError
    assert points() == before
    assert len(before) == 1


def test_the_rebuild_command_restores_the_points():
    world = World()
    for offset, value in enumerate((4, 9, 6)):
        world.figure(FigureCategory.KILLED, value, as_of=day(offset))
    kept = sorted(FigurePoint.objects.values_list(*POINT_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FigurePoint._meta.db_table}")
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert sorted(FigurePoint.objects.values_list(*POINT_FIELDS)) == kept
    assert len(kept) == 3
    assert FigurePoint.objects.get(value=6).decreased
    assert "3 figure points" in out.getvalue()


def test_a_source_taking_another_side_moves_its_figures_to_the_other_claims():
    world = World()
    world.figure(FigureCategory.KILLED, 10, as_of=day(0))
    params = {"conflict": world.conflict.pk, "party": world.arm.pk, "as_of": None, "source": None}
    assert [row["value"] for row in fetch(figures.OFFICIAL, params)] == [10]
    Source.objects.filter(pk=world.ministry.pk).update(party=world.aze)
    assert fetch(figures.OFFICIAL, params) == []
    claims = fetch(figures.OTHER_CLAIMS, params)
    assert [(row["source"], row["value"], row["self_reported"]) for row in claims] == [
        ("ARM ministry", 10, False)
    ]
