"""Reads of the identification records (DESIGN §9): who has enough family references, the
board's rows. Staff only: nothing here is public except the one share the ledger publishes."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThanOrEqual

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from identification.choices import (
    DIRECT_KIN,
    SIBLINGS_NEEDED,
    LabStatus,
    Relationship,
    SampleSource,
)
from identification.models import Sample


def _profiled_references(as_of: datetime.date | None):
    found = Sample.objects.filter(
        person=OuterRef("pk"), source=SampleSource.FAMILY, lab_status=LabStatus.PROFILED
    )
    # A sample counts from the day it was taken: its profiling date is not recorded.
    return found if as_of is None else found.filter(taken_on__lte=as_of)


def enough_references(as_of: datetime.date | None = None) -> Q:
    """The persons whose profiled references allow kinship matching: a parent or a child, or
    two full siblings (DESIGN §9). A condition on persons, for ``filter`` or an aggregate."""
    references = _profiled_references(as_of)
    siblings = (
        references.filter(relationship=Relationship.FULL_SIBLING)
        .order_by()
        .values("person")
        .annotate(n=Count("id"))
        .values("n")
    )
    direct = Exists(references.filter(relationship__in=DIRECT_KIN))
    return Q(direct) | Q(GreaterThanOrEqual(Coalesce(Subquery(siblings), 0), SIBLINGS_NEEDED))


def missing_persons(
    *, conflict_id: int | None = None, party_id: int | None = None, as_of=None
) -> QuerySet:
    """Persons missing on ``as_of`` (their latest status change by then), or now."""
    persons = Person.objects.all()
    if conflict_id is not None:
        persons = persons.filter(conflict_id=conflict_id)
    if party_id is not None:
        persons = persons.filter(party_id=party_id)
    if as_of is None:
        return persons.filter(status=PersonStatus.MISSING)
    then = StatusChange.objects.filter(person=OuterRef("pk"), effective_date__lte=as_of)
    latest = then.order_by("-effective_date", "-recorded_at", "-id").values("status")[:1]
    return persons.annotate(status_then=Subquery(latest)).filter(status_then=PersonStatus.MISSING)


def references_sufficient_share(
    *, conflict_id: int, party_id: int, as_of: datetime.date | None = None
) -> float | None:
    """Share (0–1) of the party's missing persons whose family references are enough for
    kinship matching; None when the party has no missing person. One query."""
    counts = missing_persons(conflict_id=conflict_id, party_id=party_id, as_of=as_of).aggregate(
        missing=Count("pk"), enough=Count("pk", filter=enough_references(as_of))
    )
    if not counts["missing"]:
        return None
    return counts["enough"] / counts["missing"]


def region_of_person():
    """Where to collect: the AM record's region, else the person's home region."""
    return Coalesce(
        NullIf("ante_mortem__region", Value("")), NullIf("home_region", Value("")), Value("")
    )


def missing_without_references(*, conflict_id: int | None = None) -> QuerySet:
    """The staff list of missing persons whose references are not enough, by region."""
    return (
        missing_persons(conflict_id=conflict_id)
        .exclude(enough_references())
        .annotate(
            region=region_of_person(),
            references=Count(
                "reference_samples",
                filter=Q(reference_samples__lab_status=LabStatus.PROFILED),
            ),
        )
        .select_related("party", "conflict")
        .order_by("region", "full_name", "id")
    )


def regions_without_references(*, conflict_id: int | None = None) -> list[dict]:
    """How many missing persons lack enough references, per region (most first)."""
    rows = (
        missing_persons(conflict_id=conflict_id)
        .exclude(enough_references())
        .annotate(region=region_of_person())
        .values("region")
        .annotate(persons=Count("pk"))
        .order_by("-persons", "region")
    )
    return list(rows)
