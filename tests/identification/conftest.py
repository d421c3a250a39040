import datetime

import pytest
from django.utils import timezone

from core.tiers import FORENSIC
from repatriation.choices import HandoverKind, HandoverState
from tests.factories import HandoverFactory, PersonFactory, RemainsFactory, UserFactory


@pytest.fixture
def forensic(db):
    return UserFactory(username="forensic", groups=[FORENSIC])


@pytest.fixture
def other_forensic(db):
    return UserFactory(username="forensic2", groups=[FORENSIC])


@pytest.fixture
def verified_handover(setting, clerk, verifier):
    """Remains handed by AZE to ARM, verified (so a confirmation records the death)."""
    return HandoverFactory(
        conflict=setting["conflict"],
        kind=HandoverKind.REMAINS,
        from_party=setting["aze"],
        to_party=setting["arm"],
        date=datetime.date(2023, 3, 1),
        entered_by=clerk,
        verified_by=verifier,
        verified_at=timezone.now(),
        state=HandoverState.VERIFIED,
    )


@pytest.fixture
def body(verified_handover):
    return RemainsFactory(handover=verified_handover, case_number="2023-03-01/1")


@pytest.fixture
def missing(setting):
    return PersonFactory(conflict=setting["conflict"], party=setting["arm"], full_name="Aram S")
