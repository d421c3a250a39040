"""Data versions per (conflict, party) and for reference data (core/audit.py, issue 21): a write
advances the versions of what it changed, at commit, and nothing else; answers key on them."""

import functools

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.http import parse_http_date

from casualties.models import Party, Person
from core.audit import data_version, scoped_version
from core.audit_trail import start_bulk_inserts
from ledger import computation
from ledger.api import views as ledger_api
from repatriation.choices import HandoverState
from repatriation.models import Handover
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def ledger_url(conflict, party):
    return f"/api/v1/ledger/{conflict.slug}/{party.code}/"


@pytest.fixture
def world():
    """Conflicts A and B; parties X, Y, Z in both; every row committed."""
    a, b = ConflictFactory(slug="conflict-a"), ConflictFactory(slug="conflict-b")
    x, y, z = PartyFactory(code="X"), PartyFactory(code="Y"), PartyFactory(code="Z")
    # A first row in each ledger, so every scope has a version of its own.
    for conflict in (a, b):
        for party in (x, y, z):
            PersonFactory(conflict=conflict, party=party)
    return {"a": a, "b": b, "x": x, "y": y, "z": z}


def etag(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def verified_handover(conflict, from_party, to_party, rows=1):
    """A handover of ``rows`` remains, verified by someone else, in one transaction."""
    with transaction.atomic():
        handover = HandoverFactory(
            conflict=conflict, from_party=from_party, to_party=to_party, reported_count=rows
        )
        for _ in range(rows):
            RemainsFactory(handover=handover)
        Handover.objects.filter(pk=handover.pk).update(
            state=HandoverState.VERIFIED, verified_by=UserFactory(), verified_at=timezone.now()
        )
    return handover


def test_a_write_in_one_conflict_changes_its_ledger_and_not_another_conflicts(client, world):
    a, b, x, y = world["a"], world["b"], world["x"], world["y"]
    before_a, before_b = etag(client, ledger_url(a, x)), etag(client, ledger_url(b, x))
    lists = [f"/api/v1/handovers/?conflict={c.slug}" for c in (a, b)] + ["/api/v1/handovers/"]
    lists_before = [etag(client, url) for url in lists]

    verified_handover(a, y, x)

    assert etag(client, ledger_url(a, x)) != before_a
    assert etag(client, ledger_url(b, x)) == before_b
    list_a, list_b, unfiltered = (etag(client, url) for url in lists)
    assert list_a != lists_before[0]
    assert list_b == lists_before[1]
    assert unfiltered != lists_before[2]  # unfiltered lists key on the global version


def test_a_handover_changes_the_ledgers_of_both_its_parties_and_no_third(client, world):
    a, x, y, z = world["a"], world["x"], world["y"], world["z"]
    before = {party.code: etag(client, ledger_url(a, party)) for party in (x, y, z)}

    verified_handover(a, y, x, rows=3)

    after = {party.code: etag(client, ledger_url(a, party)) for party in (x, y, z)}
    assert after["X"] != before["X"]
    assert after["Y"] != before["Y"]
    assert after["Z"] == before["Z"]


def test_reference_data_changes_every_ledger(client, world):
    a, b, x = world["a"], world["b"], world["x"]
    before = [etag(client, ledger_url(c, x)) for c in (a, b)]

    Party.objects.filter(pk=world["z"].pk).update(name="Renamed")

    after = [etag(client, ledger_url(c, x)) for c in (a, b)]
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_a_rolled_back_write_changes_no_version(world):
    a, x, y = world["a"], world["x"], world["y"]
    scopes = [None, (a.slug, None), (a.slug, x.code), (a.slug, y.code), ("conflict-b", "X")]
    before = [scoped_version(scope) for scope in scopes]

    with pytest.raises(RuntimeError), transaction.atomic():
        verified_handover(a, y, x, rows=3)
        raise RuntimeError("roll back")

    assert [scoped_version(scope) for scope in scopes] == before


def test_a_rolled_back_savepoint_takes_its_scopes_with_it(world):
    a, b, x, y = world["a"], world["b"], world["x"], world["y"]
    before_a, before_b = scoped_version((a.slug, x.code)), scoped_version((b.slug, x.code))
    global_before = data_version()[0]

    with transaction.atomic():
        PersonFactory(conflict=b, party=x)
        with pytest.raises(RuntimeError), transaction.atomic():
            verified_handover(a, y, x)
            raise RuntimeError("roll back the savepoint only")

    assert scoped_version((a.slug, x.code)) == before_a
    assert scoped_version((b.slug, x.code)) != before_b
    assert data_version()[0] == global_before + 1  # one transaction, one global step


def test_one_transaction_touching_several_ledgers_advances_the_global_version_once(world):
    a, b, x, y = world["a"], world["b"], world["x"], world["y"]
    global_before = data_version()[0]

    with transaction.atomic():
        verified_handover(a, y, x, rows=3)
        PersonFactory(conflict=b, party=y)

    number = data_version()[0]
    assert number == global_before + 1
    # Every scope it touched names that same step; one it did not keeps its older one.
    for scope in [(a.slug, x.code), (a.slug, y.code), (b.slug, y.code)]:
        assert scoped_version(scope)[0].split(".")[0] == str(number)
    assert scoped_version((b.slug, x.code))[0].split(".")[0] != str(number)


def test_no_version_moves_before_the_write_commits(world):
    a, x, y = world["a"], world["x"], world["y"]
    before = scoped_version((a.slug, x.code), using="default")

    with transaction.atomic():
        verified_handover(a, y, x)
        # Inside the writing transaction the rows are there, the versions are not yet.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version FROM ledger_scope_version WHERE scope = %s", ["c/conflict-a/p/X"]
            )
            assert cursor.fetchone()[0] == int(before[0].split(".")[0])

    assert scoped_version((a.slug, x.code)) != before


