"""All writes to agreements, handovers and remains. Forms, the admin and the API call these."""

from repatriation.services.agreements import agreement_create, agreement_update
from repatriation.services.claims import handover_claim_record, remains_return_to_sender
from repatriation.services.handovers import (
    AGREEMENT_MISMATCH,
    PRISONERS_HAVE_NO_REMAINS,
    REMAINS_HAVE_NO_PRISONERS,
    REMAINS_OF_ANOTHER_PARTY,
    VERIFIED_IS_FINAL,
    handover_create,
)
from repatriation.services.remains import (
    CASE_NUMBER_TAKEN,
    DUPLICATE_CASE_NUMBER,
    TOO_MANY_REMAINS,
    WRONG_PARTY,
    check_row_count,
    wrong_party_message,
)
from repatriation.services.review import (
    ALREADY_VERIFIED,
    AWAITING_CORRECTION,
    EDITED_BY_YOU,
    NO_VERIFY_PERMISSION,
    OWN_DRAFT,
    REVIEW_COMMENT_NEEDED,
    STATE_CODES,
    handover_send_back,
    handover_verify,
    review_refusal,
)
from repatriation.services.revisions import (
    CORRECTION_BY_ADMIN,
    CORRECTION_REASON_NEEDED,
    NOT_YOUR_DRAFT,
    UNCHANGED_RESUBMISSION,
    edit_refusal,
    handover_correct,
    handover_revise,
    remains_identify,
)

__all__ = [
    "AGREEMENT_MISMATCH",
    "ALREADY_VERIFIED",
    "AWAITING_CORRECTION",
    "CASE_NUMBER_TAKEN",
    "CORRECTION_BY_ADMIN",
    "CORRECTION_REASON_NEEDED",
    "DUPLICATE_CASE_NUMBER",
    "EDITED_BY_YOU",
    "NOT_YOUR_DRAFT",
    "NO_VERIFY_PERMISSION",
    "OWN_DRAFT",
    "PRISONERS_HAVE_NO_REMAINS",
    "REMAINS_HAVE_NO_PRISONERS",
    "REMAINS_OF_ANOTHER_PARTY",
    "REVIEW_COMMENT_NEEDED",
    "STATE_CODES",
    "TOO_MANY_REMAINS",
    "UNCHANGED_RESUBMISSION",
    "VERIFIED_IS_FINAL",
    "WRONG_PARTY",
    "agreement_create",
    "agreement_update",
    "check_row_count",
    "edit_refusal",
    "handover_claim_record",
    "handover_correct",
    "handover_create",
    "handover_revise",
    "handover_send_back",
    "handover_verify",
    "remains_identify",
    "remains_return_to_sender",
    "review_refusal",
    "wrong_party_message",
]
