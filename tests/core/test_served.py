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
