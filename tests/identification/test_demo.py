"""The forensic demo records (DESIGN §9): fictitious, and DESIGN §2's figures untouched."""

import pytest
from django.core.management import call_command

from identification.choices import ProposalState
from identification.models import AnteMortem, DnaMatchReport, PostMortem, Proposal, Sample
from repatriation.models import Remains

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_forensic_records_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert PostMortem.objects.count() == Remains.objects.count() == 127
    # Every person of the demo not yet returned (12 missing, 6 captured): the roster has no more.
    assert AnteMortem.objects.count() == 18
    assert DnaMatchReport.objects.count() == 2
    assert Sample.objects.filter(source="family").exists()
    states = sorted(Proposal.objects.values_list("state", flat=True))
    assert states == [ProposalState.CONFIRMED, ProposalState.PENDING]
    confirmed = Proposal.objects.get(state=ProposalState.CONFIRMED)
    assert confirmed.decided_by_id != confirmed.proposed_by_id
    assert all("ictitious" in pm.marks for pm in PostMortem.objects.all())
