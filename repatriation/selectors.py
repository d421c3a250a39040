"""Reads of agreements that the staff pages share: how much of each deal has arrived."""

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from repatriation.choices import HandoverKind, HandoverState
from repatriation.models import Agreement, Handover


def _received(party_field: str) -> Case:
    """What has reached one side: remains, or released persons for a prisoner exchange,
    counted only in verified tranches handed to that side. ``distinct`` because both
    joins fan out the same agreement row."""
    to_side = Q(handovers__state=HandoverState.VERIFIED, handovers__to_party=F(party_field))
    remains = Count("handovers__remains", filter=to_side, distinct=True)
    persons = Count("handovers__released_persons", filter=to_side, distinct=True)
    return Case(
        When(kind=HandoverKind.REMAINS, then=remains),
        default=persons,
        output_field=IntegerField(),
    )


def agreements_with_progress() -> QuerySet[Agreement]:
    """Each agreement with ``received_to_a``/``_b`` and ``due_to_a``/``_b`` (never below 0)
    computed in the one query that reads the agreements."""
    return (
        Agreement.objects.select_related("conflict", "party_a", "party_b", "mediator")
        .annotate(
            received_to_a=_received("party_a"),
            received_to_b=_received("party_b"),
            tranche_count=Count("handovers", distinct=True),
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
