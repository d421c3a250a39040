"""Production settings: `check --deploy` is clean with DEBUG off (SSL redirect on, or behind a
proxy that redirects), the HTTPS headers are sent, and errors show the project's plain pages,
never Django's technical ones."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.urls import include, path

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET_DETAIL = "boom-secret-detail-of-the-failure"


def deploy_check(**env):
    """``manage.py check --deploy`` in a fresh process with only this environment."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "ledger.example.org",
        # Never connected to: the deploy checks need no database.
        "DATABASE_URL": "postgres://ledger:unused@127.0.0.1:1/ledger",
        **env,
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)


def test_the_deploy_check_is_clean_with_the_ssl_redirect_on():
    result = deploy_check()

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_is_clean_behind_a_proxy_that_redirects():
    result = deploy_check(BEHIND_PROXY="1", SECURE_SSL_REDIRECT="0")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_turning_the_redirect_off_without_a_proxy_is_still_warned_about():
    result = deploy_check(SECURE_SSL_REDIRECT="0")

    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_the_deploy_check_warns_when_debug_is_on():
    result = deploy_check(DEBUG="1")

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_plain_http_is_redirected_to_https_with_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    redirected = client.get("/ledger/")
    served = client.get("/ledger/", secure=True)

    assert (redirected.status_code, redirected["Location"]) == (301, "https://testserver/ledger/")
    assert served.status_code == 200
    hsts = "max-age=31536000; includeSubDomains; preload"
    assert served["Strict-Transport-Security"] == hsts
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Referrer-Policy"] == "same-origin"
    assert served["X-Frame-Options"] == "DENY"
    # The load balancer's health check may use plain HTTP.
    assert client.get("/healthz").status_code != 301


def test_behind_a_proxy_its_forwarded_proto_counts_as_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/ledger/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert client.get("/ledger/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


def test_an_unknown_address_gets_the_project_404_not_the_debug_page(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/here/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "There is no page at this address" in body
    assert "Using the URLconf" not in body and "config.urls" not in body


def failing_view(request):
    raise RuntimeError(SECRET_DETAIL)


def healthy_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-only/fails/", failing_view),
    path("test-only/works/", healthy_view),
    path("", include("config.urls")),
]


@pytest.mark.urls(__name__)
def test_an_error_in_a_view_gets_the_plain_500_without_details(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    assert client.get("/test-only/works/").status_code == 200

    response = client.get("/test-only/fails/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in body
    assert SECRET_DETAIL not in body
    assert "Traceback" not in body and "RuntimeError" not in body
