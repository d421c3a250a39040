"""The read-replica router (core/db/routers.py, core/db/replica.py).

The "replica" alias of the test settings is a mirror of the test database: a second
connection to it, so which connection ran a query shows where the router sent it. A mirror's
connection does not see the test's uncommitted rows, so the requests run in
``transaction=True`` tests, with committed data, as they would against a real replica.
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.roles import CLERK, JOURNALIST
from casualties.models import Party, Person
from core.db.replica import PublicReadMiddleware, is_public_read, read_alias
from core.db.routers import ReplicaRouter, replica_database
from tests.api_clients import token_client
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, UserFactory

ROUTER = "core.db.routers.ReplicaRouter"
MIDDLEWARE = "core.db.replica.PublicReadMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
PERSONS = "/api/v1/persons/"
REPLICA_URL = "postgres://reader:secret@replica.internal:5433/ledger"

integration = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def close_replica_pool():
    """The mirror's pooled connections would keep the test database from being dropped."""
    yield
    connections["replica"].close()
    if hasattr(connections["replica"], "close_pool"):
        connections["replica"].close_pool()


@pytest.fixture
def replica_routing(settings):
    """Settings as DATABASE_REPLICA_URL makes them: the router and the request marker."""
    settings.DATABASE_ROUTERS = [ROUTER]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index(AUTHENTICATION) + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware


@pytest.fixture
def person():
    conflict = ConflictFactory(slug="sept-2022")
    return PersonFactory(conflict=conflict, party=PartyFactory(code="ARM"), name_public=True)


