import pytest

from casualties.roles import CLERK, JOURNALIST, VERIFIER
from tests.factories import UserFactory


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
