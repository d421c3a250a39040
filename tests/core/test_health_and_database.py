"""The health endpoint and the start-up refusal of a database that cannot hold our names.

The failure cases run the app in a subprocess against a real server (or a real absent one),
since the test process itself is bound to the healthy test database.
"""

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core.db.embedded import EMBEDDED_SETTINGS, apply_embedded_settings

BASE_DIR = Path(__file__).resolve().parents[2]


def run_app(database_url: str, code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver",
    }
    script = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_json_when_the_database_is_unreachable():
    code = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code, r['Content-Type'], r.content.decode())"
    )
    # Nothing listens on port 9 here: the connection is refused, as when PostgreSQL is down.
    result = run_app("postgres://ledger@127.0.0.1:9/ledger", code)

    assert result.returncode == 0, result.stderr
    status, content_type, body = result.stdout.strip().split(" ", 2)
    assert (status, content_type) == ("503", "application/json")
    assert body == '{"status": "unavailable", "database": "unreachable"}'


@pytest.fixture
def ascii_database(db):
    """A real database on the same server whose character type is not UTF-8."""
    params = connection.get_connection_params()
    admin = {"host": params["host"], "user": params["user"], "dbname": "postgres"}
    if params.get("port"):
        admin["port"] = params["port"]
    name = "ledger_not_utf8"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(
            f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
            "TEMPLATE template0"
        )
    host = urllib.parse.quote(params["host"], safe="")
    port = f":{params['port']}" if params.get("port") else ""
    yield f"postgres://{params['user']}@{host}{port}/{name}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_app_refuses_a_database_whose_character_type_is_not_utf8(ascii_database):
    result = run_app(ascii_database, "from django.db import connection; connection.cursor()")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "uses character type 'C' with encoding 'SQL_ASCII'" in result.stderr
    assert "needs a UTF-8 character type" in result.stderr


def test_the_test_database_is_utf8(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] == "C.UTF-8"


def test_the_app_sessions_plan_without_parallel_workers(db):
    """A request's queries are short: the app's own sessions start no parallel workers (set
    per session: the server's setting is left as the deployer has it)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def _show(name: str) -> str:
    with psycopg.connect(**_server_params(), autocommit=True) as conn:
        return conn.execute(f"SHOW {name}").fetchone()[0]


def _server_params() -> dict:
    params = connection.get_connection_params()
    return {key: params[key] for key in ("host", "port", "user", "password") if key in params}


def _shown_after_reload(name: str, value: str) -> bool:
    """A reload is signalled, not awaited: new sessions see it within moments."""
    for _ in range(50):
        if _show(name) == value:
            return True
        time.sleep(0.1)
    return False


def test_the_embedded_server_is_given_its_bulk_load_settings(db):
    with psycopg.connect(**_server_params(), dbname="postgres", autocommit=True) as conn:
        conn.execute("ALTER SYSTEM RESET max_wal_size")
        conn.execute("SELECT pg_reload_conf()")
        assert _shown_after_reload("max_wal_size", "1GB")

        apply_embedded_settings(conn)

    assert _shown_after_reload("max_wal_size", EMBEDDED_SETTINGS["max_wal_size"])
