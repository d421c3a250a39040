"""Writes to handovers: entering a batch as a draft, changing it, verifying or sending it back."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.models import Person
from repatriation.choices import HandoverKind, HandoverState, Identification
from repatriation.models import Handover, ReleasedPerson, Remains
from repatriation.services.remains import build_remains, record_death

OWN_DRAFT = _("You entered this handover; someone else must verify it.")
ALREADY_VERIFIED = _("This handover has already been verified by %(user)s.")
NO_VERIFY_PERMISSION = _("Only a verifier may verify handovers.")
REVIEW_COMMENT_NEEDED = _("Say what needs correcting before sending the draft back.")
AGREEMENT_MISMATCH = _("This agreement is not between these two parties in this conflict.")
PRISONERS_HAVE_NO_REMAINS = _("A prisoners handover lists persons released, not remains.")
REMAINS_HAVE_NO_PRISONERS = _("A remains handover cannot list persons released alive.")
VERIFIED_IS_FINAL = _(
    "This handover has been verified and can no longer be changed here; ask an administrator "
    "to correct it."
)
REMAINS_OF_ANOTHER_PARTY = _(
    "Remains logged in this handover are identified as persons of another party."
)


def _validate_handover(handover: Handover, remains_rows: list[dict], released: list) -> None:
    errors = {}
    try:
        handover.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    agreement = handover.agreement
    if agreement and (
        agreement.conflict_id != handover.conflict_id
        or {agreement.party_a_id, agreement.party_b_id}
        != {handover.from_party_id, handover.to_party_id}
    ):
        errors.setdefault("agreement", []).append(str(AGREEMENT_MISMATCH))
    if handover.kind == HandoverKind.PRISONERS and remains_rows:
        errors.setdefault("remains", []).append(str(PRISONERS_HAVE_NO_REMAINS))
    if handover.kind == HandoverKind.REMAINS and released:
        errors.setdefault("released_persons", []).append(str(REMAINS_HAVE_NO_PRISONERS))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def handover_create(
    *,
    user,
    remains: Iterable[dict] = (),
    released_persons: Iterable[Person] = (),
    **fields,
) -> Handover:
    """Record a handover and every body logged in it, as a draft, in one transaction.

    Case numbers left blank become ``<date>/<seq>``. If any row is invalid nothing is saved,
    and the ValidationError names each bad row and field (``remains[3].person``).
    """
    rows, released = list(remains), list(released_persons)
    handover = Handover(entered_by=user, state=HandoverState.DRAFT, **fields)
    _validate_handover(handover, rows, released)
    handover.save()
    built = build_remains(handover, rows)
    Remains.objects.bulk_create(built)
    ReleasedPerson.objects.bulk_create(
        ReleasedPerson(handover=handover, person=person) for person in released
    )
    for item in built:
        if item.identification == Identification.CONFIRMED:
            record_death(remains=item, user=user)
    return handover


@transaction.atomic
def handover_update(*, handover: Handover, data: dict) -> Handover:
    """Change a draft's own fields (not its rows). A verified handover is final here
    (ValidationError code ``verified``): the ledger already counts it."""
    # Lock: a verifier may be verifying this very draft; one of the two waits for the other.
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if locked.state == HandoverState.VERIFIED:
        raise ValidationError(VERIFIED_IS_FINAL, code="verified")
    for field, value in data.items():
        setattr(locked, field, value)
    remains = locked.remains.all()
    _validate_handover(
        locked, list(remains[:1]), list(ReleasedPerson.objects.filter(handover=locked)[:1])
    )
    if remains.filter(person__isnull=False).exclude(person__party=locked.to_party_id).exists():
        raise ValidationError({"to_party": [str(REMAINS_OF_ANOTHER_PARTY)]})
    locked.save()
    return locked


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
    return None


def _lock_for_review(handover: Handover, user) -> Handover:
    if not user.has_perm("repatriation.verify_handover"):
        raise PermissionDenied(NO_VERIFY_PERMISSION)
    # Lock: of two verifiers clicking at once, the second sees the handover already verified.
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    refusal = review_refusal(handover=locked, user=user)
    if refusal:
        raise refusal
    return locked


@transaction.atomic
def handover_verify(*, handover: Handover, user) -> Handover:
    """Mark someone else's draft verified (the four-eyes rule); only then does it count."""
    locked = _lock_for_review(handover, user)
    locked.state = HandoverState.VERIFIED
    locked.verified_by = user
    locked.verified_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["state", "verified_by", "verified_at", "updated_at"])
    return locked


@transaction.atomic
def handover_send_back(*, handover: Handover, user, comment: str) -> Handover:
    """A verifier returns someone else's draft to its clerk, saying what to correct.

    It stays a draft (and out of the ledger's count); the comment is shown to the clerk.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError({"review_comment": [str(REVIEW_COMMENT_NEEDED)]})
    locked = _lock_for_review(handover, user)
    locked.review_comment = comment
    locked.sent_back_by = user
    locked.sent_back_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["review_comment", "sent_back_by", "sent_back_at", "updated_at"])
    return locked
