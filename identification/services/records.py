"""Writes of the forensic records (PM, AM, samples, DNA reports, aftercare) and the log of
who read AM data. Forms, the API and the admin all call these."""

from django.db import transaction
from django.db.models import Model

from identification.models import (
    Aftercare,
    AmAccess,
    AnteMortem,
    DnaMatchReport,
    PostMortem,
    Sample,
)
from identification.services.board import require_forensic


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


def aftercare_save(*, user, remains, **data) -> Aftercare:
    """The steps after identification, on the remains' one aftercare record."""
    instance = Aftercare.objects.filter(remains=remains).first() or Aftercare(remains=remains)
    return record_save(instance=instance, user=user, data=data)


def am_access_record(*, user, person_ids, path: str) -> None:
    """Log that ``user`` read the AM data of these persons (one row each, append-only)."""
    AmAccess.objects.bulk_create(
        [AmAccess(viewer=user, person_id=pk, path=path[:300]) for pk in dict.fromkeys(person_ids)]
    )
