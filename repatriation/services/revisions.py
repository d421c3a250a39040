"""Changing a handover after it was entered (DESIGN §5): its clerk (or an admin) edits a draft,
which resubmits it when it was sent back; an admin corrects a verified one, with a reason.
Every change is a HandoverRevision saying what changed."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.models import Person
from repatriation.choices import HandoverState, RevisionKind
from repatriation.models import Handover, HandoverRevision, ReleasedPerson, Remains
from repatriation.services.handovers import (
    REMAINS_OF_ANOTHER_PARTY,
    VERIFIED_IS_FINAL,
    validate_handover,
)
from repatriation.services.remains import ROW_FIELDS, build_remains, record_effects, row_values

# The handover's own fields a revision may change (not who entered or verified it).
EDITABLE_FIELDS = (
    "conflict",
    "agreement",
    "kind",
    "date",
    "location",
    "from_party",
    "to_party",
    "mediator",
    "reported_count",
    "reported_by",
    "citation",
)
NOT_YOUR_DRAFT = _(
    "Only the clerk who entered this draft (%(user)s) or an administrator may change it."
)
UNCHANGED_RESUBMISSION = _(
    "Nothing was changed: a draft sent back is resubmitted by correcting what the verifier asked."
)
CORRECTION_BY_ADMIN = _("Only an administrator may correct a verified handover.")
CORRECTION_REASON_NEEDED = _("Say why this verified handover is corrected.")
CORRECTION_OF_DRAFT = _("This handover is not verified yet: change the draft instead.")
NOTHING_CORRECTED = _("Nothing was changed, so there is no correction to record.")
CASE_NUMBERS_CLASH = _("Two rows cannot exchange case numbers in one change; do it in two.")


def edit_refusal(*, handover: Handover, user) -> PermissionDenied | ValidationError | None:
    """Why ``user`` may not change ``handover`` now, as the error to raise; None if they may."""
    if handover.state == HandoverState.VERIFIED:
        return ValidationError(VERIFIED_IS_FINAL, code="verified")
    if not (user.is_superuser or handover.entered_by_id == user.pk):
        return PermissionDenied(NOT_YOUR_DRAFT % {"user": handover.entered_by})
    return None


@transaction.atomic
def handover_revise(
    *,
    handover: Handover,
    user,
    data: dict | None = None,
    remains: Iterable[dict] | None = None,
    released_persons: Iterable[Person] | None = None,
) -> Handover:
    """Change a draft: its own fields (``data``), its rows (``remains``: the whole list, a row
    naming the ``id`` of one it changes; rows left out are removed) or the persons released.

    Only its clerk or an admin; never once verified (code ``verified``). A draft sent back
    is resubmitted by a change; an unchanged resubmission is refused (code ``unchanged``).
    """
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    refusal = edit_refusal(handover=locked, user=user)
    if refusal:
        raise refusal
    changes = _apply(locked, data or {}, remains, released_persons)
    resubmitted = locked.state == HandoverState.SENT_BACK
    if not changes:
        if resubmitted:
            raise ValidationError(UNCHANGED_RESUBMISSION, code="unchanged")
        return locked
    if resubmitted:
        locked.state = HandoverState.DRAFT
        locked.save(update_fields=["state", "updated_at"])
    kind = RevisionKind.RESUBMISSION if resubmitted else RevisionKind.EDIT
    HandoverRevision.objects.create(handover=locked, kind=kind, revised_by=user, changes=changes)
    return locked


@transaction.atomic
def handover_correct(
    *,
    handover: Handover,
    user,
    reason: str,
    data: dict | None = None,
    remains: Iterable[dict] | None = None,
    released_persons: Iterable[Person] | None = None,
) -> Handover:
    """An admin corrects a verified handover, saying why: recorded as a correction (the
    ledger lists it as ``corrected_after_verification``), and what it now says about persons
    is recorded as verification would."""
    if not user.is_superuser:
        raise PermissionDenied(CORRECTION_BY_ADMIN)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [str(CORRECTION_REASON_NEEDED)]})
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if locked.state != HandoverState.VERIFIED:
        raise ValidationError(CORRECTION_OF_DRAFT, code="not_verified")
    changes = _apply(locked, data or {}, remains, released_persons)
    if not changes:
        raise ValidationError(NOTHING_CORRECTED, code="unchanged")
    HandoverRevision.objects.create(
        handover=locked,
        kind=RevisionKind.CORRECTION,
        revised_by=user,
        changes=changes,
        reason=reason,
    )
    record_effects(handover=locked, user=user)
    return locked


def remains_identify(
    *,
    remains: Remains,
    user,
    person: Person | None,
    identification: str,
    method: str = "",
    identified_on: datetime.date | None = None,
) -> Remains:
    """Record who remains of a draft were identified as: a change of its draft (so by its
    clerk or an admin); the person's status changes only when the handover is verified."""
    row = {
        "id": remains.pk,
        "person": person,
        "identification": identification,
        "method": method,
        "identified_on": identified_on,
    }
    others = remains.handover.remains.exclude(pk=remains.pk).values_list("pk", flat=True)
    rows = [row, *({"id": pk} for pk in others)]
    handover_revise(handover=remains.handover, user=user, remains=rows)
    return Remains.objects.get(pk=remains.pk)


