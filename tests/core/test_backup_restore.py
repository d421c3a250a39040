"""``manage.py backup`` and ``restore`` (``make backup`` / ``make restore``): a backup restored
into a fresh database gives every ledger, the audit trail and the data version unchanged.

The data is committed (``transaction=True``), since pg_dump reads it from another connection.
Each database is read by a subprocess pointed at it, so the comparison runs the same code
paths the app does, on the original and on the copy alike.
"""

import io
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from casualties.models import Person
from repatriation.models import Handover

BASE_DIR = Path(__file__).resolve().parents[2]

SNAPSHOT = """
import datetime, json, django
django.setup()
from django.apps import apps
from pghistory.models import Context, Event
from core.audit import data_version
from casualties.models import Conflict, Party
from ledger.computation import ledger_for, ledger_summaries

def rows(model):
    return list(model.objects.order_by("pk").values())

summaries = ledger_summaries()
ledgers = {}
for row in summaries:
    pair = {"conflict": Conflict.objects.get(slug=row["conflict"]),
            "party": Party.objects.get(code=row["party"])}
    key = row["conflict"] + "/" + row["party"]
    ledgers[key] = ledger_for(**pair)
    ledgers[key + "@2022-09-18"] = ledger_for(**pair, as_of=datetime.date(2022, 9, 18))
events = {m._meta.label: rows(m) for m in apps.get_models() if issubclass(m, Event)}
print(json.dumps({"summaries": summaries, "ledgers": ledgers, "events": events,
                  "contexts": rows(Context), "version": data_version()}, default=str))
"""


def database_url(name: str) -> str:
    params = connection.get_connection_params()
    host = urllib.parse.quote(params["host"], safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{params['user']}@{host}{port}/{name}"


def snapshot(name: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(name),
        "DATABASE_POOL": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def maintenance():
    params = connection.get_connection_params()
    server = {"host": params["host"], "user": params["user"], "dbname": "postgres"}
    if params.get("port"):
        server["port"] = params["port"]
    return psycopg.connect(**server, autocommit=True)


def triggers(name: str) -> list[tuple[str, str]]:
    """(table, trigger) for every trigger of the audit trail and the data version."""
    params = connection.get_connection_params()
    server = {key: params[key] for key in ("host", "port", "user") if params.get(key)}
    with psycopg.connect(**server, dbname=name) as conn:
        return conn.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal ORDER BY 1, 2"
        ).fetchall()


@pytest.fixture
def fresh_database(transactional_db):
    """An empty UTF-8 database on the test server, dropped afterwards."""
    name = f"test_restore_{connection.settings_dict['NAME']}"[:63]
    with maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(
            f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
            "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
    yield name
    with maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Handover.objects.exists() and Person.objects.exists()


def test_a_restored_backup_has_every_ledger_the_audit_trail_and_the_data_version(
    demo, fresh_database, tmp_path
):
    call_command("backup", "--directory", str(tmp_path), stdout=io.StringIO())
    [dump] = tmp_path.iterdir()
    assert dump.name.startswith("ledger-") and dump.suffix == ".dump"

    call_command("restore", str(dump), "--into", fresh_database, "--yes")

    original = snapshot(connection.settings_dict["NAME"])
    restored = snapshot(fresh_database)
    assert len(original["summaries"]) >= 2
    assert original["summaries"][0]["received"] > 0
    assert sum(len(rows) for rows in original["events"].values()) > 100
    assert restored == original
    # The triggers that keep the audit trail, protect it and advance the data version too.
    assert triggers(fresh_database) == triggers(connection.settings_dict["NAME"])
    assert len(triggers(fresh_database)) > 20


def test_restoring_twice_over_a_restored_database_gives_it_again(demo, fresh_database, tmp_path):
    """--clean: restoring onto a database that already holds the data replaces it, whole."""
    call_command("backup", "--directory", str(tmp_path), stdout=io.StringIO())
    [dump] = tmp_path.iterdir()
    call_command("restore", str(dump), "--into", fresh_database, "--yes")
    call_command("restore", str(dump), "--into", fresh_database, "--yes")

    restored = snapshot(fresh_database)
    assert restored["summaries"] == snapshot(connection.settings_dict["NAME"])["summaries"]


def test_restore_refuses_without_confirmation_and_changes_nothing(demo, tmp_path, monkeypatch):
    before = Handover.objects.count()
    monkeypatch.setattr("builtins.input", lambda _question: "no")
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(tmp_path / "any.dump"))

    assert Handover.objects.count() == before


def test_restore_of_a_missing_file_says_so(transactional_db, tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "missing.dump"), "--yes")
