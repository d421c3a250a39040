"""Reads the staff pages and the ledger share: how much of each agreement has arrived, and
what a verifier checks before verifying a handover."""

import datetime

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from casualties.choices import STATUS_MOVES, PersonStatus
from casualties.models import Conflict, Party
from repatriation.choices import HandoverKind, HandoverState, Identification, RevisionKind
from repatriation.models import Agreement, Handover


def _received(party_field: str, delivered: Q) -> Case:
    """What has reached one side: remains, or released persons for a prisoner exchange,
    counted only in verified tranches handed to that side. ``distinct`` because both
    joins fan out the same agreement row."""
    to_side = delivered & Q(
        handovers__state=HandoverState.VERIFIED, handovers__to_party=F(party_field)
    )
    remains = Count("handovers__remains", filter=to_side, distinct=True)
    persons = Count("handovers__released_persons", filter=to_side, distinct=True)
    return Case(
        When(kind=HandoverKind.REMAINS, then=remains),
        default=persons,
        output_field=IntegerField(),
    )


def agreements_in_scope(
    *,
    conflict: Conflict | None = None,
    party: Party | None = None,
    as_of: datetime.date | None = None,
) -> QuerySet[Agreement]:
    """The agreements of ``conflict`` the ``party`` is a side of, concluded by ``as_of``
    (``None``: any)."""
    agreements = Agreement.objects.all()
    if conflict is not None:
        agreements = agreements.filter(conflict=conflict)
    if party is not None:
        agreements = agreements.filter(Q(party_a=party) | Q(party_b=party))
    if as_of is not None:
        agreements = agreements.filter(concluded_on__lte=as_of)
    return agreements


def agreements_with_progress(
    *,
    conflict: Conflict | None = None,
    party: Party | None = None,
    as_of: datetime.date | None = None,
) -> QuerySet[Agreement]:
    """Each agreement with ``received_to_a``/``_b`` and ``due_to_a``/``_b`` (never below 0)
    computed in the one query that reads the agreements.

    ``conflict`` and ``party`` keep the agreements of that conflict and those the party is a
    side of; ``as_of`` keeps those concluded by that day and counts only the tranches dated
    on or before it, as the ledger of that day does.
    """
    agreements = agreements_in_scope(conflict=conflict, party=party, as_of=as_of)
    delivered = Q() if as_of is None else Q(handovers__date__lte=as_of)
    return (
        agreements.select_related("conflict", "party_a", "party_b", "mediator")
        .annotate(
            received_to_a=_received("party_a", delivered),
            received_to_b=_received("party_b", delivered),
            tranche_count=Count("handovers", filter=delivered, distinct=True),
        )
        .annotate(
            due_to_a=Greatest(F("count_to_a") - F("received_to_a"), Value(0)),
            due_to_b=Greatest(F("count_to_b") - F("received_to_b"), Value(0)),
        )
    )


def agreement_tranches(agreement: Agreement) -> QuerySet[Handover]:
    """The handovers delivered under an agreement, oldest first, each with what it logged."""
    return (
        Handover.objects.filter(agreement=agreement)
        .select_related("from_party", "to_party", "verified_by")
        .annotate(
            remains_count=Count("remains", distinct=True),
            released_count=Count("released_persons", distinct=True),
        )
        .order_by("date", "id")
    )


def review_checks(handover: Handover) -> dict:
    """What a verifier checks before verifying (DESIGN §5), from a handover read with
    ``for_staff_page``: the count announced against the count logged, the rows changed since
    the last send-back, and the deaths and releases verifying will record on persons.
    ``fingerprint`` names this state of the draft, so a form shown before a change is refused.
    """
    remains = list(handover.remains.all())
    released = list(handover.released_persons.all())
    logged = len(released) if handover.kind == HandoverKind.PRISONERS else len(remains)
    since = handover.revisions.exclude(kind=RevisionKind.CORRECTION)
    if handover.sent_back_at is not None:
        since = since.filter(revised_at__gt=handover.sent_back_at)
    revisions = list(since.select_related("revised_by"))
    changed_rows = set()
    for revision in revisions:
        changed_rows.update(revision.changes.get("added", []))
        changed_rows.update(revision.changes.get("changed", []))
    confirmed = [
        item for item in remains if item.identification == Identification.CONFIRMED and item.person
    ]
    deaths = [item for item in confirmed if PersonStatus.KILLED in STATUS_MOVES[item.person.status]]
    releases = [p for p in released if PersonStatus.RELEASED in STATUS_MOVES[p.status]]
    last = handover.revisions.order_by("-revised_at", "-id").values_list("id", flat=True).first()
    return {
        "announced": handover.reported_count,
        "logged": logged,
        "count_matches": logged == handover.reported_count,
        "revisions": revisions,
        "removed_rows": [case for r in revisions for case in r.changes.get("removed", [])],
        "changed_rows": changed_rows,
        "changed_fields": sorted({name for r in revisions for name in r.changes.get("fields", [])}),
        "deaths": deaths,
        "not_recorded": [item for item in confirmed if item not in deaths],
        "releases": releases,
        "fingerprint": f"{handover.pk}:{last or 0}:{logged}:{len(deaths)}:{len(releases)}",
    }
