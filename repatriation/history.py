"""What a handover's change history includes (core/history.py): the handover, its remains and
released persons, the parties' claims of its count, and its revisions (sent back, resubmitted,
corrected)."""

from core.history import Part
from repatriation.models import (
    Handover,
    HandoverClaim,
    HandoverRevision,
    ReleasedPerson,
    Remains,
)


def handover_history_parts(pk: int) -> list[Part]:
    return [
        Part(Handover, {"pgh_obj_id": pk}),
        Part(Remains, {"handover_id": pk}, label="case_number"),
        Part(ReleasedPerson, {"handover_id": pk}),
        Part(HandoverClaim, {"handover_id": pk}),
        Part(HandoverRevision, {"handover_id": pk}, label="kind"),
    ]
