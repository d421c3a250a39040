"""All writes of the identification records and the board. Forms, the admin and the API call
these."""

from identification.services.board import (
    ALREADY_CONFIRMED,
    DNA_BELOW_THRESHOLD,
    FORENSIC_ONLY,
    NOT_ENOUGH_EVIDENCE,
    NOT_PENDING,
    REPORT_MISMATCH,
    confirmation_refusal,
    proposal_confirm,
    proposal_create,
    proposal_reject,
    require_forensic,
)
from identification.services.records import (
    aftercare_save,
    am_access_record,
    antemortem_save,
    dna_report_create,
    postmortem_save,
    record_save,
    sample_save,
)

__all__ = [
    "ALREADY_CONFIRMED",
    "DNA_BELOW_THRESHOLD",
    "FORENSIC_ONLY",
    "NOT_ENOUGH_EVIDENCE",
    "NOT_PENDING",
    "REPORT_MISMATCH",
    "aftercare_save",
    "am_access_record",
    "antemortem_save",
    "confirmation_refusal",
    "dna_report_create",
    "postmortem_save",
    "proposal_confirm",
    "proposal_create",
    "proposal_reject",
    "record_save",
    "require_forensic",
    "sample_save",
]
