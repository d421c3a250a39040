"""All writes to agreements, handovers and remains. Forms, the admin and the API call these."""

from repatriation.services.agreements import agreement_create, agreement_update
from repatriation.services.handovers import (
    AGREEMENT_MISMATCH,
    ALREADY_VERIFIED,
    NO_VERIFY_PERMISSION,
    OWN_DRAFT,
    PRISONERS_HAVE_NO_REMAINS,
    REMAINS_HAVE_NO_PRISONERS,
    REMAINS_OF_ANOTHER_PARTY,
    REVIEW_COMMENT_NEEDED,
    VERIFIED_IS_FINAL,
    handover_create,
    handover_send_back,
    handover_update,
    handover_verify,
    review_refusal,
)
from repatriation.services.remains import (
    CASE_NUMBER_TAKEN,
    DUPLICATE_CASE_NUMBER,
    WRONG_PARTY,
    remains_identify,
    wrong_party_message,
)

__all__ = [
    "AGREEMENT_MISMATCH",
    "ALREADY_VERIFIED",
    "CASE_NUMBER_TAKEN",
    "DUPLICATE_CASE_NUMBER",
    "NO_VERIFY_PERMISSION",
    "OWN_DRAFT",
    "PRISONERS_HAVE_NO_REMAINS",
    "REMAINS_HAVE_NO_PRISONERS",
    "REMAINS_OF_ANOTHER_PARTY",
    "REVIEW_COMMENT_NEEDED",
    "VERIFIED_IS_FINAL",
    "WRONG_PARTY",
    "agreement_create",
    "agreement_update",
    "handover_create",
    "handover_send_back",
    "handover_update",
    "handover_verify",
    "remains_identify",
    "review_refusal",
    "wrong_party_message",
]
