"""Both sides' counts for a handover, and remains found to be the other side's.

A claim is evidence, like a statement's figure: a clerk records it with its citation; it does not
change the handover, so no second person verifies it (the audit trail keeps every change).
Returning remains to the sender does change what a handover counts for: on a draft it is an
edit by the draft's clerk; on a verified handover it needs a second pair of eyes — either the
onward handover that took them back, itself verified by someone else, or an administrator's
correction with a reason (listed as ``corrected_after_verification``).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.models import Party
from casualties.plausible import IN_FUTURE
from repatriation.choices import Disposition, HandoverState, Identification, RevisionKind
from repatriation.models import Handover, HandoverClaim, HandoverRevision, Remains
from repatriation.services.revisions import CORRECTION_REASON_NEEDED, edit_refusal

CLAIM_PERMISSION = "repatriation.change_handover"
NO_CLAIM_PERMISSION = _("Only staff who enter handovers may record what a party announced.")
CLAIM_PARTY_NOT_INVOLVED = _(
    "Only a party to this handover (or its mediator) announces a count for it."
)
ALREADY_RETURNED = _("These remains are already recorded as returned to sender.")
RETURN_BEFORE_RECEIPT = _("Remains cannot be returned before the handover that brought them.")
ONWARD_NOT_BACK = _(
    "The onward handover must go from this handover's receiving party back to the party that "
    "sent these remains, in the same conflict."
)
ONWARD_NOT_VERIFIED = _("Verify the onward handover first, or ask an administrator to correct.")
ONWARD_DATE_DIFFERS = _("Remains go back on the date of the onward handover (%(date)s).")
RETURN_NEEDS_ONWARD_OR_ADMIN = _(
    "Remains of a verified handover are returned through a verified onward handover, or by an "
    "administrator's correction with a reason."
)
NOT_AN_AFTERCARE_DISPOSITION = _(
    "Remains are returned to the sender through their own step, not with their aftercare."
)
IDENTIFIED_NOT_THEIRS = _(
    "These remains are identified as one of this party's persons: undo the identification first."
)


@transaction.atomic
def handover_claim_record(
    *, handover: Handover, party: Party, count: int, citation: str, stated_on, user
) -> HandoverClaim:
    """Record (or replace) what ``party`` announced for ``handover``: one claim per party."""
    if not user.has_perm(CLAIM_PERMISSION):
        raise PermissionDenied(NO_CLAIM_PERMISSION)
    involved = {handover.from_party_id, handover.to_party_id, handover.mediator_id} - {None}
    errors = {}
    if party.pk not in involved:
        errors["party"] = [str(CLAIM_PARTY_NOT_INVOLVED)]
    if isinstance(stated_on, datetime.date) and stated_on > timezone.localdate():
        errors["stated_on"] = [str(IN_FUTURE)]
    claim = HandoverClaim.objects.filter(handover=handover, party=party).first() or HandoverClaim(
        handover=handover, party=party
    )
    claim.count, claim.citation, claim.stated_on = count, (citation or "").strip(), stated_on
    claim.entered_by = user
    try:
        claim.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    claim.save()
    return claim


@transaction.atomic
def remains_return_to_sender(
    *,
    remains: Remains,
    user,
    returned_on: datetime.date | None = None,
    onward_handover: Handover | None = None,
    reason: str = "",
) -> Remains:
    """Record remains found to be the other side's as handed back (``returned_to_sender``):
    they leave the receiving party's ``received`` and are counted apart (DESIGN §4)."""
    locked = Remains.objects.select_for_update().select_related("handover").get(pk=remains.pk)
    handover = locked.handover
    returned_on = returned_on or (onward_handover.date if onward_handover else None)
    _check_return(locked, handover, returned_on, onward_handover)
    kind = _revision_kind(handover, user, onward_handover, reason)
    locked.disposition = Disposition.RETURNED_TO_SENDER
    locked.disposition_on = returned_on
    locked.onward_handover = onward_handover
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["disposition", "disposition_on", "onward_handover", "updated_at"])
    if kind is not None:
        HandoverRevision.objects.create(
            handover=handover,
            kind=kind,
            revised_by=user,
            changes={"returned_to_sender": [locked.pk]},
            reason=reason.strip(),
        )
    return locked


@transaction.atomic
def remains_set_disposition(*, remains: Remains, disposition: str, on: datetime.date | None):
    """Where the remains are now, as their aftercare records it (held, released to the family,
    buried): the aftercare's service is the one caller, and checks who may write and the dates.
    A verified handover's remains take it too: it changes what happens to them after receipt,
    not what the handover received (the audit trail records it like every write). Remains
    returned to the sender are the other side's and take no aftercare."""
    locked = Remains.objects.select_for_update().get(pk=remains.pk)
    if disposition == Disposition.RETURNED_TO_SENDER:
        raise ValidationError(NOT_AN_AFTERCARE_DISPOSITION, code="returned")
    if locked.disposition == Disposition.RETURNED_TO_SENDER:
        raise ValidationError(ALREADY_RETURNED, code="returned")
    on = None if disposition == Disposition.HELD else on
    if (locked.disposition, locked.disposition_on) == (disposition, on):
        return locked  # unchanged: no write, so no audit event saying nothing
    locked.disposition, locked.disposition_on = disposition, on
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["disposition", "disposition_on", "updated_at"])
    return locked


def _check_return(locked: Remains, handover: Handover, returned_on, onward) -> None:
    if locked.disposition == Disposition.RETURNED_TO_SENDER:
        raise ValidationError(ALREADY_RETURNED, code="returned")
    if locked.identification != Identification.UNIDENTIFIED:
        raise ValidationError({"identification": [str(IDENTIFIED_NOT_THEIRS)]})
    if returned_on is None:
        raise ValidationError({"returned_on": [str(_("Give the date they were returned."))]})
    if returned_on > timezone.localdate():
        raise ValidationError({"returned_on": [str(IN_FUTURE)]})
    if returned_on < handover.date:
        raise ValidationError({"returned_on": [str(RETURN_BEFORE_RECEIPT)]})
    if onward is None:
        return
    back = (
        onward.conflict_id == handover.conflict_id
        and onward.from_party_id == handover.to_party_id
        and handover.from_party_id is not None
        and onward.to_party_id == handover.from_party_id
    )
    if not back:
        raise ValidationError({"onward_handover": [str(ONWARD_NOT_BACK)]})
    if returned_on != onward.date:
        raise ValidationError({"returned_on": [str(ONWARD_DATE_DIFFERS % {"date": onward.date})]})


def _revision_kind(handover: Handover, user, onward: Handover | None, reason: str):
    """Who may return remains of ``handover``, and the revision it records (None: the
    onward handover's own verification is the record)."""
    if handover.state != HandoverState.VERIFIED:
        refusal = edit_refusal(handover=handover, user=user)
        if refusal:
            raise refusal
        return RevisionKind.EDIT
    if onward is not None and onward.state == HandoverState.VERIFIED:
        if not user.has_perm(CLAIM_PERMISSION):
            raise PermissionDenied(RETURN_NEEDS_ONWARD_OR_ADMIN)
        return None
    if not user.is_superuser:
        raise PermissionDenied(ONWARD_NOT_VERIFIED if onward else RETURN_NEEDS_ONWARD_OR_ADMIN)
    if not reason.strip():
        raise ValidationError({"reason": [str(CORRECTION_REASON_NEEDED)]})
    return RevisionKind.CORRECTION
