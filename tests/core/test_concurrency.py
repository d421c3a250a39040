"""Concurrent writers against real PostgreSQL: many clients at once, through the whole stack
(middleware, token authentication, throttling, idempotency, services).

Each request runs in its own thread with its own database connection; a barrier releases them
together so they really overlap. The tests are transactional, so each thread sees what the
others committed, as separate server workers would.
"""

import datetime
import re
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from accounts.roles import CLERK, VERIFIER
from casualties.choices import STATUS_MOVES
from casualties.models import Figure, Person, StatusChange
from casualties.services import FORBIDDEN_MOVE, SAME_STATUS
from repatriation.choices import HandoverState
from repatriation.models import Handover, IdempotencyKey, Remains
from repatriation.services import ALREADY_VERIFIED, VERIFIED_IS_FINAL
from tests.api_clients import token_client
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)
from tests.web_helpers import verify_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def small_pool_afterwards():
    """These tests grow this process's pool to about 20 idle connections. Left there, they are
    20 dead connections once a later test cuts them (as a database restart does): psycopg_pool
    checks one per backoff step (1 s, 2 s …), so every request would spend its 5 s timeout
    discarding a few. The next tests get the small pool a server process normally has."""
    yield
    connection.close()
    connection.close_pool()


HANDOVERS = "/api/v1/handovers/"
DAY = "2022-09-20"


def run_together(calls: list[Callable]) -> list:
    """Run every call in its own thread, released at once; their results, in order.

    An exception in a thread (a 500 re-raised by the test client, say) fails the test.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread below
            errors.append(exc)
        finally:
            connection.close()  # Django's connections are per thread: give it back to the pool

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    if errors:
        raise errors[0]
    return results


def clerks(count: int) -> list:
    return [UserFactory(username=f"clerk{i}", groups=[CLERK]) for i in range(count)]


@pytest.fixture
def setting():
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
    }


def handover_body(index: int, rows: int) -> dict:
    return {
        "conflict": "sept-2022",
        "date": DAY,
        "location": f"Crossing {index}",
        "from_party": "AZE",
        "to_party": "ARM",
        "reported_count": rows,
        "remains": [{"condition": "complete"}] * rows,
    }


def rows_for(key_index: int) -> int:
    return 1 + key_index % 3


def assert_case_numbers_run_from_one(total: int) -> None:
    numbers = sorted(Remains.objects.values_list("case_number", flat=True))
    assert numbers == [f"{DAY}/{seq:03d}" for seq in range(1, total + 1)]


def test_twenty_clients_with_replayed_keys_get_one_handover_per_key(setting):
    users = clerks(4)
    keys = [f"batch-{i}" for i in range(12)]
    # 12 first requests and 8 replays of some of them, each from a client of its own.
    sends = [*range(12), *range(8)]
    calls = []
    for key_index in sends:
        client = token_client(users[key_index % len(users)])
        body = handover_body(key_index, rows_for(key_index))
        calls.append(
            lambda c=client, b=body, k=keys[key_index]: c.post(
                HANDOVERS, b, format="json", HTTP_IDEMPOTENCY_KEY=k
            )
        )

    responses = run_together(calls)

    assert [r.status_code for r in responses] == [201] * len(sends)
    by_key: dict[int, list] = {}
    for key_index, response in zip(sends, responses, strict=True):
        by_key.setdefault(key_index, []).append(response)
    for key_index, answers in by_key.items():
        assert all(r.json() == answers[0].json() for r in answers)  # a replay = the first answer
        assert sum(not r.has_header("Idempotent-Replayed") for r in answers) == 1
        handover = Handover.objects.get(pk=answers[0].json()["id"])
        assert handover.location == f"Crossing {key_index}"
        assert handover.remains.count() == rows_for(key_index)
    assert Handover.objects.count() == len(keys)
    assert Counter(Handover.objects.values_list("location", flat=True)) == Counter(
        f"Crossing {i}" for i in range(12)
    )
    stored = IdempotencyKey.objects.values_list("key", flat=True)
    assert sorted(stored) == sorted(keys)
    assert_case_numbers_run_from_one(sum(rows_for(i) for i in range(12)))


def test_two_handovers_posted_at_once_on_one_day_get_distinct_case_numbers(setting):
    first, second = (token_client(user) for user in clerks(2))

    responses = run_together(
        [
            lambda: first.post(HANDOVERS, handover_body(1, 5), format="json"),
            lambda: second.post(HANDOVERS, handover_body(2, 5), format="json"),
        ]
    )

    assert [r.status_code for r in responses] == [201, 201]
    answered = [row["case_number"] for r in responses for row in r.json()["remains"]]
    assert len(set(answered)) == 10
    assert_case_numbers_run_from_one(10)


# Plain moves (some legal from where they will find the person, "injured" and "missing" never)
# and corrections with a reason, allowed from any other status.
MOVES = [
    *[(status, "") for status in ("captured", "killed", "found_alive", "released")] * 2,
    *[(status, "") for status in ("injured", "missing")] * 2,
    *[
        (status, f"Correction {n}: the earlier record was wrong.")
        for n, status in enumerate(
            ("missing", "captured", "released", "killed", "found_alive", "injured", "missing")
        )
    ],
    ("captured", "Seen alive on a prisoners list."),
]


def assert_legal_history(person: Person) -> list[StatusChange]:
    """The history in the order it was recorded: each step a lifecycle move, or a flagged
    correction with a reason; and the person's current status is its last step."""
    history = list(StatusChange.objects.filter(person=person).order_by("id"))
    for before, change in zip(history, history[1:], strict=False):
        assert change.status != before.status
        allowed = change.status in STATUS_MOVES[before.status]
        assert change.is_correction is not allowed, (before.status, change.status)
        if change.is_correction:
            assert change.reason
    person.refresh_from_db()
    assert (person.status, person.status_date) == (history[-1].status, history[-1].effective_date)
    return history


