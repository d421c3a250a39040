"""Hostile URLs and bodies: a NUL, a lone surrogate, an over-long value or JSON nested past
the stack never give a 5xx (core/middleware.py, core/api/parsers.py). Every route pattern of
tests/core/test_url_access.py's table is probed."""

import pytest
from django.test import Client

from repatriation.models import Handover
from tests.core.test_url_access import (
    PARAMETER,
    access_data,  # noqa: F401 (a fixture)
    admin_model,
    role_client,
    url_patterns,
    url_values,  # noqa: F401
)

pytestmark = pytest.mark.django_db
# A NUL; a lone surrogate (UTF-8 of U+D800, which no decoder accepts); far too long.
PROBES = ("%00", "%ED%A0%80", "x" * 5000)
NOT_FOUND_TEXT = "There is no page at this address"


def probed_paths(route, key, values, probe):
    """The route with one parameter at a time replaced by the probe (the rest real)."""
    model = admin_model(route)
    given = values["admin_models"][model] if model is not None else values.get(key, {})
    names = [match[1] or match[2] for match in PARAMETER.finditer(route)]
    for name in names:
        path = PARAMETER.sub(
            lambda match, name=name: (
                probe if (match[1] or match[2]) == name else str(given[match[1] or match[2]])
            ),
            route,
        )
        yield "/" + path.replace("^", "").replace("$", "")


def test_every_route_answers_probes_without_a_server_error(access_data):  # noqa: F811
    clients = {role: role_client(role, access_data["users"]) for role in ("anonymous", "admin")}
    values = access_data["values"]
    server_errors, probed = [], 0
    for route, key in url_patterns():
        real = PARAMETER.sub(lambda m: "1", route) if admin_model(route) is None else None
        for probe in PROBES:
            paths = list(probed_paths(route, key, values, probe))
            base = "/" + (real or route).replace("^", "").replace("$", "")
            if not PARAMETER.search(route):
                paths.append(f"{base}?q={probe}&conflict={probe}&page={probe}&ordering={probe}")
            for path in paths:
                for role, client in clients.items():
                    status = client.get(path).status_code
                    probed += 1
                    if status >= 500:
                        server_errors.append(f"GET {path[:120]} as {role}: {status}")

    assert probed > 300
    assert not server_errors, "server errors:\n" + "\n".join(server_errors)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ledger/sept-2022/%00/",
        "/api/v1/conflicts/%00/",
        "/api/v1/persons/%00/",
        f"/api/v1/conflicts/{'x' * 5000}/",
    ],
)
def test_a_hostile_api_path_is_a_json_404(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    "query",
    [
        "conflict=%00",
        "q=%00",
        "status=missing&ordering=%00",
        f"q={'x' * 5000}",
        "%00=1",
    ],
)
def test_a_hostile_api_filter_is_a_json_400(query):
    response = Client(raise_request_exception=False).get(f"/api/v1/persons/?{query}")

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "A query parameter is not usable.",
        "errors": {},
    }


@pytest.mark.parametrize(
    "url",
    ["/ledger/sept-2022/%00/", "/ledger/?as_of=%00", f"/ledger/{'x' * 5000}/ARM/"],
)
def test_a_hostile_page_url_is_the_plain_404_page(url):
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 404
    assert NOT_FOUND_TEXT in response.content.decode()


def test_a_nul_in_an_admin_filter_is_the_plain_404_page(admin_client):
    response = admin_client.get("/admin/pghistory/events/?pgh_obj_model=%00")

    assert response.status_code == 404
    assert NOT_FOUND_TEXT in response.content.decode()


def test_json_nested_past_the_stack_is_a_400(api_for):
    response = api_for("clerk").post(
        "/api/v1/handovers/", "[" * 100_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Handover.objects.exists()


def test_a_lone_surrogate_in_a_json_body_is_a_400(api_for):
    body = '{"slug": "x\\ud800", "name": "\\ud800"}'

    response = api_for("admin").post("/api/v1/conflicts/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_surrogate_pair_in_a_json_body_is_a_character(api_for):
    body = '{"q": "\\ud83d\\ude00"}'

    response = api_for("admin").post("/api/v1/conflicts/", body, content_type="application/json")

    assert response.status_code == 400  # a conflict needs more fields: refused by validation
    assert response.json()["code"] == "invalid"
