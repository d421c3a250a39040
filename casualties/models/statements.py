"""Official statements and the figures they announce."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casualties.choices import FigureCategory, Qualifier
from casualties.models.reference import Conflict, Party, Source, TimestampedModel
from casualties.models.scopes import FIGURE_ROW, STATEMENT_ROW
from core.audit import audited


@audited(scopes=STATEMENT_ROW)
class Statement(TimestampedModel):
    """One announcement of figures by a source on a date, with its citation."""

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="statements"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="statements"
    )
    issued_on = models.DateField(_("issued on"))
    as_of = models.DateField(_("as of"), help_text=_("The date the figures describe."))
    citation_title = models.CharField(_("citation title"), max_length=300)
    citation_url = models.URLField(_("citation URL"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-as_of", "-issued_on", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [models.Index(fields=["conflict", "as_of", "issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_of__lte=F("issued_on")),
                name="statement_as_of_not_after_issue",
                violation_error_message=_(
                    "A statement cannot describe a date after the day it was issued."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.source} — {self.issued_on:%Y-%m-%d}"


@audited(scopes=FIGURE_ROW)
class Figure(TimestampedModel):
    """One number in a statement: e.g. 207 of Armenia's people killed or missing, 5 civilians."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="figures"
    )
    subject_party = models.ForeignKey(
        Party,
        verbose_name=_("subject party"),
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_("Whose losses the number counts."),
    )
    category = models.CharField(_("category"), max_length=24, choices=FigureCategory.choices)
    value = models.IntegerField(_("value"), validators=[MinValueValidator(0)])
    civilians = models.IntegerField(
        _("of which civilians"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    # A source restating the figure for the same date with another value adds a revision
    # (DESIGN §3): the old value stays as evidence, the highest revision counts.
    revision = models.PositiveSmallIntegerField(
        _("revision"),
        default=0,
        db_default=0,
        help_text=_(
            "0 for the figure as first stated; each restatement with another value adds 1."
        ),
    )

    class Meta:
        ordering = ["statement", "subject_party", "category"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [models.Index(fields=["subject_party", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_non_negative",
                violation_error_message=_("A figure cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(civilians__isnull=True)
                | (Q(civilians__gte=0) & Q(civilians__lte=F("value"))),
                name="figure_civilians_within_value",
                violation_error_message=_(
                    "The number of civilians must be between 0 and the figure's value."
                ),
            ),
            models.UniqueConstraint(
                fields=["statement", "subject_party", "category", "revision"],
                name="figure_unique_per_statement",
                violation_error_message=_(
                    "This statement already has a figure of this category for this party."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.value}"