def _apply(locked: Handover, data: dict, rows, released) -> dict:
    """Apply a change to the locked handover and its rows; what changed, ``{}`` if nothing."""
    fields = _set_fields(locked, data)
    current = {item.pk: item for item in locked.remains.select_related("person__party")}
    rows = None if rows is None else list(rows)
    before = set(ReleasedPerson.objects.filter(handover=locked).values_list("person", flat=True))
    after = before if released is None else {person.pk for person in released}
    validate_handover(locked, list(current) if rows is None else rows, list(after))
    if rows is None:
        if fields and any(
            item.person and item.person.party_id != locked.to_party_id for item in current.values()
        ):
            raise ValidationError({"to_party": [str(REMAINS_OF_ANOTHER_PARTY)]})
        built = list(current.values())
    else:
        built = build_remains(locked, rows, current=current)
    changes = _row_changes(built, current)
    if fields:
        changes["fields"] = fields
    if after != before:
        changes["released_added"] = sorted(after - before)
        changes["released_removed"] = sorted(before - after)
    if changes:
        _save(locked, fields, built, current, changes, after - before, before - after)
    return changes


def _set_fields(locked: Handover, data: dict) -> list[str]:
    changed = []
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        field = Handover._meta.get_field(name)
        old = field.value_from_object(locked)
        setattr(locked, name, data[name])
        if field.value_from_object(locked) != old:
            changed.append(name)
    return changed


def _row_changes(built: list[Remains], current: dict[int, Remains]) -> dict:
    kept = {item.pk for item in built if item.pk is not None}
    changes = {
        "changed": [
            item.pk
            for item in built
            if item.pk is not None and row_values(item) != row_values(current[item.pk])
        ],
        "removed": sorted(current[pk].case_number for pk in set(current) - kept),
        "added": [item for item in built if item.pk is None],
    }
    return {name: value for name, value in changes.items() if value}


def _save(locked, fields, built, current, changes, released_added, released_removed) -> None:
    now = timezone.now()
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    added = changes.get("added", [])
    changed = [item for item in built if item.pk in set(changes.get("changed", []))]
    try:
        with transaction.atomic():
            Remains.objects.filter(
                pk__in=set(current) - {item.pk for item in built if item.pk}
            ).delete()
            for item in changed:
                item.updated_at = now
            Remains.objects.bulk_update(changed, [*ROW_FIELDS, "updated_at"])
            Remains.objects.bulk_create(added)
    except IntegrityError as exc:
        raise ValidationError({"remains": [str(CASE_NUMBERS_CLASH)]}) from exc
    changes["added"] = [item.pk for item in added]
    if not changes["added"]:
        del changes["added"]
    ReleasedPerson.objects.filter(handover=locked, person__in=released_removed).delete()
    ReleasedPerson.objects.bulk_create(
        ReleasedPerson(handover=locked, person_id=pk) for pk in sorted(released_added)
    )
