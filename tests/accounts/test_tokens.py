"""API tokens: ``issue_token`` expires them after API_TOKEN_DAYS, their owner revokes one or all
(``/api/v1/auth/logout/``, ``…/logoutall/``), a revoked or expired token is refused (401), and
admins list and revoke them seeing metadata only — never a key or a digest."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tokens import token_issue, with_labels

LOGOUT = "/api/v1/auth/logout/"
LOGOUT_ALL = "/api/v1/auth/logoutall/"
# Writes need a token that authenticates; a GET of a staff-tier answer shows it did.
PROBE = "/api/v1/persons/"
TOKENS_URL = reverse("admin:knox_authtoken_changelist")


def with_key(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def authenticates(key) -> bool:
    return with_key(key).get(PROBE).status_code == 200


def test_issue_token_without_days_expires_after_api_token_days(clerk):
    err = io.StringIO()
    before = timezone.now()
    call_command("issue_token", "clerk", stdout=io.StringIO(), stderr=err)

    token = AuthToken.objects.get(user=clerk)
    days = settings.REST_KNOX["TOKEN_TTL"]
    assert before + days <= token.expiry <= timezone.now() + days
    assert "expires never" not in err.getvalue()
    assert f"expires {token.expiry.date().isoformat()}" in err.getvalue()


def test_issue_token_with_days_expires_then(clerk):
    call_command("issue_token", "clerk", "--days", "7", stdout=io.StringIO(), stderr=io.StringIO())

    expiry = AuthToken.objects.get(user=clerk).expiry
    assert abs(expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(
        minutes=1
    )


def test_logout_revokes_the_callers_token_only(clerk):
    _one, revoked = token_issue(user=clerk)
    _two, kept = token_issue(user=clerk)

    response = with_key(revoked).post(LOGOUT)

    assert response.status_code == 204
    assert AuthToken.objects.filter(user=clerk).count() == 1
    refused = with_key(revoked).get(PROBE)
    assert refused.status_code == 401
    assert with_key(revoked).post(LOGOUT).status_code == 401
    assert authenticates(kept)


def test_logoutall_revokes_every_token_of_the_caller_and_no_one_elses(clerk, verifier):
    keys = [token_issue(user=clerk)[1] for _ in range(3)]
    _theirs, other_key = token_issue(user=verifier)

    response = with_key(keys[0]).post(LOGOUT_ALL)

    assert response.status_code == 204
    assert not AuthToken.objects.filter(user=clerk).exists()
    assert all(with_key(key).get(PROBE).status_code == 401 for key in keys)
    assert authenticates(other_key)


def test_an_expired_token_is_refused(clerk):
    token, key = token_issue(user=clerk, days=1)
    assert authenticates(key)
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(1))

    assert with_key(key).get(PROBE).status_code == 401


@pytest.mark.parametrize("url", [LOGOUT, LOGOUT_ALL])
def test_logout_needs_a_token(client, clerk, url):
    token_issue(user=clerk)
    assert APIClient().post(url).status_code == 401
    client.force_login(clerk)  # a login session is not a token to revoke
    assert client.post(url).status_code == 401
    assert AuthToken.objects.filter(user=clerk).count() == 1


@pytest.fixture
def tokens(clerk, journalist):
    return [token_issue(user=user) for user in (clerk, clerk, journalist)]


def test_the_admin_lists_tokens_without_keys_or_digests(client, admin_user, tokens):
    client.force_login(admin_user)

    response = client.get(TOKENS_URL)

    body = response.content.decode()
    assert response.status_code == 200
    for token, key in tokens:
        assert token.digest not in body and token.token_key not in body and key[:8] not in body
    labels = with_labels(AuthToken.objects).values_list("label", flat=True)
    assert all(label in body for label in labels)
    assert "clerk" in body and "journalist" in body
    assert len(response.context["cl"].result_list) == 3


def test_an_admin_revokes_selected_tokens(client, admin_user, tokens):
    client.force_login(admin_user)
    (first, first_key), (_second, second_key), (_third, third_key) = tokens
    label = with_labels(AuthToken.objects.filter(pk=first.pk)).get().label

    response = client.post(
        TOKENS_URL, {"action": "revoke", "_selected_action": [label], "index": "0"}
    )

    assert response.status_code == 302
    assert not AuthToken.objects.filter(pk=first.pk).exists()
    assert AuthToken.objects.count() == 2
    assert with_key(first_key).get(PROBE).status_code == 401
    assert authenticates(second_key) and authenticates(third_key)


def test_no_token_page_names_a_digest(client, admin_user, tokens):
    client.force_login(admin_user)
    token = tokens[0][0]

    for suffix in ("change/", "delete/", "history/", ""):
        assert client.get(f"{TOKENS_URL}{token.pk}/{suffix}").status_code in (302, 404)
    assert client.get(reverse("admin:knox_authtoken_changelist") + "add/").status_code in (
        302,
        404,
    )
    assert AuthToken.objects.filter(Q(pk=token.pk)).exists()


def test_staff_cannot_see_the_token_list(client, clerk, tokens):
    client.force_login(clerk)
    response = client.get(TOKENS_URL)
    assert response.status_code in (302, 403)
