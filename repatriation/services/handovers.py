"""Entering a handover batch as a draft, and the rules every write of a handover checks."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties.models import Person
from casualties.plausible import date_errors
from repatriation.choices import HandoverKind, HandoverState
from repatriation.models import Handover, ReleasedPerson, Remains
from repatriation.services.remains import build_remains, check_row_count

AGREEMENT_MISMATCH = _("This agreement is not between these two parties in this conflict.")
PRISONERS_HAVE_NO_REMAINS = _("A prisoners handover lists persons released, not remains.")
REMAINS_HAVE_NO_PRISONERS = _("A remains handover cannot list persons released alive.")
VERIFIED_IS_FINAL = _(
    "This handover has been verified and can no longer be changed here; ask an administrator "
    "to correct it."
)
FROM_PARTY_NEEDED = _("Name the party that handed these remains or prisoners over.")
RECOVERY_HAS_NO_FROM_PARTY = _(
    "A recovery was made by the receiving party's own side: it has no party it came from."
)
REMAINS_OF_ANOTHER_PARTY = _(
    "Remains logged in this handover are identified as persons of another party."
)


def _from_party_errors(handover: Handover) -> dict[str, list]:
    """A recovery names no party it came from; every other kind names one (DESIGN §3)."""
    recovery = handover.kind == HandoverKind.RECOVERY
    if recovery and handover.from_party_id is not None:
        return {"from_party": [str(RECOVERY_HAS_NO_FROM_PARTY)]}
    if not recovery and handover.from_party_id is None:
        return {"from_party": [str(FROM_PARTY_NEEDED)]}
    return {}


def validate_handover(handover: Handover, remains_rows: list[dict], released: list) -> None:
    errors = _from_party_errors(handover)
    try:
        # The constraint behind ``_from_party_errors`` would repeat it in other words.
        handover.full_clean(validate_constraints=not errors)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "date" not in errors and "conflict" not in errors:
        errors.update(
            date_errors({"date": handover.date}, conflict=handover.conflict, in_conflict=["date"])
        )
    agreement = handover.agreement
    if agreement and (
        agreement.conflict_id != handover.conflict_id
        or {agreement.party_a_id, agreement.party_b_id}
        != {handover.from_party_id, handover.to_party_id}
    ):
        errors.setdefault("agreement", []).append(str(AGREEMENT_MISMATCH))
    if handover.kind == HandoverKind.PRISONERS and remains_rows:
        errors.setdefault("remains", []).append(str(PRISONERS_HAVE_NO_REMAINS))
    if handover.kind != HandoverKind.PRISONERS and released:
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
    check_row_count(rows)
    handover = Handover(entered_by=user, state=HandoverState.DRAFT, **fields)
    validate_handover(handover, rows, released)
    handover.save()
    built = build_remains(handover, rows)
    Remains.objects.bulk_create(built)
    ReleasedPerson.objects.bulk_create(
        ReleasedPerson(handover=handover, person=person) for person in released
    )
    # Nothing is recorded on the persons named: that waits for verification (DESIGN §5).
    return handover
