"""Writes of the forensic records (PM, AM, samples, DNA reports, aftercare) and the log of
who read AM data. Forms, the API and the admin all call these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.plausible import IN_FUTURE
from identification.models import (
    Aftercare,
    AmAccess,
    AnteMortem,
    DnaMatchReport,
    PostMortem,
    Sample,
)
from identification.models.board import (
    BURIED_WHERE,
    NOTIFIED_BY_WHOM,
    RELEASED_NOT_UNCLAIMED,
    RELEASED_TO_WHOM,
)
from identification.services.board import require_forensic
from repatriation.choices import Disposition, Identification
from repatriation.services.claims import remains_set_disposition

AFTERCARE_BEFORE_RECEIPT = _("This is before the remains were received (%(date)s).")
AFTERCARE_DATES = ("family_notified_on", "released_to_family_on", "buried_on")
AFTERCARE_RETURNED = _(
    "These remains were returned to the sender: they are the other side's and take no aftercare."
)
RELEASED_NOT_CONFIRMED = _("Only remains whose identification is confirmed are released.")


@transaction.atomic
def record_save(*, instance: Model, user, data: dict | None = None) -> Model:
    """Create or change one forensic record: the caller must be a forensic coordinator; the
    record is checked whole (fields and constraints) before it is saved."""
    require_forensic(user)
    for name, value in (data or {}).items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def postmortem_save(*, user, instance: PostMortem | None = None, **data) -> PostMortem:
    return record_save(instance=instance or PostMortem(), user=user, data=data)


def antemortem_save(*, user, instance: AnteMortem | None = None, **data) -> AnteMortem:
    return record_save(instance=instance or AnteMortem(), user=user, data=data)


def sample_save(*, user, instance: Sample | None = None, **data) -> Sample:
    return record_save(instance=instance or Sample(), user=user, data=data)


def dna_report_create(*, user, **data) -> DnaMatchReport:
    return record_save(instance=DnaMatchReport(), user=user, data=data)


def _aftercare_errors(record: Aftercare, received_on: datetime.date) -> dict[str, list[str]]:
    """The record's constraints and plausible dates, each keyed by the field to fix, so a form
    shows them beside it (the constraints alone would name no field)."""
    errors: dict[str, list] = {}
    today = timezone.localdate()
    for name in AFTERCARE_DATES:
        value = getattr(record, name)
        if isinstance(value, datetime.date) and value > today:
            errors.setdefault(name, []).append(str(IN_FUTURE))
        elif isinstance(value, datetime.date) and value < received_on:
            message = AFTERCARE_BEFORE_RECEIPT % {"date": received_on.isoformat()}
            errors.setdefault(name, []).append(str(message))
    if (record.family_notified_on is None) != (record.family_notified_by_id is None):
        errors.setdefault("family_notified_on", []).append(str(NOTIFIED_BY_WHOM))
    if record.released_to_family_on and not record.released_to.strip():
        errors.setdefault("released_to", []).append(str(RELEASED_TO_WHOM))
    if record.buried_on and not record.burial_place.strip():
        errors.setdefault("burial_place", []).append(str(BURIED_WHERE))
    if record.unclaimed and record.released_to_family_on:
        errors.setdefault("unclaimed", []).append(str(RELEASED_NOT_UNCLAIMED))
    return errors


def _disposition(record: Aftercare) -> tuple[str, datetime.date | None]:
    """Where the aftercare leaves the remains: burial is the last step, so it wins."""
    if record.buried_on:
        return Disposition.BURIED, record.buried_on
    if record.released_to_family_on:
        return Disposition.RELEASED_TO_FAMILY, record.released_to_family_on
    return Disposition.HELD, None


@transaction.atomic
def aftercare_save(*, user, remains, **data) -> Aftercare:
    """The steps after identification, on the remains' one aftercare record; the remains'
    disposition follows it in the same transaction, so the ledger counts what it records."""
    require_forensic(user)
    instance = Aftercare.objects.filter(remains=remains).first() or Aftercare(remains=remains)
    for name, value in data.items():
        setattr(instance, name, value)
    errors = _aftercare_errors(instance, remains.handover.date)
    if remains.disposition == Disposition.RETURNED_TO_SENDER:
        errors.setdefault("remains", []).append(str(AFTERCARE_RETURNED))
    elif instance.released_to_family_on and remains.identification != Identification.CONFIRMED:
        errors.setdefault("released_to_family_on", []).append(str(RELEASED_NOT_CONFIRMED))
    if errors:
        raise ValidationError(errors)
    saved = record_save(instance=instance, user=user)
    disposition, on = _disposition(saved)
    moved = remains_set_disposition(remains=remains, disposition=disposition, on=on)
    remains.disposition, remains.disposition_on = moved.disposition, moved.disposition_on
    return saved


def am_access_record(*, user, person_ids, path: str) -> None:
    """Log that ``user`` read the AM data of these persons (one row each, append-only)."""
    AmAccess.objects.bulk_create(
        [AmAccess(viewer=user, person_id=pk, path=path[:300]) for pk in dict.fromkeys(person_ids)]
    )
