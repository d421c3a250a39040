"""Writes to agreements between parties."""

from django.db import transaction

from repatriation.models import Agreement


@transaction.atomic
def agreement_create(**fields) -> Agreement:
    """Record an agreement; the model's rules (two different parties, counts ≥ 0) apply."""
    agreement = Agreement(**fields)
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, data: dict) -> Agreement:
    for field, value in data.items():
        setattr(agreement, field, value)
    agreement.full_clean()
    agreement.save()
    return agreement
