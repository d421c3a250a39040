"""The repatriation app's models: one module per kind of record, all importable from here."""

from repatriation.models.agreements import Agreement
from repatriation.models.claims import HandoverClaim
from repatriation.models.handovers import Handover, HandoverQuerySet, ReleasedPerson
from repatriation.models.idempotency import IdempotencyKey
from repatriation.models.remains import Remains
from repatriation.models.revisions import HandoverRevision

__all__ = [
    "Agreement",
    "Handover",
    "HandoverClaim",
    "HandoverQuerySet",
    "HandoverRevision",
    "IdempotencyKey",
    "Remains",
    "ReleasedPerson",
]
