"""POST /api/v1/handovers/ with an Idempotency-Key: a retry replays the first response and
creates nothing, even when the two requests race."""

import threading

import pytest
from django.db import connection

from repatriation.models import Handover, IdempotencyKey, Remains
from tests.api_clients import token_client
from tests.factories import ConflictFactory, PartyFactory, UserFactory

URL = "/api/v1/handovers/"


@pytest.fixture
def setting(db):
    ConflictFactory(slug="sept-2022")
    PartyFactory(code="ARM")
    PartyFactory(code="AZE")


def payload(**extra):
    return {
        "conflict": "sept-2022",
        "date": "2022-09-20",
        "from_party": "AZE",
        "to_party": "ARM",
        "reported_count": 2,
        "remains": [{"condition": "complete"}, {"condition": "partial"}],
        **extra,
    }


def post(client, body, key):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_replay_returns_the_first_response_and_creates_nothing(clerk_api, setting):
    first = post(clerk_api, payload(), "batch-0920")
    replay = post(clerk_api, payload(), "batch-0920")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Handover.objects.count() == 1
    assert Remains.objects.count() == 2
    stored = IdempotencyKey.objects.get()
    assert (stored.key, stored.response_status) == ("batch-0920", 201)
    assert stored.response_body["id"] == first.json()["id"]


@pytest.mark.django_db
def test_the_same_body_in_another_key_order_is_the_same_request(clerk_api, setting):
    first = post(clerk_api, payload(), "batch-0920")
    reordered = dict(reversed(list(payload().items())))

    replay = post(clerk_api, reordered, "batch-0920")

    assert (replay.status_code, replay.json()) == (201, first.json())
    assert Handover.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(clerk_api, setting):
    first = post(clerk_api, payload(), "batch-0920")

    response = post(clerk_api, payload(reported_count=3), "batch-0920")

    assert response.status_code == 422
    body = response.json()
    assert body == {
        "status": 422,
        "code": "idempotency_key_reused",
        "detail": "This Idempotency-Key was already used with a different request.",
        "errors": {},
    }
    assert list(Handover.objects.values_list("id", "reported_count")) == [(first.json()["id"], 2)]


@pytest.mark.django_db
def test_a_refused_request_is_not_kept_so_the_key_can_be_retried(clerk_api, setting):
    refused = post(clerk_api, payload(to_party="AZE"), "batch-0920")
    assert refused.status_code == 400
    assert IdempotencyKey.objects.count() == 0

    accepted = post(clerk_api, payload(), "batch-0920")

    assert accepted.status_code == 201
    assert Handover.objects.count() == 1


@pytest.mark.django_db
def test_different_users_with_the_same_key_are_independent(clerk_api, verifier_api, setting):
    by_clerk = post(clerk_api, payload(), "batch-0920")
    by_verifier = post(verifier_api, payload(), "batch-0920")

    assert by_clerk.status_code == by_verifier.status_code == 201
    assert by_clerk.json()["id"] != by_verifier.json()["id"]
    assert (by_clerk.json()["entered_by"], by_verifier.json()["entered_by"]) == (
        "clerk",
        "verifier",
    )
    assert Handover.objects.count() == 2
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
def test_a_malformed_key_is_a_400(clerk_api, setting, key):
    response = post(clerk_api, payload(), key)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Handover.objects.count() == 0


@pytest.mark.django_db
def test_without_a_key_each_post_creates(clerk_api, setting):
    assert clerk_api.post(URL, payload(), format="json").status_code == 201
    assert clerk_api.post(URL, payload(), format="json").status_code == 201
    assert Handover.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db
def test_a_key_does_not_let_the_public_write(anonymous_api, journalist_api, setting):
    assert post(anonymous_api, payload(), "k").status_code == 401
    assert post(journalist_api, payload(), "k").status_code == 403
    assert Handover.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_create_one_handover(setting):
    clerk = UserFactory(username="clerk", groups=["clerk"])
    clients = [token_client(clerk), token_client(clerk)]
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def send(index):
        try:
            barrier.wait(timeout=10)
            responses[index] = post(clients[index], payload(), "batch-0920")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True]
    assert Handover.objects.count() == 1
    assert Remains.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1
