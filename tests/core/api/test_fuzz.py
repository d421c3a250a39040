"""Fuzzing the REST API from its own OpenAPI schema: no input may give a 5xx (DESIGN §6).

Schemathesis generates requests for every operation of ``/api/schema/``, both valid and invalid
(positive and negative modes: path, query and body values), and sends them to the WSGI
application in-process. Reads go anonymously, writes with a clerk's token, on the demo data.
Every example of one test shares the test's database transaction, which is sound here: the
services write inside ``transaction.atomic()``, so a rejected write rolls back to its own
savepoint and leaves the transaction usable for the next example. (Schemathesis's lazy pytest
integration, ``from_fixture``, does not run on pytest 9.2, hence the plain loop.)

The examples are derandomized so a run is reproducible; ``FUZZ_RANDOM=1`` explores new ones
and ``FUZZ_EXAMPLES=200`` explores more, e.g. before a release.
"""

import io
import os
from collections import Counter
from urllib.parse import quote

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api_clients import token_client

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app(settings):
    """The real WSGI application, on the test's connection and with no rate limit.

    Django's handler closes the database connection when a request starts and ends; inside a
    test that would drop the test's transaction, so (as Django's test client does) those
    signals are disconnected while the fuzzer runs.
    """
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    rates = {"anon": "100000/minute", "journalist": "100000/minute", "staff": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, wsgi_app):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


@pytest.fixture
def clerk_headers(api_schema):
    _token, key = AuthToken.objects.create(User.objects.get(username="clerk"))  # the demo's
    return {"Authorization": f"Token {key}"}


def fuzz(schema, headers: dict | None = None) -> tuple[list[str], Counter]:
    """Fuzz each operation of ``schema``: one line per operation that answered a 5xx, and how
    often each status came back (so a test can tell the requests got past authentication)."""
    failures, statuses = [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case):
                # Each example in its own savepoint, rolled back: examples stay independent,
                # and the database does not fill up with what the fuzzer managed to create.
                with transaction.atomic():
                    response = case.call(headers=headers)
                    transaction.set_rollback(True)
                statuses[response.status_code] += 1
                case.validate_response(response, checks=[not_a_server_error], headers=headers)

            try:
                send()
            except Exception as exc:  # noqa: BLE001 - every failing operation is listed at once
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures, statuses


def test_no_read_gives_a_server_error(api_schema):
    failures, statuses = fuzz(api_schema.include(method="GET"))

    assert failures == []
    assert statuses[200] > 0


def test_no_write_by_a_clerk_gives_a_server_error(api_schema, clerk_headers):
    # Not the logout endpoints: they revoke the very token the other requests are sent with.
    writes = api_schema.include(method=["POST", "PATCH"]).exclude(path_regex="^/api/v1/auth/")
    failures, statuses = fuzz(writes, headers=clerk_headers)

    assert failures == []
    # The token works: the requests reach the serializers (400) and the services.
    assert statuses[400] > 0
    assert statuses[401] == 0


# Regressions: inputs the fuzzer found that gave a 500.


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.mark.parametrize("offset", ["+19:18", "-23:59"])
def test_updated_since_takes_any_iso_utc_offset(anonymous, offset):
    # PostgreSQL refuses offsets beyond ±15:59; the filter hands it the moment in UTC.
    response = anonymous.get(f"/api/v1/handovers/?updated_since=2022-09-20T20:00{quote(offset)}")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_updated_since_beyond_year_1_in_utc_is_a_field_error(anonymous):
    response = anonymous.get("/api/v1/persons/?updated_since=0001-01-01T00:00%2B05:00")

    assert response.status_code == 400
    assert response.json()["errors"] == {"updated_since": ["Enter a valid date/time."]}


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/statements/", {"source": "S\x00"}, "source"),
        ("/api/v1/persons/", {"conflict": "x\x00", "full_name": "N"}, "conflict"),
        ("/api/v1/handovers/", {"to_party": "\x00"}, "to_party"),
    ],
)
def test_a_nul_in_a_related_name_is_a_field_error(clerk, url, body, field):
    response = token_client(clerk).post(url, body, format="json")

    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"][field][0]


@pytest.mark.parametrize("url", ["/api/v1/conflicts/%00/", "/api/v1/parties/a%00/"])
def test_a_nul_in_a_slug_or_code_url_is_not_found(anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 404