@contextmanager
def captured():
    """(primary, replica): the SQL each connection ran inside the block."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def sql(capture) -> str:
    return "\n".join(query["sql"] for query in capture.captured_queries)


@integration
def test_an_anonymous_api_read_comes_from_the_replica(replica_routing, person):
    with captured() as (primary, replica):
        response = APIClient().get(PERSONS)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [person.pk]
    assert '"casualties_person"' in sql(replica)
    assert "ledger_data_version" in sql(replica)  # the ETag names the data it labels
    # The primary only counted the request for the rate limit and stored the cached answer.
    assert '"casualties_person"' not in sql(primary)
    assert "api_throttle" in sql(primary)


@integration
def test_an_anonymous_csv_export_streams_from_the_replica(replica_routing, person):
    with captured() as (primary, replica):
        response = APIClient().get(PERSONS, {"format": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response.status_code == 200
    assert person.full_name in body
    assert '"casualties_person"' in sql(replica)
    assert '"casualties_person"' not in sql(primary)


@integration
def test_a_ledger_page_reads_from_the_replica(replica_routing, person):
    with captured() as (primary, replica):
        response = APIClient().get("/ledger/sept-2022/ARM/")

    assert response.status_code == 200
    assert "repatriation_handover" in sql(replica)
    assert "repatriation_handover" not in sql(primary)


@integration
def test_a_journalist_token_read_comes_from_the_replica(replica_routing, person):
    client = token_client(UserFactory(username="journalist", groups=[JOURNALIST]))

    with captured() as (primary, replica):
        response = client.get(PERSONS)

    assert response.status_code == 200
    assert "knox_authtoken" in sql(replica)
    assert '"casualties_person"' in sql(replica)
    assert '"casualties_person"' not in sql(primary)


@integration
def test_a_clerk_with_a_token_reads_the_primary_once_known(replica_routing, person):
    client = token_client(UserFactory(username="clerk", groups=[CLERK]))

    with captured() as (primary, replica):
        response = client.get(PERSONS)

    assert response.status_code == 200
    assert response.json()["results"][0]["service_number"] == person.service_number
    # Only the token's own look-up, before anyone knew a clerk was calling, used the replica.
    assert '"casualties_person"' in sql(primary)
    assert '"casualties_person"' not in sql(replica)
    assert "auth_group" not in sql(replica)


@integration
def test_staff_sessions_and_the_admin_read_the_primary(replica_routing, person, client):
    client.force_login(UserFactory(username="clerk", groups=[CLERK]))
    with captured() as (_primary, replica):
        assert client.get(PERSONS).status_code == 200
        assert client.get(f"/persons/{person.pk}/").status_code == 200
    assert replica.captured_queries == []

    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    with captured() as (primary, replica):
        assert client.get("/admin/casualties/person/").status_code == 200
    assert replica.captured_queries == []
    assert '"casualties_person"' in sql(primary)


@integration
def test_a_post_reads_and_writes_the_primary(replica_routing, person):
    client = token_client(UserFactory(username="clerk", groups=[CLERK]))
    payload = {"conflict": "sept-2022", "party": "ARM", "full_name": "Գևորգ Սարգսյան"}
    payload |= {"name_public": True, "status": "missing", "status_date": "2022-09-14"}

    with captured() as (primary, replica):
        response = client.post(PERSONS, payload, format="json")

    assert response.status_code == 201, response.content
    assert Person.objects.filter(full_name="Գևորգ Սարգսյան").exists()
    assert replica.captured_queries == []
    assert 'INSERT INTO "casualties_person"' in sql(primary)


@integration
def test_reads_after_a_write_in_a_public_request_use_the_primary(replica_routing):
    def view(request):
        Party.objects.count()
        Party.objects.create(code="NEW", name="New party")
        Party.objects.filter(code="NEW").count()
        return HttpResponse()

    request = RequestFactory().get(PERSONS)
    request.user = AnonymousUser()
    with captured() as (primary, replica):
        PublicReadMiddleware(view)(request)

    assert [q["sql"] for q in replica.captured_queries if "casualties_party" in q["sql"]] == [
        'SELECT COUNT(*) AS "__count" FROM "casualties_party"'
    ]
    assert 'INSERT INTO "casualties_party"' in sql(primary)
    assert 'WHERE "casualties_party"."code" = \'NEW\'' in sql(primary)


def public_state(user):
    """read_alias() as a public request by ``user`` sees it, outside any transaction."""
    request = RequestFactory().get(PERSONS)
    request.user = user
    seen = {}

    def view(request):
        seen["before"] = read_alias()
        ReplicaRouter().db_for_write(Party)
        seen["after"] = read_alias()
        return HttpResponse()

    PublicReadMiddleware(view)(request)
    return seen


# Deciding for the replica connects to it (core/db/replica.py: a replica that does not answer
# is passed over), hence the database access, outside a test transaction as requests are.
@integration
def test_only_public_callers_are_sent_to_the_replica_and_only_until_they_write():
    journalist = User(username="journalist")
    journalist._ledger_groups = {JOURNALIST}  # known groups: no query needed
    clerk = User(username="clerk")
    clerk._ledger_groups = {CLERK}

    assert public_state(AnonymousUser()) == {"before": "replica", "after": "default"}
    assert public_state(journalist) == {"before": "replica", "after": "default"}
    assert public_state(clerk) == {"before": "default", "after": "default"}
    assert public_state(User(username="root", is_superuser=True))["before"] == "default"


def test_outside_a_public_request_everything_uses_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Person) == "default"
    assert router.db_for_write(Person) == "default"
    assert router.allow_migrate("default", "casualties") is True
    assert router.allow_migrate("replica", "casualties") is False
    assert router.allow_relation(Person(), Party()) is True


@pytest.mark.parametrize(
    ("method", "path", "public"),
    [
        ("GET", "/api/v1/persons/", True),
        ("HEAD", "/api/v1/ledger/", True),
        ("GET", "/ledger/sept-2022/ARM/", True),
        ("POST", "/api/v1/persons/", False),
        ("OPTIONS", "/api/v1/persons/", False),
        ("GET", "/persons/", False),
        ("GET", "/admin/", False),
        ("GET", "/accounts/login/", False),
    ],
)
def test_which_requests_are_public_reads(method, path, public):
    assert is_public_read(RequestFactory().generic(method, path)) is public


def test_without_a_replica_url_no_router_is_installed():
    assert django_settings.DATABASE_ROUTERS == []
    assert MIDDLEWARE not in django_settings.MIDDLEWARE


def test_the_replica_entry_takes_its_url_and_the_primary_s_connection_handling():
    primary = {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True, "OPTIONS": {"pool": {"max_size": 10}}}
    replica = replica_database(REPLICA_URL + "?sslmode=require", primary)

    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "replica.internal",
        5433,
        "ledger",
    )
    assert (replica["USER"], replica["PASSWORD"]) == ("reader", "secret")
    assert replica["OPTIONS"] == {"pool": {"max_size": 10}, "sslmode": "require"}
    assert (replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == (0, True)


def test_settings_with_a_replica_url_install_the_router_after_authentication():
    script = (
        "import json, config.settings as s; print(json.dumps("
        "[s.DATABASES['replica']['HOST'], s.DATABASE_ROUTERS, s.MIDDLEWARE]))"
    )
    env = {**os.environ, "DEBUG": "1", "DATABASE_REPLICA_URL": REPLICA_URL}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    host, routers, middleware = json.loads(result.stdout.strip().splitlines()[-1])

    assert (host, routers) == ("replica.internal", [ROUTER])
    assert middleware.index(MIDDLEWARE) == middleware.index(AUTHENTICATION) + 1
