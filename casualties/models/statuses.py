"""A person's dated status history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casualties.choices import PersonStatus, StatusBasis
from casualties.models.persons import Person
from casualties.models.scopes import OF_PERSON
from core.audit import audited


# basis came in 0015, with a default: the events before it were hashed without it.
@audited(set_wise_inserts=True, scopes=OF_PERSON, added_later=("basis",))
class StatusChange(models.Model):
    """One dated change of a person's status (missing → killed …), who recorded it and why.

    A move outside the normal lifecycle is a correction and carries a written reason.
    """

    # Not indexed alone: the (person, effective_date, recorded_at) index serves it.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="status_changes",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices)
    effective_date = models.DateField(_("effective date"))
    basis = models.CharField(
        _("basis"),
        max_length=24,
        choices=StatusBasis.choices,
        default=StatusBasis.OTHER,
        # Also in the database: the bulk inserts (person import, demo) may leave it out.
        db_default=StatusBasis.OTHER,
    )
    source_note = models.TextField(_("source"), blank=True)
    is_correction = models.BooleanField(_("correction"), default=False)
    reason = models.TextField(_("reason for correction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["person", "effective_date", "recorded_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["person", "effective_date", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_correction=False) | ~Q(reason=""),
                name="statuschange_correction_has_reason",
                violation_error_message=_("A correction needs a written reason."),
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.effective_date:%Y-%m-%d})"
