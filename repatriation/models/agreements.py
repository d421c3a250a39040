"""Agreements to exchange remains or prisoners."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casualties.models import Conflict, Party, TimestampedModel
from core.audit import audited
from repatriation.choices import (
    AGREEMENT_KINDS,
    HandoverKind,
)
from repatriation.models.scopes import AGREEMENT_ROW


@audited(scopes=AGREEMENT_ROW)
class Agreement(TimestampedModel):
    """A deal between two parties to exchange remains or prisoners ("6,000 for 6,000").

    Handovers delivered under it are its tranches.
    """

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="agreements"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AGREEMENT_KINDS, default=HandoverKind.REMAINS
    )
    concluded_on = models.DateField(_("concluded on"))
    party_a = models.ForeignKey(
        Party, verbose_name=_("party A"), on_delete=models.PROTECT, related_name="+"
    )
    party_b = models.ForeignKey(
        Party, verbose_name=_("party B"), on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        Party,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    count_to_a = models.IntegerField(
        _("agreed count to party A"), validators=[MinValueValidator(0)]
    )
    count_to_b = models.IntegerField(
        _("agreed count to party B"), validators=[MinValueValidator(0)]
    )
    citation = models.TextField(_("citation"), blank=True)

    class Meta:
        ordering = ["-concluded_on", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(party_a=F("party_b")),
                name="agreement_distinct_parties",
                violation_error_message=_("An agreement needs two different parties."),
            ),
            models.CheckConstraint(
                condition=Q(count_to_a__gte=0) & Q(count_to_b__gte=0),
                name="agreement_counts_non_negative",
                violation_error_message=_("Agreed counts cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name