def test_an_old_etag_gets_200_and_the_new_data_after_a_write(client, world):
    a, x = world["a"], world["x"]
    url = ledger_url(a, x)
    first = client.get(url)
    assert first.json()["official"]["killed_or_missing"] is None
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    FigureFactory(statement__conflict=a, statement__source__party=x, subject_party=x, value=207)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json()["official"]["killed_or_missing"]["value"] == 207
    assert again["ETag"] != first["ETag"]
    assert parse_http_date(again["Last-Modified"]) >= parse_http_date(first["Last-Modified"])


def test_a_status_change_touches_only_its_persons_ledger(client, world):
    a, b, x, y = world["a"], world["b"], world["x"], world["y"]
    person = PersonFactory(conflict=a, party=x)
    before = {key: etag(client, ledger_url(*key)) for key in [(a, x), (a, y), (b, x)]}

    Person.objects.filter(pk=person.pk).update(unit="2nd battalion")

    after = {key: etag(client, ledger_url(*key)) for key in [(a, x), (a, y), (b, x)]}
    assert after[(a, x)] != before[(a, x)]
    assert after[(a, y)] == before[(a, y)]
    assert after[(b, x)] == before[(b, x)]


def test_a_cached_ledger_of_one_conflict_survives_a_write_to_another(client, world, monkeypatch):
    a, b, x, y = world["a"], world["b"], world["x"], world["y"]
    computed = []

    @functools.wraps(computation.ledger_for)
    def counting(**kwargs):
        computed.append(kwargs["conflict"].slug)
        return computation.ledger_for(**kwargs)

    monkeypatch.setattr(ledger_api, "ledger_for", counting)
    client.get(ledger_url(a, x))
    client.get(ledger_url(b, x))
    assert computed == ["conflict-a", "conflict-b"]

    verified_handover(a, y, x)
    client.get(ledger_url(b, x))  # from the cache: B's version did not move
    client.get(ledger_url(a, x))  # computed again: A's did

    assert computed == ["conflict-a", "conflict-b", "conflict-a"]
    assert client.get(ledger_url(a, x)).json()["returned"]["received"] == 1


def test_a_list_filtered_by_conflict_and_party_keys_on_that_ledger(client, world):
    a, y = world["a"], world["y"]
    urls = {code: f"/api/v1/persons/?conflict={a.slug}&party={code}" for code in "XYZ"}
    before = {code: etag(client, url) for code, url in urls.items()}

    PersonFactory(conflict=a, party=y)

    after = {code: etag(client, url) for code, url in urls.items()}
    assert after["Y"] != before["Y"]
    assert after["X"] == before["X"]
    assert after["Z"] == before["Z"]


def test_a_filter_value_postgresql_cannot_hold_is_no_error(client, world):
    response = client.get("/api/v1/persons/", {"conflict": "a\x00b", "party": "X"})

    assert response.status_code < 500


def test_a_bulk_insert_advances_every_ledgers_version(world):
    # Rows inserted in the bulk mode are not looked at one by one: reference data is touched.
    other_ledger = scoped_version(("conflict-b", "Y"))

    with transaction.atomic():
        with connection.cursor() as cursor:
            start_bulk_inserts(cursor)
        PersonFactory(conflict=world["a"], party=world["x"])

    assert scoped_version(("conflict-b", "Y")) != other_ledger
