"""The identification board (DESIGN §9): a forensic coordinator proposes, another confirms or
rejects. The remains' identification follows: presumptive while proposed, confirmed on
confirmation (and the person's death, once the handover is verified, per DESIGN §3/§5)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.models import Person
from core.tiers import is_forensic
from identification.choices import (
    PRIMARY_EVIDENCE,
    SECONDARY_EVIDENCE,
    SECONDARY_NEEDED,
    Evidence,
    ProposalState,
)
from identification.models import DnaMatchReport, Proposal
from identification.models.board import ONE_PENDING, REASON_NEEDED, SAME_PERSON
from repatriation.choices import HandoverState, Identification, IdentificationMethod
from repatriation.models import Remains
from repatriation.services.remains import record_death, wrong_party_message

FORENSIC_ONLY = _("Only a forensic coordinator may do this.")
ALREADY_CONFIRMED = _("These remains are already confirmed.")
NOT_PENDING = _("This proposal was already decided.")
REPORT_MISMATCH = _("The DNA report concerns other remains or another person.")
NOT_ENOUGH_EVIDENCE = _(
    "A confirmation needs a primary identifier (DNA, dental, fingerprints) or two or more "
    "secondary ones with written reasoning."
)
DNA_BELOW_THRESHOLD = _(
    "The DNA report's likelihood ratio (%(ratio)s) is below the threshold (%(threshold)s): "
    "it is not a primary identifier."
)
# The method recorded on the remains: the strongest evidence named.
METHOD_OF = {
    Evidence.DNA: IdentificationMethod.DNA,
    Evidence.DENTAL: IdentificationMethod.DENTAL,
    Evidence.FINGERPRINTS: IdentificationMethod.FINGERPRINTS,
    Evidence.DOCUMENTS: IdentificationMethod.DOCUMENTS,
    Evidence.VISUAL: IdentificationMethod.VISUAL,
}


def require_forensic(user) -> None:
    if not is_forensic(user):
        raise PermissionDenied(FORENSIC_ONLY)


def _method(evidence: list[str]) -> str:
    return next((METHOD_OF[kind] for kind in METHOD_OF if kind in evidence), "")


def _set_identification(remains: Remains, *, person, state: str, method: str, user) -> None:
    """The board's decision on the remains row; the death only once the handover is verified
    (a draft's verification records it then, repatriation.services.remains.record_effects)."""
    remains.person = person
    remains.identification = state
    remains.method = method
    remains.identified_on = timezone.localdate() if state == Identification.CONFIRMED else None
    remains.full_clean(exclude=["handover", "person"])
    remains.save(
        update_fields=["person", "identification", "method", "identified_on", "updated_at"]
    )
    if state == Identification.CONFIRMED and remains.handover.state == HandoverState.VERIFIED:
        record_death(remains=remains, user=user)


@transaction.atomic
def proposal_create(
    *,
    remains: Remains,
    person: Person,
    evidence: list[str],
    user,
    dna_report: DnaMatchReport | None = None,
    reasoning: str = "",
) -> Proposal:
    """Propose that ``remains`` are ``person``: the remains become presumptive."""
    require_forensic(user)
    remains = (
        Remains.objects.select_for_update(of=("self",))
        .select_related("handover__to_party")
        .get(pk=remains.pk)
    )
    if remains.identification == Identification.CONFIRMED:
        raise ValidationError(ALREADY_CONFIRMED, code="confirmed")
    if Proposal.objects.pending().filter(remains=remains).exists():
        raise ValidationError(ONE_PENDING, code="pending")
    problem = wrong_party_message(person, remains.handover.to_party)
    if problem:
        raise ValidationError({"person": [str(problem)]})
    if dna_report is not None and (
        dna_report.remains_id != remains.pk or dna_report.person_id != person.pk
    ):
        raise ValidationError({"dna_report": [str(REPORT_MISMATCH)]})
    proposal = Proposal(
        remains=remains,
        person=person,
        evidence=sorted(set(evidence)),
        dna_report=dna_report,
        reasoning=(reasoning or "").strip(),
        proposed_by=user,
    )
    proposal.full_clean(validate_constraints=False)
    proposal.validate_constraints(exclude=["proposed_at"])
    proposal.save()
    _set_identification(
        remains,
        person=person,
        state=Identification.PRESUMPTIVE,
        method=_method(proposal.evidence),
        user=user,
    )
    return proposal


def confirmation_refusal(proposal: Proposal) -> str | None:
    """Why the evidence does not confirm the proposal, or None (DESIGN §9)."""
    evidence = set(proposal.evidence)
    report = proposal.dna_report
    dna_counts = report is not None and report.likelihood_ratio >= settings.DNA_LR_THRESHOLD
    if dna_counts or evidence & {Evidence.DENTAL, Evidence.FINGERPRINTS}:
        return None
    secondary = evidence & set(SECONDARY_EVIDENCE)
    if len(secondary) >= SECONDARY_NEEDED and proposal.reasoning.strip():
        return None
    if Evidence.DNA in evidence and report is not None:
        return str(
            DNA_BELOW_THRESHOLD
            % {
                "ratio": f"{report.likelihood_ratio:g}",
                "threshold": f"{settings.DNA_LR_THRESHOLD:g}",
            }
        )
    return str(NOT_ENOUGH_EVIDENCE)


def _locked_pending(proposal: Proposal, user) -> Proposal:
    require_forensic(user)
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("dna_report", "remains__handover", "person")
        .get(pk=proposal.pk)
    )
    if locked.state != ProposalState.PENDING:
        raise ValidationError(NOT_PENDING, code="decided")
    if locked.proposed_by_id == user.pk:
        raise PermissionDenied(SAME_PERSON)
    return locked


@transaction.atomic
def proposal_confirm(*, proposal: Proposal, user) -> Proposal:
    """A second forensic coordinator confirms: the remains are confirmed as the person."""
    locked = _locked_pending(proposal, user)
    refusal = confirmation_refusal(locked)
    if refusal:
        raise ValidationError(refusal, code="evidence")
    locked.state = ProposalState.CONFIRMED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    remains = (
        Remains.objects.select_for_update(of=("self",))
        .select_related("handover")
        .get(pk=locked.remains_id)
    )
    _set_identification(
        remains,
        person=locked.person,
        state=Identification.CONFIRMED,
        method=_method([kind for kind in PRIMARY_EVIDENCE if kind in locked.evidence])
        or _method(locked.evidence),
        user=user,
    )
    return locked


@transaction.atomic
def proposal_reject(*, proposal: Proposal, user, reason: str) -> Proposal:
    """A second forensic coordinator rejects, saying why: the remains are unidentified again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"rejection_reason": [str(REASON_NEEDED)]})
    locked = _locked_pending(proposal, user)
    locked.state = ProposalState.REJECTED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.rejection_reason = reason
    locked.save(
        update_fields=["state", "decided_by", "decided_at", "rejection_reason", "updated_at"]
    )
    remains = (
        Remains.objects.select_for_update(of=("self",))
        .select_related("handover")
        .get(pk=locked.remains_id)
    )
    _set_identification(
        remains, person=None, state=Identification.UNIDENTIFIED, method="", user=user
    )
    return locked
