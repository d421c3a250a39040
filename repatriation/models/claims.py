"""What each party announced about a handover: the two sides' numbers often differ."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casualties.models import Party, TimestampedModel
from core.audit import audited
from repatriation.models.handovers import Handover
from repatriation.models.scopes import OF_HANDOVER


@audited(scopes=OF_HANDOVER)
class HandoverClaim(TimestampedModel):
    """One party's announced count for one handover, with where it was said.

    Evidence, like a statement's figure: entered by a clerk with its citation, recorded in the
    audit trail; it never changes the handover itself, so it needs no second pair of eyes. The
    ledger lists ``handover_claims_disagree`` when a verified handover's claims differ.
    """

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="claims"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.IntegerField(_("announced count"), validators=[MinValueValidator(0)])
    citation = models.TextField(_("citation"), help_text=_("Where and by whom it was announced."))
    stated_on = models.DateField(_("stated on"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["handover", "party__code"]
        verbose_name = _("handover claim")
        verbose_name_plural = _("handover claims")
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "party"],
                name="handoverclaim_one_per_party",
                violation_error_message=_("This party's claim for this handover is recorded."),
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="handoverclaim_count_non_negative",
                violation_error_message=_("The announced count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(citation=""),
                name="handoverclaim_has_citation",
                violation_error_message=_("Say where this count was announced."),
            ),
        ]

    def __str__(self):
        return f"{self.party.code}: {self.count}"
