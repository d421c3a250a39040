"""API clients for each role of DESIGN §5, shared by the tests of every endpoint.

Anonymous callers have no credentials; everyone else sends a knox token, as API users do.
"""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

# The callers of the permission matrices; "admin" is also accepted by ``api_for``.
ROLES = ("anonymous", "journalist", "clerk", "verifier")

_USER_FIXTURES = {
    "journalist": "journalist",
    "clerk": "clerk",
    "verifier": "verifier",
    "admin": "admin_user",
}


def token_client(user) -> APIClient:
    """A client that authenticates as ``user`` with a fresh API token."""
    _token, key = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_for(request, db):
    """``api_for("clerk")`` → an APIClient for that role (``"anonymous"`` has no credentials)."""

    def make(role: str) -> APIClient:
        if role == "anonymous":
            return APIClient()
        return token_client(request.getfixturevalue(_USER_FIXTURES[role]))

    return make


@pytest.fixture
def anonymous_api(db):
    return APIClient()


@pytest.fixture
def journalist_api(api_for):
    return api_for("journalist")


@pytest.fixture
def clerk_api(api_for):
    return api_for("clerk")


@pytest.fixture
def verifier_api(api_for):
    return api_for("verifier")


@pytest.fixture
def admin_api(api_for):
    return api_for("admin")
