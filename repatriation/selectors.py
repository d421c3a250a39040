"""Reads of agreements that the staff pages and the ledger share: how much of each deal has
arrived."""

import datetime

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from casualties.models import Conflict, Party
from repatriation.choices import HandoverKind, HandoverState
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
    agreements = Agreement.objects.select_related("conflict", "party_a", "party_b", "mediator")
    delivered = Q()
    if conflict is not None:
        agreements = agreements.filter(conflict=conflict)
    if party is not None:
        agreements = agreements.filter(Q(party_a=party) | Q(party_b=party))
    if as_of is not None:
        agreements = agreements.filter(concluded_on__lte=as_of)
        delivered = Q(handovers__date__lte=as_of)
    return agreements.annotate(
        received_to_a=_received("party_a", delivered),
        received_to_b=_received("party_b", delivered),
        tranche_count=Count("handovers", filter=delivered, distinct=True),
    ).annotate(
        due_to_a=Greatest(F("count_to_a") - F("received_to_a"), Value(0)),
        due_to_b=Greatest(F("count_to_b") - F("received_to_b"), Value(0)),
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
