"""Answers that may hold a restricted field or a hidden name are never cached
(``Cache-Control: private, no-store``); public ones keep their ETag caching
(core/middleware.py)."""

import pytest

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PRIVATE = "private, no-store"


@pytest.fixture
def person(db):
    return PersonFactory()


@pytest.mark.parametrize(
    "url",
    [
        "/persons/",
        "/persons/{pk}/",
        "/handovers/",
        "/statements/",
        "/persons/lookup/?q=abc",
        "/ledger/",
    ],
)
def test_staff_pages_are_private(client, clerk, person, url):
    client.force_login(clerk)

    response = client.get(url.format(pk=person.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "url", ["/api/v1/persons/", "/api/v1/persons/{pk}/", "/api/v1/persons/?format=csv"]
)
def test_staff_api_and_csv_answers_are_private(api_for, person, url):
    response = api_for("clerk").get(url.format(pk=person.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/admin/", "/admin/casualties/person/", "/admin/login/"])
def test_the_admin_is_private(client, admin_user, url):
    client.force_login(admin_user)

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_admin_login_page_is_private_to_anyone(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
@pytest.mark.parametrize("url", ["/api/v1/persons/", "/api/v1/persons/{pk}/", "/api/v1/ledger/"])
def test_public_api_answers_keep_their_etag_and_are_not_private(api_for, person, role, url):
    response = api_for(role).get(url.format(pk=person.pk))

    assert response.status_code == 200
    assert response["ETag"]
    assert "private" not in response.get("Cache-Control", "")
    assert "no-store" not in response.get("Cache-Control", "")
    again = api_for(role).get(url.format(pk=person.pk), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_public_pages_are_not_private(client):
    response = client.get("/ledger/")

    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
