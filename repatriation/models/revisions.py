"""Changes to a handover after it was entered: a clerk's edit of their draft, its resubmission
after a send-back, or an admin's correction of a verified handover (with the reason)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited
from repatriation.choices import RevisionKind
from repatriation.models.handovers import Handover
from repatriation.models.scopes import OF_HANDOVER


class HandoverRevisionQuerySet(models.QuerySet):
    def corrections(self):
        return self.filter(kind=RevisionKind.CORRECTION)


@audited(scopes=OF_HANDOVER)
class HandoverRevision(models.Model):
    """One change to a handover after it was entered, and what it changed.

    ``changes`` is ``{"fields": [names], "added": [remains ids], "changed": [remains ids],
    "removed": [case numbers]}``: a verifier sees which rows changed since their review, and a
    verifier who changed a handover may not verify it (DESIGN §5).
    """

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="revisions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RevisionKind.choices)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revised_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changes = models.JSONField(_("what changed"), default=dict)
    reason = models.TextField(_("reason"), blank=True)

    objects = HandoverRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["revised_at", "id"]
        verbose_name = _("handover revision")
        verbose_name_plural = _("handover revisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RevisionKind.CORRECTION) | ~Q(reason=""),
                name="handoverrevision_correction_has_reason",
                violation_error_message=_("A correction of a verified handover needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.revised_at:%Y-%m-%d %H:%M}"
