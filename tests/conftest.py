import pytest

from accounts.roles import CLERK, JOURNALIST, VERIFIER
from tests.factories import UserFactory

# The API clients of each role, and the scenery of the page tests, for every test folder.
pytest_plugins = ["tests.api_clients", "tests.web_fixtures"]


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", groups=[CLERK])


@pytest.fixture
def other_clerk(db):
    return UserFactory(username="clerk2", groups=[CLERK])


@pytest.fixture
def verifier(db):
    return UserFactory(username="verifier", groups=[VERIFIER])


@pytest.fixture
def journalist(db):
    return UserFactory(username="journalist", groups=[JOURNALIST])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def pytest_collection_modifyitems(items):
    """Browser tests last: from its first test to the end of the session Playwright keeps an
    event loop running in this thread, and code that starts its own (procrastinate's worker,
    ``async_to_sync``) cannot run after it."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
