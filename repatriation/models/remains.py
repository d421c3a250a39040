"""Remains logged in a handover, and their identification."""

from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, TimestampedModel
from core.audit import audited
from repatriation.choices import (
    Disposition,
    Identification,
    IdentificationMethod,
    RemainsCondition,
)
from repatriation.models.handovers import Handover
from repatriation.models.scopes import REMAINS_ROW

# Case numbers of the automatic series, ``<date>/<sequence>``; a typed number of that shape
# must stay within CASE_SEQUENCE_DIGITS digits, so the next number is always computable. Any
# other text is free (``ICRC-17``): it cannot collide with the series.
CASE_SERIES = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]+$"
CASE_SEQUENCE_DIGITS = 6
CASE_IN_SERIES = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}/[0-9]{{1,{CASE_SEQUENCE_DIGITS}}}$"
CASE_NUMBER_OUT_OF_SERIES = format_lazy(
    _("A case number of the form <date>/<number> takes at most {digits} digits after the slash."),
    digits=CASE_SEQUENCE_DIGITS,
)


@audited(scopes=REMAINS_ROW)
class Remains(TimestampedModel):
    """One body, or part of a body, logged in a handover, and who it was identified as.

    Several partial remains may belong to one person. ``dna_sample_ref`` and ``notes`` are
    restricted (DESIGN §5).
    """

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="remains"
    )
    case_number = models.CharField(
        _("case number"),
        max_length=40,
        unique=True,
        blank=True,
        error_messages={"unique": _("Another remains record already has this case number.")},
        help_text=_("Assigned as <handover date>/<sequence> when left blank."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=16,
        choices=RemainsCondition.choices,
        default=RemainsCondition.COMPLETE,
    )
    identification = models.CharField(
        _("identification"),
        max_length=16,
        choices=Identification.choices,
        default=Identification.UNIDENTIFIED,
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remains",
    )
    method = models.CharField(
        _("identification method"), max_length=16, choices=IdentificationMethod.choices, blank=True
    )
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    dna_sample_ref = models.CharField(_("DNA sample reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    disposition = models.CharField(
        _("disposition"),
        max_length=24,
        choices=Disposition.choices,
        default=Disposition.HELD,
        # A database default too: bulk loaders insert remains with raw SQL.
        db_default=Disposition.HELD,
    )
    disposition_on = models.DateField(_("disposition date"), null=True, blank=True)
    onward_handover = models.ForeignKey(
        Handover,
        verbose_name=_("onward handover"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returned_remains",
        help_text=_("The handover that took remains of the other side back to it."),
    )

    RESTRICTED_FIELDS = ("dna_sample_ref", "notes")

    class Meta:
        ordering = ["handover", "case_number"]
        verbose_name = _("remains")
        verbose_name_plural = _("remains")
        indexes = [models.Index(fields=["identification", "condition"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(identification=Identification.CONFIRMED) | Q(person__isnull=False),
                name="remains_confirmed_has_person",
                violation_error_message=_("Confirmed remains must name the person identified."),
            ),
            models.CheckConstraint(
                condition=~Q(identification=Identification.UNIDENTIFIED) | Q(person__isnull=True),
                name="remains_unidentified_has_no_person",
                violation_error_message=_(
                    "Unidentified remains cannot name a person; mark them presumptive or confirmed."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(identification=Identification.CONFIRMED)
                | Q(identified_on__isnull=False),
                name="remains_confirmed_has_date",
                violation_error_message=_("Confirmed remains need the date of identification."),
            ),
            models.CheckConstraint(
                condition=Q(disposition=Disposition.HELD, disposition_on__isnull=True)
                | (~Q(disposition=Disposition.HELD) & Q(disposition_on__isnull=False)),
                name="remains_disposition_dated",
                violation_error_message=_(
                    "Remains released, buried or returned carry the date; remains held carry none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(onward_handover__isnull=True)
                | (
                    Q(disposition=Disposition.RETURNED_TO_SENDER)
                    & ~Q(onward_handover=F("handover"))
                ),
                name="remains_onward_handover_returns",
                violation_error_message=_(
                    "Only remains returned to sender name an onward handover, another than "
                    "the one they came in."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(disposition=Disposition.RETURNED_TO_SENDER)
                | Q(identification=Identification.UNIDENTIFIED),
                name="remains_returned_to_sender_not_ours",
                violation_error_message=_(
                    "Remains returned to sender belong to the other side: they name none of "
                    "this party's persons."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(disposition=Disposition.RELEASED_TO_FAMILY)
                | Q(identification=Identification.CONFIRMED),
                name="remains_released_are_confirmed",
                violation_error_message=_("Only confirmed remains are released to a family."),
            ),
            models.CheckConstraint(
                condition=~Q(case_number__regex=CASE_SERIES) | Q(case_number__regex=CASE_IN_SERIES),
                name="remains_case_number_in_series",
                violation_error_message=CASE_NUMBER_OUT_OF_SERIES,
            ),
        ]

    def __str__(self):
        return self.case_number
