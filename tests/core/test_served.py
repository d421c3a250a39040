"""The app answers over real HTTP: the health check and the admin login page."""

import json
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def test_healthz_and_admin_login_are_served_over_http(live_server):
    status, _headers, body = fetch(f"{live_server.url}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    status, _headers, body = fetch(f"{live_server.url}/admin/login/")
    assert status == 200
    assert 'name="username"' in body and 'name="password"' in body


def test_every_kind_of_page_names_the_icon_and_favicon_ico_leads_to_it(live_server):
    for path in ("/ledger/", "/admin/login/", "/accounts/login/"):
        _status, _headers, body = fetch(f"{live_server.url}{path}")
        assert 'rel="icon" href="/static/favicon.svg"' in body, path

    # urllib follows the redirect: the icon itself is served.
    status, headers, body = fetch(f"{live_server.url}/favicon.ico")
    assert status == 200
    assert headers["Content-Type"] == "image/svg+xml"
    assert body.startswith("<svg")
