"""Login, logout, lockout, who may open the staff pages, CSRF and the Content-Security-Policy."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.utils.html import escape

from accounts.auth import client_ip
from accounts.staff import STAFF_ONLY
from tests.factories import HandoverFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pass-for-tests"


@pytest.fixture
def draft(clerk):
    return HandoverFactory(entered_by=clerk)


def staff_pages(draft):
    return [
        "/handovers/",
        "/handovers/new/",
        f"/handovers/{draft.pk}/",
        f"/handovers/{draft.pk}/verify/",
        "/persons/lookup/?q=ar",
    ]


def test_every_staff_page_sends_anonymous_visitors_to_the_login_page(client, draft):
    for url in staff_pages(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next="), url


def test_a_journalist_is_refused_every_staff_page(client, journalist, draft):
    client.force_login(journalist)
    for url in staff_pages(draft):
        response = client.get(url)
        assert response.status_code == 403, url
        assert escape(str(STAFF_ONLY)) in response.content.decode(), url


def test_clerks_verifiers_and_admins_open_the_staff_pages(client, clerk, verifier, admin_user):
    draft = HandoverFactory(entered_by=UserFactory())
    for user in (clerk, verifier, admin_user):
        client.force_login(user)
        for url in staff_pages(draft):
            assert client.get(url).status_code == 200, (user, url)


def test_the_nav_offers_handovers_to_staff_only(client, clerk, journalist):
    assert 'href="/handovers/"' not in client.get("/ledger/").content.decode()
    client.force_login(journalist)
    assert 'href="/handovers/"' not in client.get("/ledger/").content.decode()
    client.force_login(clerk)
    assert 'href="/handovers/"' in client.get("/ledger/").content.decode()


def test_a_clerk_logs_in_and_lands_on_the_handovers(client, clerk):
    page = client.get(LOGIN).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page

    response = client.post(LOGIN, {"username": "clerk", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/handovers/")
    assert client.get("/handovers/").status_code == 200


def test_a_journalist_who_logs_in_lands_on_the_public_ledger(client, journalist):
    response = client.post(LOGIN, {"username": "journalist", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/ledger/")


def test_login_goes_back_to_the_page_asked_for(client, clerk):
    response = client.post(
        LOGIN, {"username": "clerk", "password": PASSWORD, "next": "/handovers/new/"}
    )

    assert response["Location"] == "/handovers/new/"


def test_a_wrong_password_shows_the_form_again_with_the_error(client, clerk):
    response = client.post(LOGIN, {"username": "clerk", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, clerk):
    client.force_login(clerk)

    response = client.post("/accounts/logout/")

    assert response.status_code == 200
    assert "You have logged out." in response.content.decode()
    assert client.get("/handovers/").status_code == 302


def fail_logins(client, username, times, address="10.0.0.1"):
    return [
        client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
        for _ in range(times)
    ]


def test_five_failed_logins_lock_the_account_with_a_clear_page(client, clerk, settings):
    settings.AXES_FAILURE_LIMIT = 5

    responses = fail_logins(client, "clerk", 5)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    page = responses[-1].content.decode()
    assert "Login locked" in page and "15 minutes" in page
    # Even the right password is refused now, and no session is opened.
    right = client.post(LOGIN, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_follows_the_username_to_another_address(client, clerk):
    fail_logins(client, "clerk", 5, address="10.0.0.1")

    response = client.post(
        LOGIN, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )

    assert response.status_code == 429


def test_an_address_spraying_usernames_is_locked_out(client, clerk, other_clerk):
    for name in ("a", "b", "c", "d", "e"):
        fail_logins(client, name, 1, address="10.0.0.9")

    response = client.post(
        LOGIN, {"username": "clerk2", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 429


def test_a_successful_login_clears_earlier_failures(client, clerk):
    fail_logins(client, "clerk", 4)
    client.post(LOGIN, {"username": "clerk", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    client.post("/accounts/logout/")

    responses = fail_logins(client, "clerk", 1)

    assert responses[0].status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_the_admin_login_is_locked_out_too(client, admin_user):
    fail_logins(client, "admin", 5)

    response = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )

    assert response.status_code == 429


def test_without_proxies_the_client_address_is_the_connection_s(settings):
    settings.LOGIN_NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.1"


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(settings):
    settings.LOGIN_NUM_PROXIES = 1
    # The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    assert client_ip(request) == "203.0.113.7"


def test_posts_without_a_csrf_token_are_refused(clerk, draft):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    assert refused.status_code == 403
    assert "The form could not be sent" in refused.content.decode()
    assert_no_inline_code(refused.content.decode(), LOGIN)
    client.force_login(clerk)
    assert client.post("/handovers/new/", {}).status_code == 403
    assert client.post(f"/handovers/{draft.pk}/verify/", {"action": "verify"}).status_code == 403


def test_staff_forms_carry_a_csrf_token(client, clerk, verifier, draft):
    client.force_login(verifier)
    for url in ("/handovers/new/", f"/handovers/{draft.pk}/verify/", "/handovers/"):
        page = client.get(url).content.decode()
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S):
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:80])


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    return dict(part.split(" ", 1) for part in directives if part)


def assert_no_inline_code(page: str, url: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
    assert "<style" not in page, url
    assert not re.search(r"\sstyle=", page), url
    assert not re.search(r"\son[a-z]+=", page), url


def test_every_page_sends_the_content_security_policy_and_has_no_inline_code(
    client, verifier, draft
):
    pages = ["/ledger/", LOGIN, "/api/docs/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response).items() >= CSP.items(), url
        assert_no_inline_code(response.content.decode(), url)
    client.force_login(verifier)
    for url in [*staff_pages(draft)[:-1], "/handovers/?state=draft"]:
        response = client.get(url)
        assert policy(response).items() >= CSP.items(), url
        assert_no_inline_code(response.content.decode(), url)


def test_the_api_docs_load_their_script_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', page)

    assert script, page
    response = client.get(script[1].replace("&amp;", "&"))
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()
