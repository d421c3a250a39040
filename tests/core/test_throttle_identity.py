"""Who the API's rate limit counts (core/api/throttling.py, core/clients.py), and what a
database error becomes (core/db/unavailable.py)."""

import json
import logging
import types

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from psycopg_pool import PoolTimeout

from accounts.auth import client_ip
from core.api.throttling import bucket
from core.clients import client_address
from core.db.unavailable import server_error
from core.tasks import purge_api_throttle

pytestmark = pytest.mark.django_db
URL = "/api/v1/parties/"
NOW = 1_800_000_030.0


@pytest.fixture
def frozen_clock(monkeypatch):
    """One minute's window for the whole test, wherever the real clock is."""
    monkeypatch.setattr("core.api.throttling.time", types.SimpleNamespace(time=lambda: NOW))


def throttle_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT bucket, window_start, hits FROM api_throttle ORDER BY bucket")
        return cursor.fetchall()


def test_made_up_forwarded_addresses_share_the_connection_s_limit(client, settings, frozen_clock):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "120/minute"},  # production's default
    }
    statuses = [
        client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{i % 250}, 10.1.{i}.1").status_code
        for i in range(200)
    ]

    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429
    assert set(statuses[120:]) == {429}
    assert throttle_rows() == [(bucket("anon", "127.0.0.1"), int(NOW // 60 * 60), 200)]


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_7_kb_forwarded_header_is_counted_not_a_503(client, settings, frozen_clock, proxies):
    settings.API_NUM_PROXIES = proxies
    huge = "1" * 7 * 1024

    response = client.get(URL, HTTP_X_FORWARDED_FOR=huge)

    assert response.status_code in (200, 429)
    [(stored, _window, _hits)] = throttle_rows()
    assert stored == bucket("anon", "127.0.0.1") and len(stored) == len("anon:") + 32


def test_behind_a_configured_proxy_each_client_is_limited_on_its_own(
    client, settings, frozen_clock
):
    settings.API_NUM_PROXIES = 1
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "2/minute"},
    }
    # The client wrote the left entry itself; the proxy appended the address it saw.
    first = [client.get(URL, HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.7") for i in range(3)]
    other = client.get(URL, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8")

    assert [r.status_code for r in first] == [200, 200, 429]
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.254"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "not an address", "10.0.0.254"),
        (1, "", "10.0.0.254"),
    ],
)
def test_the_login_lockout_and_the_throttle_see_the_same_client(
    settings, proxies, forwarded, expected
):
    settings.API_NUM_PROXIES = settings.LOGIN_NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == client_address(request, proxies) == expected


def test_the_periodic_purge_deletes_ended_windows_only(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO api_throttle (bucket, window_start, hits) VALUES "
            "('anon:gone', 1000, 3), ('anon:old', extract(epoch FROM now())::bigint - 90000, 1)"
        )
    client.get(URL)  # this minute's window

    purge_api_throttle(timestamp=0)

    assert [row[0] for row in throttle_rows()] == [bucket("anon", "127.0.0.1")]


def failing_with(exc: Exception, path: str):
    """server_error as Django calls it: inside the except block of the failed request."""
    try:
        raise exc
    except Exception:
        return server_error(RequestFactory().get(path))


def wrapped(driver_error: psycopg.Error) -> OperationalError:
    """The driver's error as Django raises it (its own class, the driver's as the cause)."""
    error = OperationalError(str(driver_error))
    error.__cause__ = driver_error
    return error


@pytest.mark.parametrize(
    "exc",
    [
        wrapped(psycopg.OperationalError("connection refused")),
        wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        wrapped(psycopg.errors.ConnectionFailure("connection failure")),
        wrapped(psycopg.errors.TooManyConnections("too many clients")),
        PoolTimeout("couldn't get a connection after 0.5 sec"),
    ],
)
def test_connection_failures_are_a_503(exc):
    assert failing_with(exc, "/api/v1/persons/").status_code == 503


@pytest.mark.parametrize(
    "exc",
    [
        wrapped(psycopg.errors.ProgramLimitExceeded("index row size exceeds maximum")),
        wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
        wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
    ],
)
def test_any_other_database_error_is_a_logged_500_with_a_request_id(exc, caplog):
    with caplog.at_level(logging.ERROR, logger="core.db.unavailable"):
        api = failing_with(exc, "/api/v1/persons/")
        page = failing_with(exc, "/persons/")

    body = json.loads(api.content)
    assert (api.status_code, page.status_code) == (500, 500)
    assert (body["status"], body["code"]) == (500, "server_error")
    assert body["request_id"] in body["detail"] and api["X-Request-ID"] == body["request_id"]
    assert page["X-Request-ID"].encode() in page.content
    logged = [record for record in caplog.records if record.exc_info]
    assert [r.args[0] for r in logged] == [api["X-Request-ID"], page["X-Request-ID"]]
    assert b"index row size" not in api.content + page.content
