"""A database that does not answer gives 503 "try again" — JSON for the API, a plain page
elsewhere — never a 500 with a traceback (core/db/unavailable.py).

The end-to-end cases run the app in a subprocess pointed at a port where nothing listens (the
test process itself is bound to the healthy test database), without the pool so the refusal
is immediate; the pool's own timeout is the same OperationalError
(tests/core/test_health_and_database.py waits it out once, and bench/outage.py stops a real
server under load).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import RequestFactory

from core.db.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, server_error

BASE_DIR = Path(__file__).resolve().parents[2]
DEAD_DATABASE = "postgres://ledger@127.0.0.1:9/ledger"
EXPECTED_JSON = {
    "status": 503,
    "code": "database_unavailable",
    "detail": str(UNAVAILABLE_MESSAGE),
    "errors": {},
}

REQUESTS = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
# A session cookie: a logged-in user's staff page fails already on loading the session.
client.cookies["sessionid"] = "s" * 32
answers = {}
for method, url in [("get", "/api/v1/ledger/"), ("get", "/api/v1/persons/?status=missing"),
                    ("post", "/api/v1/handovers/"), ("get", "/ledger/"), ("get", "/persons/")]:
    r = getattr(client, method)(url, HTTP_AUTHORIZATION="Token " + "a" * 64)
    answers[method + " " + url] = [r.status_code, r["Content-Type"], r.get("Retry-After"),
                                   r.content.decode()]
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def answers_without_database():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": DEAD_DATABASE,
        "DATABASE_POOL": "0",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "request_line",
    ["get /api/v1/ledger/", "get /api/v1/persons/?status=missing", "post /api/v1/handovers/"],
)
def test_an_api_request_without_a_database_is_a_503_in_the_api_error_shape(
    answers_without_database, request_line
):
    status, content_type, retry_after, body = answers_without_database[request_line]

    assert (status, content_type) == (503, "application/json")
    assert retry_after == str(RETRY_AFTER_SECONDS)
    assert json.loads(body) == EXPECTED_JSON


@pytest.mark.parametrize("request_line", ["get /ledger/", "get /persons/"])
def test_a_page_without_a_database_is_a_plain_503_page(answers_without_database, request_line):
    status, content_type, retry_after, body = answers_without_database[request_line]

    assert status == 503
    assert content_type.startswith("text/html")
    assert retry_after == str(RETRY_AFTER_SECONDS)
    assert "Temporarily unavailable" in body
    assert str(UNAVAILABLE_MESSAGE) in body
    # Nothing of the failure itself: no traceback, no connection details.
    for leak in ("Traceback", "OperationalError", "127.0.0.1", "port 9", "psycopg"):
        assert leak not in body


def failing_with(exc: Exception, path: str):
    """server_error as Django calls it: inside the except block of the failed request."""
    request = RequestFactory().get(path)
    try:
        raise exc
    except Exception:
        return server_error(request)


@pytest.mark.parametrize(
    "exc",
    [OperationalError("server closed the connection"), psycopg.OperationalError("pool timeout")],
)
def test_the_error_handler_maps_a_lost_database_to_503(exc):
    api = failing_with(exc, "/api/v1/persons/")
    page = failing_with(exc, "/persons/")

    assert api.status_code == page.status_code == 503
    assert json.loads(api.content) == EXPECTED_JSON
    assert b"server closed" not in page.content and b"pool timeout" not in page.content


@pytest.mark.parametrize("exc", [ValueError("a bug"), IntegrityError("duplicate key")])
def test_any_other_error_stays_a_500(exc):
    response = failing_with(exc, "/persons/")

    assert response.status_code == 500
    assert b"a bug" not in response.content and b"duplicate key" not in response.content


def test_the_pool_replaces_connections_that_a_database_restart_cut(transactional_db, client):
    """As after a restart: every pooled connection is dead. The pool's check (CONN_HEALTH_CHECKS)
    finds it out before lending one, so the next request gets a fresh connection, not a 503."""
    assert client.get("/healthz").status_code == 200
    # Back to the pool, as a served request's connection is when it ends (the test client keeps
    # it for the test's sake).
    connection.close()
    params = connection.get_connection_params()
    server = {key: params[key] for key in ("host", "port", "user", "dbname") if params.get(key)}
    with psycopg.connect(**server, autocommit=True) as admin:
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert cut >= 1

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
