"""Post-mortem and ante-mortem records (DESIGN §9): what a body shows, what a person was like."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, TimestampedModel
from core.audit import audited
from identification.choices import Sex
from repatriation.models import Remains

AGE = [MinValueValidator(0), MaxValueValidator(120)]
STATURE = [MinValueValidator(40), MaxValueValidator(250)]
# Age when last seen, from the AM record alone (null when either date is missing).
AGE_AT_LOSS = ExpressionWrapper(
    ExtractYear("last_seen_on") - F("birth_year"), output_field=models.IntegerField()
)
AGE_RANGE = _("The lowest age cannot exceed the highest.")
STATURE_RANGE = _("The lowest stature cannot exceed the highest.")


def range_constraints(prefix: str) -> list:
    """A range's low end is at most its high end, where both are given."""
    return [
        models.CheckConstraint(
            condition=Q(age_min__isnull=True)
            | Q(age_max__isnull=True)
            | Q(age_min__lte=F("age_max")),
            name=f"{prefix}_age_range",
            violation_error_message=AGE_RANGE,
        ),
        models.CheckConstraint(
            condition=Q(stature_min__isnull=True)
            | Q(stature_max__isnull=True)
            | Q(stature_min__lte=F("stature_max")),
            name=f"{prefix}_stature_range",
            violation_error_message=STATURE_RANGE,
        ),
    ]


@audited()
class PostMortem(TimestampedModel):
    """What the pathologist found on one body or fragment (Interpol DVI's PM form).

    Restricted (DESIGN §5): forensic coordinators and admins only. The recovery is the
    remains' handover (a ``recovery`` handover for the receiving side's own finds) with its
    ``recovery_site``.
    """

    remains = models.OneToOneField(
        Remains, verbose_name=_("remains"), on_delete=models.CASCADE, related_name="post_mortem"
    )
    recovery_site = models.CharField(_("recovery site"), max_length=300, blank=True)
    container = models.CharField(_("container or bag number"), max_length=60, blank=True)
    fragment_no = models.PositiveIntegerField(_("fragment number"), null=True, blank=True)
    body_part = models.CharField(_("body part"), max_length=200, blank=True)
    sex = models.CharField(
        _("apparent sex"), max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED
    )
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True, validators=AGE)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True, validators=AGE)
    stature_min = models.PositiveSmallIntegerField(
        _("stature from (cm)"), null=True, blank=True, validators=STATURE
    )
    stature_max = models.PositiveSmallIntegerField(
        _("stature to (cm)"), null=True, blank=True, validators=STATURE
    )
    marks = models.TextField(_("distinguishing marks"), blank=True)
    effects = models.TextField(_("personal effects"), blank=True)
    storage = models.CharField(_("storage (morgue)"), max_length=200, blank=True)
    commingling_note = models.TextField(_("commingling note"), blank=True)
    container_min_individuals = models.PositiveSmallIntegerField(
        _("minimum number of individuals in the container"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("post-mortem record")
        verbose_name_plural = _("post-mortem records")
        constraints = [
            *range_constraints("postmortem"),
            models.CheckConstraint(
                condition=Q(container_min_individuals__isnull=True)
                | Q(container_min_individuals__gte=1),
                name="postmortem_min_individuals_positive",
                violation_error_message=_("A container holds at least one individual."),
            ),
        ]

    def __str__(self):
        return str(_("PM %(case)s") % {"case": self.remains.case_number})


@audited()
class AnteMortem(TimestampedModel):
    """What a missing person was like, from the family and records (Interpol DVI's AM form).

    Restricted: forensic coordinators and admins only, and each staff read is logged
    (``AmAccess``).
    """

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="ante_mortem"
    )
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.UNDETERMINED)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    stature_min = models.PositiveSmallIntegerField(
        _("stature from (cm)"), null=True, blank=True, validators=STATURE
    )
    stature_max = models.PositiveSmallIntegerField(
        _("stature to (cm)"), null=True, blank=True, validators=STATURE
    )
    marks = models.TextField(_("distinguishing marks"), blank=True)
    dental_on_file = models.BooleanField(_("dental records on file"), default=False)
    dental_where = models.CharField(_("where the dental records are"), max_length=300, blank=True)
    fingerprints_on_file = models.BooleanField(_("fingerprints on file"), default=False)
    fingerprints_where = models.CharField(
        _("where the fingerprints are"), max_length=300, blank=True
    )
    clothing_effects = models.TextField(_("clothing and effects"), blank=True)
    last_seen_on = models.DateField(_("last seen on"), null=True, blank=True)
    last_seen_place = models.CharField(_("last seen at"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ante-mortem record")
        verbose_name_plural = _("ante-mortem records")
        # The candidates' search (identification/candidates.py) reads only the records of a
        # possible sex and age at loss, or with no age to compare, instead of every record.
        indexes = [
            models.Index(F("sex"), AGE_AT_LOSS, name="antemortem_sex_age_at_loss"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stature_min__isnull=True)
                | Q(stature_max__isnull=True)
                | Q(stature_min__lte=F("stature_max")),
                name="antemortem_stature_range",
                violation_error_message=STATURE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
                name="antemortem_birth_year_plausible",
                violation_error_message=_("Births are recorded from 1900."),
            ),
        ]

    def __str__(self):
        return str(_("AM %(person)s") % {"person": self.person_id})
