"""A login ends after SESSION_IDLE_TIMEOUT without a request, after SESSION_COOKIE_AGE in all,
and with the browser; time passes by editing the session's stored times, not by sleeping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.sessions import EXPIRED_MESSAGE, IDLE_MESSAGE, LAST_SEEN_AT, LOGGED_IN_AT

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MINUTE = 60
HOUR = 3600


def age_session(client, *, logged_in=0, last_seen=0):
    """Move the session's clocks back by that many seconds."""
    session = client.session
    session[LOGGED_IN_AT] -= logged_in
    session[LAST_SEEN_AT] -= last_seen
    session.save()
    return session


def test_thirty_idle_minutes_end_the_login(client, clerk):
    client.force_login(clerk)
    age_session(client, logged_in=31 * MINUTE, last_seen=31 * MINUTE)

    response = client.get("/handovers/")

    assert (response.status_code, response["Location"]) == (302, f"{LOGIN}?next=/handovers/")
    assert "_auth_user_id" not in client.session
    assert str(IDLE_MESSAGE) in client.get(LOGIN).content.decode()


def test_eight_hours_end_the_login_however_busy(client, clerk):
    client.force_login(clerk)
    age_session(client, logged_in=8 * HOUR + MINUTE, last_seen=10)

    response = client.get("/handovers/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert str(EXPIRED_MESSAGE) in client.get(LOGIN).content.decode()


def test_a_request_within_the_idle_time_keeps_the_login_and_restarts_the_clock(client, clerk):
    client.force_login(clerk)
    before = age_session(client, logged_in=7 * HOUR, last_seen=29 * MINUTE)[LAST_SEEN_AT]

    response = client.get("/handovers/")

    assert response.status_code == 200
    session = client.session
    assert session["_auth_user_id"] == str(clerk.pk)
    assert session[LAST_SEEN_AT] >= before + 29 * MINUTE
    # The login's own start does not move: the eight hours run from the password.
    assert session[LOGGED_IN_AT] == before - 7 * HOUR + 29 * MINUTE


def test_requests_a_few_seconds_apart_do_not_write_the_session(client, clerk):
    client.force_login(clerk)
    client.get("/handovers/")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/handovers/").status_code == 200

    writes = [q["sql"] for q in queries if 'UPDATE "django_session"' in q["sql"]]
    assert writes == []


def test_the_limits_follow_the_settings(client, clerk, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * MINUTE
    client.force_login(clerk)
    age_session(client, last_seen=6 * MINUTE)

    assert client.get("/handovers/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_session_from_before_the_clocks_gets_them_on_its_next_request(client, clerk):
    client.force_login(clerk)
    session = client.session
    del session[LOGGED_IN_AT], session[LAST_SEEN_AT]
    session.save()

    assert client.get("/handovers/").status_code == 200

    assert {LOGGED_IN_AT, LAST_SEEN_AT} <= set(client.session.keys())


def test_the_session_cookie_ends_with_the_browser(client, clerk):
    response = client.post(LOGIN, {"username": "clerk", "password": "pass-for-tests"})

    cookie = response.cookies["sessionid"]
    assert response.status_code == 302
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True


def test_anonymous_visitors_get_no_session(client):
    response = client.get("/ledger/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