def test_twenty_status_changes_at_once_none_lost_and_the_history_is_legal(setting):
    person = PersonFactory(conflict=setting["conflict"], party=setting["arm"], status="missing")
    clients = [token_client(user) for user in clerks(4)]
    url = f"/api/v1/persons/{person.pk}/status/"
    calls = [
        lambda c=clients[i % 4], s=status, r=reason: c.post(
            url, {"status": s, "effective_date": DAY, "reason": r}, format="json"
        )
        for i, (status, reason) in enumerate(MOVES)
    ]

    responses = run_together(calls)

    assert len(responses) == 20
    assert {r.status_code for r in responses} <= {201, 400}
    accepted = [r.json() for r in responses if r.status_code == 201]
    history = assert_legal_history(person)
    assert len(history) == 1 + len(accepted)  # the first status, then every accepted change
    assert {c["id"] for c in accepted} == {change.id for change in history[1:]}
    assert {c["id"]: c["is_correction"] for c in accepted} == {
        change.id: change.is_correction for change in history[1:]
    }
    assert history[-1].effective_date == datetime.date(2022, 9, 20)
    rejected = [r.json() for r in responses if r.status_code == 400]
    assert len(rejected) >= 4  # "injured" and "missing" without a reason never pass
    for body in rejected:
        assert (body["status"], body["code"], list(body["errors"])) == (400, "invalid", ["status"])
        patterns = [re.escape(str(m)).split("%\\(")[0] for m in (FORBIDDEN_MOVE, SAME_STATUS)]
        assert any(re.match(p, body["errors"]["status"][0]) for p in patterns)


def verifiers(count: int) -> list:
    return [UserFactory(username=f"verifier{i}", groups=[VERIFIER]) for i in range(count)]


@pytest.fixture
def draft(setting):
    handover = HandoverFactory(
        conflict=setting["conflict"],
        from_party=setting["aze"],
        to_party=setting["arm"],
        entered_by=clerks(1)[0],
    )
    RemainsFactory(handover=handover)
    return handover


def test_two_verifiers_at_once_one_wins_the_other_gets_a_409(draft):
    users = verifiers(2)
    clients = [token_client(user) for user in users]
    url = f"{HANDOVERS}{draft.pk}/verify/"

    responses = run_together([lambda c=c: c.post(url) for c in clients])

    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 409).json()
    assert winner["state"] == "verified"
    assert loser == {
        "status": 409,
        "code": "already_verified",
        "detail": str(ALREADY_VERIFIED % {"user": winner["verified_by"]}),
        "errors": {},
    }
    draft.refresh_from_db()
    assert draft.state == HandoverState.VERIFIED
    assert draft.verified_by.username == winner["verified_by"]
    assert draft.verified_at is not None
    assert winner["verified_by"] in {user.username for user in users}


