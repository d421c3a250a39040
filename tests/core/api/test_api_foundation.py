"""What every endpoint shares: tokens, throttling, errors, CSV cells, the OpenAPI schema."""

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from core.api.csv import cell

pytestmark = pytest.mark.django_db


def issue_token(username) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", username, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_issue_token_prints_a_token_that_authenticates(clerk):
    key = issue_token("clerk")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(
        "/api/v1/sources/", {"name": "New outlet", "kind": "media"}, format="json"
    )

    # A clerk is authenticated by the token; sources are not a clerk's to add (403, not 401).
    assert response.status_code == 403
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/parties/").status_code == 401


def test_issue_token_refuses_an_unknown_account(db):
    with pytest.raises(CommandError, match="No active account named “ghost”"):
        call_command("issue_token", "ghost", stdout=io.StringIO(), stderr=io.StringIO())


def test_an_admin_token_can_write_reference_data(admin_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token('admin')}")
    response = client.post(
        "/api/v1/parties/", {"code": "NKR", "name": "Artsakh", "kind": "armed_group"}
    )
    assert response.status_code == 201
    assert response.json()["code"] == "NKR"


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/parties/NOPE/", 404, "not_found"),
        ("delete", "/api/v1/parties/ARM/", 401, "not_authenticated"),
        ("post", "/api/v1/parties/", 401, "not_authenticated"),
    ],
)
def test_errors_share_one_json_shape(client, method, url, status, code):
    response = getattr(client, method)(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"}
    assert (body["status"], body["code"]) == (status, code)


def test_a_method_the_api_does_not_offer_is_405(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.delete("/api/v1/parties/ARM/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_field_errors_are_keyed_by_field(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post("/api/v1/parties/", {"code": "", "kind": "empire"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"code", "name", "kind"}
    assert errors["kind"] == ['"empire" is not a valid choice.']


def test_anonymous_callers_are_throttled_with_a_json_429(client, settings):
    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "3/minute"},
    }
    statuses = [client.get("/api/v1/parties/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get("/api/v1/parties/").json()
    assert (body["status"], body["code"]) == (429, "throttled")
    cache.clear()


def test_a_journalist_has_the_higher_rate(journalist, settings):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_THROTTLE_RATES["journalist"] != "3/minute"
    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "2/minute", "journalist": "5/minute"},
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token('journalist')}")
    statuses = [client.get("/api/v1/parties/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    cache.clear()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Սարգսյան", "Սարգսյան"),
        (-5, -5),
        (None, ""),
        (True, "true"),
        ([{"a": 1}], '[{"a": 1}]'),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert cell(value) == expected


def test_csv_lists_stream_every_row_with_a_header(client):
    response = client.get("/api/v1/parties/", {"format": "csv", "page_size": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "id,code,name,name_hy,name_ru,kind,updated_at"


def test_the_openapi_schema_validates_without_warnings(capsys):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/ledger/{conflict_slug}/{party_code}/" in schema["paths"]
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err, captured.err


def test_the_docs_page_loads_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html and "http://cdn" not in html
    assert client.get("/api/schema/").status_code == 200
