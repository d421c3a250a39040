from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNDETERMINED = "undetermined", _("Undetermined")


class SampleSource(models.TextChoices):
    """Taken from remains, or given by a relative of a missing person (a family reference)."""

    REMAINS = "remains", _("From remains")
    FAMILY = "family", _("Family reference")


class SampleTissue(models.TextChoices):
    BONE = "bone", _("Bone")
    TOOTH = "tooth", _("Tooth")
    TISSUE = "tissue", _("Tissue")
    BLOOD = "blood", _("Blood")
    BUCCAL = "buccal", _("Buccal swab")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CHILD = "child", _("Child")
    FULL_SIBLING = "full_sibling", _("Full sibling")
    HALF_SIBLING = "half_sibling", _("Half sibling")
    SPOUSE = "spouse", _("Spouse")


# Kinship matching needs a parent or a child, or two full siblings (DESIGN §9).
DIRECT_KIN = (Relationship.MOTHER, Relationship.FATHER, Relationship.CHILD)
SIBLINGS_NEEDED = 2


class ConsentScope(models.TextChoices):
    """How widely a family allows its reference to be shared."""

    MINISTRY = "ministry", _("This ministry only")
    ICRC = "icrc", _("The ICRC")
    ICMP = "icmp", _("ICMP")


class LabStatus(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    SENT = "sent", _("Sent to the lab")
    PROFILED = "profiled", _("Profiled")
    FAILED = "failed", _("Failed")


class Evidence(models.TextChoices):
    DNA = "dna", _("DNA")
    DENTAL = "dental", _("Dental")
    FINGERPRINTS = "fingerprints", _("Fingerprints")
    DOCUMENTS = "documents", _("Documents")
    VISUAL = "visual", _("Visual recognition")
    EFFECTS = "effects", _("Personal effects")


# Interpol DVI: these identify on their own; the others only corroborate.
PRIMARY_EVIDENCE = (Evidence.DNA, Evidence.DENTAL, Evidence.FINGERPRINTS)
SECONDARY_EVIDENCE = (Evidence.DOCUMENTS, Evidence.VISUAL, Evidence.EFFECTS)
SECONDARY_NEEDED = 2


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class CaseState(models.TextChoices):
    """Where a person's identification case stands (the person page, the registry)."""

    OPEN = "open", _("Open")
    PENDING = "pending", _("Proposal pending")
    IDENTIFIED = "identified", _("Identified")