def test_two_verifiers_at_once_on_the_page_one_wins_the_other_is_told_who(draft):
    users = verifiers(2)
    browsers = []
    for user in users:
        browser = Client()
        browser.force_login(user)
        browsers.append(browser)
    url = f"/handovers/{draft.pk}/verify/"
    # Each has the review page open and ticks the box that confirms the counts.
    forms = [verify_form(browser, draft) for browser in browsers]

    responses = run_together(
        [lambda b=b, f=f: b.post(url, f) for b, f in zip(browsers, forms, strict=True)]
    )

    assert sorted(r.status_code for r in responses) == [302, 409]
    draft.refresh_from_db()
    assert draft.state == HandoverState.VERIFIED
    page = next(r for r in responses if r.status_code == 409).content.decode()
    assert str(ALREADY_VERIFIED % {"user": draft.verified_by.username}) in page
    assert 'value="verify"' not in page
    assert next(r for r in responses if r.status_code == 302)["Location"] == (
        f"/handovers/{draft.pk}/"
    )


def test_a_clerk_editing_a_draft_while_it_is_verified_is_kept_or_told_it_is_final(draft):
    """Either the edit lands first and is verified with it, or it comes after and is refused
    with a 409: never lost silently, never a 500."""
    clerk, verifier = token_client(draft.entered_by), token_client(verifiers(1)[0])
    url = f"{HANDOVERS}{draft.pk}/"

    edit, verify = run_together(
        [
            lambda: clerk.patch(url, {"location": "Jermuk"}, format="json"),
            lambda: verifier.post(f"{url}verify/"),
        ]
    )

    assert verify.status_code == 200
    draft.refresh_from_db()
    assert draft.state == HandoverState.VERIFIED
    if edit.status_code == 200:
        assert draft.location == verify.json()["location"] == "Jermuk"
    else:
        assert edit.status_code == 409
        assert edit.json()["detail"] == str(VERIFIED_IS_FINAL)
        assert draft.location == verify.json()["location"] != "Jermuk"


@pytest.fixture
def statement(setting):
    statement = StatementFactory(
        conflict=setting["conflict"],
        source=SourceFactory(name="Ministry", party=setting["arm"]),
        citation_title="First",
    )
    FigureFactory(statement=statement, subject_party=setting["arm"], value=1)
    return statement


def figure_rows(category: str, value: int) -> list[dict]:
    return [{"subject_party": "ARM", "category": category, "value": value}]


def test_two_clerks_replacing_a_statement_at_once_leave_one_whole_version(statement):
    first, second = (token_client(user) for user in clerks(2))
    url = f"/api/v1/statements/{statement.pk}/"
    versions = {"A": figure_rows("killed", 5), "B": figure_rows("missing", 7)}

    responses = run_together(
        [
            lambda: first.patch(
                url, {"citation_title": "A", "figures": versions["A"]}, format="json"
            ),
            lambda: second.patch(
                url, {"citation_title": "B", "figures": versions["B"]}, format="json"
            ),
        ]
    )

    assert [r.status_code for r in responses] == [200, 200]
    statement.refresh_from_db()
    kept = versions[statement.citation_title]  # the last write wins, whole
    figures = Figure.objects.filter(statement=statement)
    assert [(f.category, f.value) for f in figures] == [(kept[0]["category"], kept[0]["value"])]


def test_two_clerks_editing_different_fields_of_a_statement_keep_both(statement):
    first, second = (token_client(user) for user in clerks(2))
    url = f"/api/v1/statements/{statement.pk}/"

    responses = run_together(
        [
            lambda: first.patch(url, {"citation_title": "Corrected title"}, format="json"),
            lambda: second.patch(url, {"note": "Figures as of noon."}, format="json"),
        ]
    )

    assert [r.status_code for r in responses] == [200, 200]
    statement.refresh_from_db()
    assert (statement.citation_title, statement.note) == ("Corrected title", "Figures as of noon.")
    assert Figure.objects.filter(statement=statement).count() == 1


def test_edits_racing_a_status_change_neither_lose_it_nor_each_other(setting):
    """Two clerks edit a person while a third records a status change: the status stays the
    last recorded change, and both edits are kept."""
    persons = [
        PersonFactory(conflict=setting["conflict"], party=setting["arm"], status="missing")
        for _ in range(6)
    ]
    rank, unit, status = (token_client(user) for user in clerks(3))
    calls = []
    for person in persons:
        url = f"/api/v1/persons/{person.pk}/"
        calls += [
            lambda u=url: rank.patch(u, {"rank": "Sergeant"}, format="json"),
            lambda u=url: unit.patch(u, {"unit": "3rd battalion"}, format="json"),
            lambda u=url: status.post(
                f"{u}status/", {"status": "captured", "effective_date": DAY}, format="json"
            ),
        ]

    responses = run_together(calls)

    assert [r.status_code for r in responses] == [200, 200, 201] * len(persons)
    for person in persons:
        history = assert_legal_history(person)
        assert [change.status for change in history] == ["missing", "captured"]
        assert (person.rank, person.unit) == ("Sergeant", "3rd battalion")
