"""A read replica that does not answer (core/db/replica.py): the public read is answered from
the primary, quickly, and the replica is left alone for a while instead of being waited for
by every request."""

import copy
import socket
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.db.replica import forget_replica_down, replica_marked_down
from core.db.routers import replica_database
from tests.factories import PersonFactory

PERSONS = "/api/v1/persons/"
# Far below the drill's figures, far above the replica's 0.3 s timeout set here: the point is
# that nobody waits for libpq's own multi-second connect timeout, or for ever.
QUICK = 2.0

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def close(connection):
    connection.close()
    if connection.settings_dict["OPTIONS"].get("pool"):
        connection.close_pool()


@pytest.fixture
def dead_replica(settings):
    """The router installed, with the replica alias pointing at a port nobody listens on."""
    settings.DATABASE_ROUTERS = ["core.db.routers.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware.insert(auth + 1, "core.db.replica.PublicReadMiddleware")
    settings.MIDDLEWARE = middleware
    replica = connections["replica"]
    close(replica)
    saved = copy.deepcopy(replica.settings_dict)
    url = f"postgres://postgres@127.0.0.1:{closed_port()}/{saved['NAME']}"
    dead = replica_database(url, connections["default"].settings_dict, timeout=0.3)
    replica.settings_dict.update(HOST=dead["HOST"], PORT=dead["PORT"], OPTIONS=dead["OPTIONS"])
    forget_replica_down()
    yield replica
    close(replica)
    replica.settings_dict.clear()
    replica.settings_dict.update(saved)
    forget_replica_down()


def timed_get(client, *args):
    started = time.monotonic()
    response = client.get(*args)
    return response, time.monotonic() - started


def test_a_public_read_is_answered_from_the_primary_when_the_replica_is_down(dead_replica):
    person = PersonFactory(full_name="Read From Primary", name_public=True)

    with CaptureQueriesContext(connections["default"]) as primary:
        response, took = timed_get(APIClient(), PERSONS)

    assert response.status_code == 200
    assert [row["full_name"] for row in response.json()["results"]] == [person.full_name]
    assert '"casualties_person"' in "\n".join(q["sql"] for q in primary.captured_queries)
    assert took < QUICK
    assert replica_marked_down()


def test_while_marked_down_the_replica_is_not_tried_again(dead_replica, monkeypatch):
    PersonFactory(name_public=True)
    client = APIClient()
    assert client.get(PERSONS).status_code == 200
    tries = []
    monkeypatch.setattr(dead_replica, "ensure_connection", lambda: tries.append(1))

    for page_size in (1, 2, 3):  # distinct URLs: no cached answer
        response, took = timed_get(client, PERSONS, {"page_size": page_size})
        assert response.status_code == 200
        assert took < QUICK

    assert tries == []


def test_after_the_retry_interval_the_replica_is_tried_again(dead_replica, settings):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    PersonFactory(name_public=True)
    client = APIClient()
    assert client.get(PERSONS).status_code == 200
    tries = []
    real = dead_replica.ensure_connection

    def counted():
        tries.append(1)
        return real()

    dead_replica.ensure_connection = counted
    try:
        assert client.get(PERSONS, {"page_size": 7}).status_code == 200
    finally:
        del dead_replica.ensure_connection

    assert tries


def test_the_replica_entry_bounds_its_connect_wait():
    primary = {"OPTIONS": {"pool": {"min_size": 1, "timeout": 0.25}}, "CONN_MAX_AGE": 0}
    entry = replica_database("postgres://r@replica.internal:5433/ledger", primary, timeout=0.4)

    assert entry["OPTIONS"]["pool"]["timeout"] == 0.4
    assert entry["OPTIONS"]["connect_timeout"] == 2  # libpq's floor
    assert primary["OPTIONS"]["pool"]["timeout"] == 0.25  # the primary's own is untouched
