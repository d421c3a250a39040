"""A verifier's review of someone else's draft (DESIGN §5): verify it, which records what it says
about persons in the same transaction, or send it back to its clerk with a comment."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repatriation.choices import HandoverState, RevisionKind
from repatriation.models import Handover
from repatriation.services.remains import record_effects

OWN_DRAFT = _("You entered this handover; someone else must verify it.")
EDITED_BY_YOU = _(
    "You changed this draft, so you are one of its authors; a verifier who did not change it "
    "must verify it."
)
AWAITING_CORRECTION = _(
    "This draft was sent back by %(user)s and has not been changed since: it waits for its "
    "clerk's correction."
)
ALREADY_VERIFIED = _("This handover has already been verified by %(user)s.")
NO_VERIFY_PERMISSION = _("Only a verifier may verify handovers.")
REVIEW_COMMENT_NEEDED = _("Say what needs correcting before sending the draft back.")

# Codes of the refusals that concern the state of the handover (an API answers 409), not the
# person asking (403).
STATE_CODES = ("already_verified", "unchanged")


def review_refusal(*, handover: Handover, user) -> PermissionDenied | ValidationError | None:
    """Why ``user`` may not verify ``handover`` nor send it back, as the error to raise;
    None if they may. Pages ask it first, to explain instead of offering a button."""
    if not user.has_perm("repatriation.verify_handover"):
        return PermissionDenied(NO_VERIFY_PERMISSION)
    if handover.state == HandoverState.VERIFIED:
        # Whoever lost a race to verify learns who won (a username, nothing restricted).
        message = ALREADY_VERIFIED % {"user": handover.verified_by}
        return ValidationError(message, code="already_verified")
    if handover.entered_by_id == user.pk:
        return ValidationError(OWN_DRAFT, code="own_draft")
    edits = handover.revisions.exclude(kind=RevisionKind.CORRECTION)
    if edits.filter(revised_by=user).exists():
        return ValidationError(EDITED_BY_YOU, code="edited")
    if handover.state == HandoverState.SENT_BACK:
        message = AWAITING_CORRECTION % {"user": handover.sent_back_by}
        return ValidationError(message, code="unchanged")
    return None


def _lock_for_review(handover: Handover, user) -> Handover:
    if not user.has_perm("repatriation.verify_handover"):
        raise PermissionDenied(NO_VERIFY_PERMISSION)
    # Lock: of two verifiers clicking at once, the second sees the handover already verified;
    # and a clerk's change waits for the review, or the review for it.
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    refusal = review_refusal(handover=locked, user=user)
    if refusal:
        raise refusal
    return locked


@transaction.atomic
def handover_verify(*, handover: Handover, user) -> Handover:
    """Mark someone else's draft verified (the four-eyes rule); only then does it count, and
    only then are its confirmed identifications (and releases) recorded on the persons."""
    locked = _lock_for_review(handover, user)
    locked.state = HandoverState.VERIFIED
    locked.verified_by = user
    locked.verified_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["state", "verified_by", "verified_at", "updated_at"])
    record_effects(handover=locked, user=user)
    return locked


@transaction.atomic
def handover_send_back(*, handover: Handover, user, comment: str) -> Handover:
    """A verifier returns someone else's draft to its clerk, saying what to correct.

    It is ``sent_back`` (out of the ledger's count, nothing recorded on persons) until its
    clerk changes it, which resubmits it.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError({"review_comment": [str(REVIEW_COMMENT_NEEDED)]})
    locked = _lock_for_review(handover, user)
    locked.state = HandoverState.SENT_BACK
    locked.review_comment = comment
    locked.sent_back_by = user
    locked.sent_back_at = timezone.now()
    locked.full_clean()
    fields = ["state", "review_comment", "sent_back_by", "sent_back_at", "updated_at"]
    locked.save(update_fields=fields)
    return locked
