"""The ledger's queries run prepared (core/db/prepared.py): planned once per connection, with
their scope tests settled first, and answering exactly as they do unprepared."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from casualties.models import Conflict, Party
from core.db.prepared import fetch, for_scope
from ledger.computation import ledger_for, ledger_series, ledger_summaries

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
ADDED = "added_by_a_migration"
SCOPED = (
    "SELECT id FROM t WHERE (%(conflict)s::bigint IS NULL OR conflict_id = %(conflict)s::bigint)"
    " AND (%(as_of)s::date IS NOT NULL AND day <= %(as_of)s::date)"
)


def prepared_statements(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = %s", [text])
        return cursor.fetchone()[0]


def test_a_query_is_prepared_once_on_its_connection_whatever_its_values():
    query = "SELECT %(a)s::int + 1 AS next"

    answers = [fetch(query, {"a": value}) for value in (1, 2, 3)]

    assert answers == [[{"next": 2}], [{"next": 3}], [{"next": 4}]]
    assert prepared_statements("SELECT $1::int + 1 AS next") == 1


def test_the_scope_tests_are_settled_by_which_values_the_scope_gives():
    one_ledger_now = for_scope(SCOPED, {"conflict": 7, "as_of": None})
    every_ledger_then = for_scope(SCOPED, {"conflict": None, "as_of": datetime.date(2024, 1, 1)})

    assert one_ledger_now == (
        "SELECT id FROM t WHERE (false OR conflict_id = %(conflict)s::bigint)"
        " AND (false AND day <= %(as_of)s::date)"
    )
    assert every_ledger_then == (
        "SELECT id FROM t WHERE (true OR conflict_id = %(conflict)s::bigint)"
        " AND (true AND day <= %(as_of)s::date)"
    )
    # The values stay parameters: another ledger or day shares the text, and its plan.
    assert for_scope(SCOPED, {"conflict": 8, "as_of": None}) == one_ledger_now


def ledgers() -> str:
    """Every ledger of the demo, now and as of days inside its two wars, and the summaries."""
    answers = []
    for conflict in Conflict.objects.order_by("pk"):
        for party in Party.objects.order_by("pk"):
            for as_of in (None, datetime.date(2020, 10, 20), datetime.date(2022, 9, 20)):
                scope = {"conflict": conflict, "party": party, "as_of": as_of}
                answers += [ledger_for(**scope), ledger_series(**scope)]
    answers += [ledger_summaries(), ledger_summaries(as_of=datetime.date(2022, 9, 20))]
    return json.dumps(answers, default=str, sort_keys=True)


def test_generic_plans_answer_as_planning_each_query_does():
    """The worst case of preparing: PostgreSQL made to use each statement's generic plan (no
    values seen) from its first run, against the same queries unprepared."""
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    raw = connection.connection
    try:
        raw.prepare_threshold = None
        unprepared = ledgers()
    finally:
        raw.prepare_threshold = 0
    with connection.cursor() as cursor:  # for this test's transaction only
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    generic = ledgers()

    assert generic == unprepared
    assert '"official_total": 207' in generic  # the demo's Armenian ledger, not empty ones
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE generic_plans > 0")
        assert cursor.fetchone()[0] >= 10


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_adds_columns_leaves_the_prepared_ledger_answering():
    """A deploy migrates while the app runs. PostgreSQL then replans the statements prepared
    on the app's connections; one whose columns changed with its tables (a ``*`` over a table)
    fails, at every run on that connection. The ledger names its columns: with a column added
    to every table it reads, by another connection, it answers as before."""
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = ledgers()
    params = connection.get_connection_params()
    server = {
        key: params[key]
        for key in ("host", "port", "user", "password", "dbname")
        if params.get(key)
    }
    with psycopg.connect(**server, autocommit=True) as migrator:
        tables = [
            table
            for (table,) in migrator.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename ~ %s",
                [r"^(casualties|repatriation|identification|ledger)_"],
            )
        ]
        try:
            for table in tables:
                migrator.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS {ADDED} int')

            assert ledgers() == before
        finally:
            for table in tables:
                migrator.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS {ADDED}')


@pytest.mark.parametrize(("setting", "threshold"), [(None, "0"), ("0", "None"), ("1", "0")])
def test_prepared_statements_can_be_turned_off_for_pgbouncer(setting, threshold):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_PREPARED"}
    if setting is not None:
        env["DATABASE_PREPARED"] = setting
    code = (
        "from config import database_settings as s;"
        "print(s.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip() == threshold, result.stderr
