from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverKind(models.TextChoices):
    REMAINS = "remains", _("Remains")
    PRISONERS = "prisoners", _("Prisoners")
    # Remains recovered by the receiving party's own side (a battlefield, a mass grave): no
    # party handed them over, so a recovery has no ``from_party`` (DESIGN §3).
    RECOVERY = "recovery", _("Recovery")


# An agreement exchanges remains or prisoners between two parties; nobody agrees a recovery.
AGREEMENT_KINDS = [(value, label) for value, label in HandoverKind.choices if value != "recovery"]


class HandoverState(models.TextChoices):
    """draft → sent back → draft (resubmitted) → verified (DESIGN §5)."""

    DRAFT = "draft", _("Draft")
    SENT_BACK = "sent_back", _("Sent back")
    VERIFIED = "verified", _("Verified")


class RevisionKind(models.TextChoices):
    """Why a handover was changed after it was entered."""

    EDIT = "edit", _("Edit of a draft")
    RESUBMISSION = "resubmission", _("Resubmission after a send-back")
    CORRECTION = "correction", _("Correction after verification")


class RemainsCondition(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    PARTIAL = "partial", _("Partial")


class Identification(models.TextChoices):
    UNIDENTIFIED = "unidentified", _("Unidentified")
    PRESUMPTIVE = "presumptive", _("Presumptive")
    CONFIRMED = "confirmed", _("Confirmed")


class Disposition(models.TextChoices):
    """Where remains are now (DESIGN §3). Returned to sender: found to be the other side's and
    handed back, so they leave the receiving party's count."""

    HELD = "held", _("Held")
    RELEASED_TO_FAMILY = "released_to_family", _("Released to the family")
    BURIED = "buried", _("Buried")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")


class IdentificationMethod(models.TextChoices):
    DNA = "dna", _("DNA")
    VISUAL = "visual", _("Visual")
    DOCUMENTS = "documents", _("Documents")
    DENTAL = "dental", _("Dental")
    FINGERPRINTS = "fingerprints", _("Fingerprints")
