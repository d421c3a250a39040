"""The identification board's four eyes (DESIGN §9): the proposer cannot confirm; evidence
rules; rejection keeps its reason; confirmation records the death of a verified handover."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casualties.choices import PersonStatus
from identification.choices import Evidence, ProposalState
from identification.models import DnaMatchReport, Proposal
from identification.services import (
    FORENSIC_ONLY,
    NOT_ENOUGH_EVIDENCE,
    proposal_confirm,
    proposal_create,
    proposal_reject,
)
from repatriation.choices import HandoverState, Identification
from repatriation.models import Handover
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def report(body, person, ratio):
    return DnaMatchReport.objects.create(
        remains=body,
        person=person,
        likelihood_ratio=ratio,
        lab="Lab",
        reported_on=datetime.date(2023, 6, 1),
    )


def propose(body, missing, user, evidence=(Evidence.DENTAL,), **kwargs):
    return proposal_create(
        remains=body, person=missing, evidence=list(evidence), user=user, **kwargs
    )


def test_a_proposal_makes_the_remains_presumptive(body, missing, forensic):
    proposal = propose(body, missing, forensic)
    body.refresh_from_db()
    assert (body.identification, body.person_id, body.method) == (
        "presumptive",
        missing.pk,
        "dental",
    )
    assert proposal.state == ProposalState.PENDING


def test_a_clerk_cannot_propose(body, missing, clerk):
    with pytest.raises(PermissionDenied, match=str(FORENSIC_ONLY)):
        propose(body, missing, clerk)
    assert not Proposal.objects.exists()


def test_the_proposer_cannot_confirm(body, missing, forensic):
    proposal = propose(body, missing, forensic)
    with pytest.raises(PermissionDenied):
        proposal_confirm(proposal=proposal, user=forensic)
    body.refresh_from_db()
    assert body.identification == Identification.PRESUMPTIVE


def test_the_database_refuses_the_same_person_deciding(body, missing, forensic):
    proposal = propose(body, missing, forensic)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            state=ProposalState.CONFIRMED, decided_by=forensic, decided_at=proposal.proposed_at
        )


def test_a_second_coordinator_confirms_and_the_death_is_recorded(
    body, missing, forensic, other_forensic
):
    proposal = propose(body, missing, forensic)
    proposal_confirm(proposal=proposal, user=other_forensic)
    body.refresh_from_db()
    missing.refresh_from_db()
    assert (body.identification, body.person_id, body.method) == ("confirmed", missing.pk, "dental")
    assert body.identified_on is not None
    assert missing.status == PersonStatus.KILLED
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == (ProposalState.CONFIRMED, other_forensic)


def test_a_draft_handover_records_no_death_until_verified(body, missing, forensic, other_forensic):
    Handover.objects.filter(pk=body.handover_id).update(
        state=HandoverState.DRAFT, verified_by=None, verified_at=None
    )
    proposal_confirm(proposal=propose(body, missing, forensic), user=other_forensic)
    missing.refresh_from_db()
    assert missing.status == PersonStatus.MISSING


def test_one_secondary_identifier_is_refused(body, missing, forensic, other_forensic):
    proposal = propose(body, missing, forensic, evidence=[Evidence.VISUAL], reasoning="Seen")
    with pytest.raises(ValidationError, match=re.escape(str(NOT_ENOUGH_EVIDENCE))):
        proposal_confirm(proposal=proposal, user=other_forensic)
    body.refresh_from_db()
    assert body.identification == Identification.PRESUMPTIVE


def test_two_secondary_identifiers_need_written_reasoning(body, missing, forensic, other_forensic):
    proposal = propose(body, missing, forensic, evidence=[Evidence.VISUAL, Evidence.EFFECTS])
    with pytest.raises(ValidationError, match=re.escape(str(NOT_ENOUGH_EVIDENCE))):
        proposal_confirm(proposal=proposal, user=other_forensic)
    Proposal.objects.filter(pk=proposal.pk).update(reasoning="Tattoo and wedding ring match.")
    proposal_confirm(proposal=proposal, user=other_forensic)
    body.refresh_from_db()
    assert (body.identification, body.method) == ("confirmed", "visual")


def test_dna_below_the_threshold_is_not_primary(body, missing, forensic, other_forensic, settings):
    settings.DNA_LR_THRESHOLD = 1e6
    weak = report(body, missing, 5e4)
    proposal = propose(body, missing, forensic, evidence=[Evidence.DNA], dna_report=weak)
    with pytest.raises(ValidationError, match="below the threshold"):
        proposal_confirm(proposal=proposal, user=other_forensic)
    body.refresh_from_db()
    assert body.identification == Identification.PRESUMPTIVE


def test_dna_at_the_threshold_confirms(body, missing, forensic, other_forensic, settings):
    settings.DNA_LR_THRESHOLD = 1e6
    strong = report(body, missing, 1e6)
    proposal = propose(body, missing, forensic, evidence=[Evidence.DNA], dna_report=strong)
    proposal_confirm(proposal=proposal, user=other_forensic)
    body.refresh_from_db()
    assert (body.identification, body.method) == ("confirmed", "dna")


def test_dna_evidence_names_its_report(body, missing, forensic):
    with pytest.raises(ValidationError):
        propose(body, missing, forensic, evidence=[Evidence.DNA])
    body.refresh_from_db()
    assert body.identification == Identification.UNIDENTIFIED


def test_rejection_keeps_its_reason_and_frees_the_remains(body, missing, forensic, other_forensic):
    proposal = propose(body, missing, forensic)
    with pytest.raises(ValidationError):
        proposal_reject(proposal=proposal, user=other_forensic, reason="  ")
    proposal_reject(proposal=proposal, user=other_forensic, reason="Dental chart is another man's.")
    proposal.refresh_from_db()
    body.refresh_from_db()
    assert proposal.state == ProposalState.REJECTED
    assert proposal.rejection_reason == "Dental chart is another man's."
    assert (body.identification, body.person) == (Identification.UNIDENTIFIED, None)


def test_only_one_pending_proposal_per_remains(body, missing, forensic, setting):
    propose(body, missing, forensic)
    with pytest.raises(ValidationError):
        propose(body, missing, forensic)
    assert Proposal.objects.count() == 1


def test_a_person_of_another_party_is_refused(body, forensic, setting):
    stranger = PersonFactory(conflict=setting["conflict"], party=setting["aze"])
    with pytest.raises(ValidationError):
        propose(body, stranger, forensic)
    assert not Proposal.objects.exists()
