"""DNA samples (from remains, or family references) and the labs' match reports."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, TimestampedModel
from core.audit import audited
from identification.choices import ConsentScope, LabStatus, Relationship, SampleSource, SampleTissue
from repatriation.models import Remains

SAMPLE_FROM_REMAINS = _("A sample from remains names the remains, and no person or donor.")
FAMILY_REFERENCE = _(
    "A family reference names the missing person, the donor's relationship and the consent scope."
)


@audited()
class Sample(TimestampedModel):
    """A DNA sample: bone, tooth or tissue taken from remains, or a relative's reference sample
    given for a missing person (with the family's consent scope). Restricted."""

    source = models.CharField(_("taken from"), max_length=16, choices=SampleSource.choices)
    remains = models.ForeignKey(
        Remains,
        verbose_name=_("remains"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="samples",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("missing person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reference_samples",
    )
    relationship = models.CharField(
        _("donor's relationship"), max_length=16, choices=Relationship.choices, blank=True
    )
    consent_scope = models.CharField(
        _("consent scope"), max_length=16, choices=ConsentScope.choices, blank=True
    )
    tissue = models.CharField(_("tissue"), max_length=16, choices=SampleTissue.choices, blank=True)
    reference = models.CharField(
        _("sample reference"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("Another sample already has this reference.")},
    )
    taken_on = models.DateField(_("taken on"))
    lab = models.CharField(_("laboratory"), max_length=200, blank=True)
    lab_status = models.CharField(
        _("lab status"), max_length=16, choices=LabStatus.choices, default=LabStatus.COLLECTED
    )

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        indexes = [models.Index(fields=["person", "lab_status", "relationship"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=SampleSource.REMAINS)
                | Q(remains__isnull=False, person__isnull=True, relationship="", consent_scope=""),
                name="sample_from_remains",
                violation_error_message=SAMPLE_FROM_REMAINS,
            ),
            models.CheckConstraint(
                condition=~Q(source=SampleSource.FAMILY)
                | (
                    Q(remains__isnull=True, person__isnull=False)
                    & ~Q(relationship="")
                    & ~Q(consent_scope="")
                ),
                name="sample_family_reference",
                violation_error_message=FAMILY_REFERENCE,
            ),
        ]

    def __str__(self):
        return self.reference


@audited()
class DnaMatchReport(TimestampedModel):
    """A laboratory's statement that a remains' DNA matches a missing person's references,
    with its likelihood ratio. Evidence for the board; it identifies nobody by itself."""

    remains = models.ForeignKey(
        Remains, verbose_name=_("remains"), on_delete=models.CASCADE, related_name="dna_reports"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="dna_reports"
    )
    likelihood_ratio = models.FloatField(_("likelihood ratio"))
    lab = models.CharField(_("laboratory"), max_length=200)
    reported_on = models.DateField(_("reported on"))

    class Meta:
        verbose_name = _("DNA match report")
        verbose_name_plural = _("DNA match reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood_ratio__gt=0),
                name="dnareport_ratio_positive",
                violation_error_message=_("A likelihood ratio is greater than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.lab} {self.reported_on}"
