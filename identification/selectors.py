"""Reads of the identification records (DESIGN §9): who has enough family references, the
board's rows, a person's case. Staff only: nothing here is public except the one share the
ledger publishes."""

import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import GreaterThanOrEqual

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from core.db.prepared import fetch
from identification.candidates import UNRETURNED
from identification.choices import (
    DIRECT_KIN,
    SIBLINGS_NEEDED,
    CaseState,
    ConsentScope,
    LabStatus,
    Relationship,
    SampleSource,
)
from identification.models import AnteMortem, Proposal, Sample
from repatriation.choices import Identification
from repatriation.models import Remains


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


# The missing persons of one ledger whose profiled family references are enough
# (``enough_references``), read from those references alone: one row per person with any.
# A sample counts from the day it was taken (its profiling date is not recorded); the person's
# status then is their latest status change by that day (``missing_persons``).
_ENOUGH = f"""
    WITH refs AS (
        SELECT s.person_id,
               bool_or(s.relationship IN ({", ".join(f"'{kin}'" for kin in DIRECT_KIN)})) AS direct,
               count(*) FILTER (WHERE s.relationship = '{Relationship.FULL_SIBLING}') AS siblings
        FROM {Sample._meta.db_table} s
        JOIN {Person._meta.db_table} p ON p.id = s.person_id
        WHERE s.source = '{SampleSource.FAMILY}' AND s.lab_status = '{LabStatus.PROFILED}'
          AND (%(as_of)s::date IS NULL OR s.taken_on <= %(as_of)s::date)
          AND p.conflict_id = %(conflict)s::bigint AND p.party_id = %(party)s::bigint
        GROUP BY s.person_id
    )
    SELECT count(*)::int AS enough
    FROM refs JOIN {Person._meta.db_table} p ON p.id = refs.person_id
    WHERE (refs.direct OR refs.siblings >= {SIBLINGS_NEEDED})
      AND CASE WHEN %(as_of)s::date IS NULL THEN p.status = '{PersonStatus.MISSING}'
          ELSE (SELECT c.status FROM {StatusChange._meta.db_table} c
                WHERE c.person_id = p.id AND c.effective_date <= %(as_of)s::date
                ORDER BY c.effective_date DESC, c.recorded_at DESC, c.id DESC LIMIT 1)
               = '{PersonStatus.MISSING}'
          END
"""


def references_sufficient_share(
    *, conflict_id: int, party_id: int, missing: int, as_of: datetime.date | None = None
) -> float | None:
    """Share (0–1) of the party's ``missing`` persons (counted by the caller: the ledger reads
    them from its tallies) whose family references are enough for kinship matching; None when
    there are none. One prepared query (core/db/prepared.py) over the persons with a profiled
    family reference only; the tests hold it to ``enough_references``."""
    if not missing:
        return None
    params = {"conflict": conflict_id, "party": party_id, "as_of": as_of}
    [row] = fetch(_ENOUGH, params)
    return row["enough"] / missing


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


def _identified():
    return Exists(
        Remains.objects.filter(person=OuterRef("pk"), identification=Identification.CONFIRMED)
    )


def _proposed():
    return Exists(Proposal.objects.pending().filter(person=OuterRef("pk")))


def case_persons() -> QuerySet:
    """The persons with an identification case: not yet returned (missing, captured, or killed
    with no remains back: the candidates' population), or identified."""
    return Person.objects.filter(Q(status__in=UNRETURNED) | Q(_identified()))


def case_states_by_region() -> list[dict]:
    """Per region, how many cases are open, wait on a proposal, or are identified: one query."""
    identified, proposed = Q(_identified()), Q(_proposed())
    rows = (
        case_persons()
        .annotate(region=region_of_person())
        .values("region")
        .annotate(
            open=Count("pk", filter=~identified & ~proposed),
            pending=Count("pk", filter=~identified & proposed),
            identified=Count("pk", filter=identified),
        )
        .order_by("region")
    )
    return list(rows)


def _case_row(person: Person, **extra) -> dict | None:
    """The person's case flags (and ``extra`` annotations) in one query; None: no case."""
    flags = {"identified": _identified(), "proposed": _proposed(), **extra}
    return case_persons().filter(pk=person.pk).annotate(**flags).values(*flags).first()


def _state(row: dict) -> str:
    if row["identified"]:
        return CaseState.IDENTIFIED
    return CaseState.PENDING if row["proposed"] else CaseState.OPEN


def case_state(person: Person) -> str | None:
    """The person's case state (``CaseState``), or None when they have no case."""
    row = _case_row(person)
    return row and _state(row)


def person_case(person: Person) -> dict | None:
    """A person's case for forensic coordinators: the AM record's presence, the family
    references (how many, how many profiled, by consent scope, and whether they are enough),
    pending proposals and confirmed identifications. None when they have no case."""
    row = _case_row(
        person,
        has_ante_mortem=Exists(AnteMortem.objects.filter(person=OuterRef("pk"))),
        has_enough=ExpressionWrapper(enough_references(), output_field=BooleanField()),
    )
    if row is None:
        return None
    scopes = list(
        Sample.objects.filter(person=person, source=SampleSource.FAMILY)
        .order_by("consent_scope")
        .values("consent_scope")
        .annotate(n=Count("id"), profiled=Count("id", filter=Q(lab_status=LabStatus.PROFILED)))
    )
    return {
        "state": _state(row),
        "ante_mortem": row["has_ante_mortem"],
        "references": sum(scope["n"] for scope in scopes),
        "profiled": sum(scope["profiled"] for scope in scopes),
        "scopes": [
            {"scope": ConsentScope(scope["consent_scope"]).label, "n": scope["n"]}
            for scope in scopes
        ],
        "enough": row["has_enough"],
        "pending": list(Proposal.objects.pending().filter(person=person).select_related("remains")),
        "confirmed": list(
            Remains.objects.filter(person=person, identification=Identification.CONFIRMED)
            .select_related("handover")
            .order_by("identified_on", "id")
        ),
    }
