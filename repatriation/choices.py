from django.db import models
from django.utils.translation import gettext_lazy as _


class HandoverKind(models.TextChoices):
    REMAINS = "remains", _("Remains")
    PRISONERS = "prisoners", _("Prisoners")


class HandoverState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VERIFIED = "verified", _("Verified")


class RemainsCondition(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    PARTIAL = "partial", _("Partial")


class Identification(models.TextChoices):
    UNIDENTIFIED = "unidentified", _("Unidentified")
    PRESUMPTIVE = "presumptive", _("Presumptive")
    CONFIRMED = "confirmed", _("Confirmed")


class IdentificationMethod(models.TextChoices):
    DNA = "dna", _("DNA")
    VISUAL = "visual", _("Visual")
    DOCUMENTS = "documents", _("Documents")
    DENTAL = "dental", _("Dental")
    FINGERPRINTS = "fingerprints", _("Fingerprints")
