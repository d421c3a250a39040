"""The identification board (DESIGN §9), what happens after, and who read whose AM record."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, TimestampedModel
from core.audit import audited
from core.audit_trail import TRUNCATE_SETTING
from identification.choices import Evidence, ProposalState
from identification.models.samples import DnaMatchReport
from repatriation.models import Remains

SAME_PERSON = _("A proposal is confirmed or rejected by someone other than its proposer.")
REASON_NEEDED = _("Say why the proposal is rejected.")
ONE_PENDING = _("These remains already have a proposal waiting on the board.")
EVIDENCE_NEEDED = _("Name the evidence the proposal rests on.")
DNA_NEEDS_REPORT = _("DNA evidence names the lab's match report.")
NOTIFIED_BY_WHOM = _("Record both when the family was notified and by whom.")
RELEASED_TO_WHOM = _("Say to whom the remains were released.")
BURIED_WHERE = _("Say where the remains were buried.")
RELEASED_NOT_UNCLAIMED = _("Remains released to a family are not unclaimed.")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ProposalState.PENDING)

    def for_board(self):
        """The board's rows, oldest first: one query joining remains, handover, person and
        proposer, whatever the number of rows."""
        return (
            self.pending()
            .select_related("remains__handover__to_party", "person", "proposed_by")
            # Only what a row shows: a full board builds thousands of model instances, and a
            # person's or a user's other columns would only slow that down.
            .only(
                "proposed_at",
                "evidence",
                "remains__case_number",
                "remains__handover__date",
                "remains__handover__to_party__code",
                "person__full_name",
                "proposed_by__username",
            )
            .order_by("proposed_at", "id")
        )


@audited()
class Proposal(TimestampedModel):
    """A forensic coordinator's proposal that remains are a given person, with its evidence;
    confirmed or rejected by another one (four eyes, DESIGN §9)."""

    remains = models.ForeignKey(
        Remains, verbose_name=_("remains"), on_delete=models.CASCADE, related_name="proposals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="proposals"
    )
    evidence = ArrayField(
        models.CharField(max_length=16, choices=Evidence.choices), verbose_name=_("evidence")
    )
    dna_report = models.ForeignKey(
        DnaMatchReport,
        verbose_name=_("DNA match report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reasoning = models.TextField(_("reasoning"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("identification proposal")
        verbose_name_plural = _("identification proposals")
        indexes = [
            models.Index(
                fields=["proposed_at"], condition=Q(state="pending"), name="proposal_pending_age"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="proposal_four_eyes",
                violation_error_message=SAME_PERSON,
            ),
            models.CheckConstraint(
                condition=~Q(state=ProposalState.REJECTED) | ~Q(rejection_reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=REASON_NEEDED,
            ),
            models.CheckConstraint(
                condition=Q(state=ProposalState.PENDING, decided_by__isnull=True, decided_at=None)
                | (
                    ~Q(state=ProposalState.PENDING)
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
                name="proposal_decision_recorded",
                violation_error_message=_("A decided proposal records who decided and when."),
            ),
            models.CheckConstraint(
                condition=Q(evidence__len__gt=0) & Q(evidence__contained_by=Evidence.values),
                name="proposal_has_evidence",
                violation_error_message=EVIDENCE_NEEDED,
            ),
            models.CheckConstraint(
                condition=~Q(evidence__contains=[Evidence.DNA]) | Q(dna_report__isnull=False),
                name="proposal_dna_has_report",
                violation_error_message=DNA_NEEDS_REPORT,
            ),
            models.UniqueConstraint(
                fields=["remains"],
                condition=Q(state=ProposalState.PENDING),
                name="proposal_one_pending_per_remains",
                violation_error_message=ONE_PENDING,
            ),
            models.UniqueConstraint(
                fields=["remains"],
                condition=Q(state=ProposalState.CONFIRMED),
                name="proposal_one_confirmed_per_remains",
                violation_error_message=_("These remains are already confirmed by the board."),
            ),
        ]

    def __str__(self):
        return str(_("Proposal %(id)s") % {"id": self.pk})


@audited()
class Aftercare(TimestampedModel):
    """What happened to identified remains: the family told, the remains released to them,
    buried, or left unclaimed. ``released_to`` and ``burial_place`` are restricted."""

    remains = models.OneToOneField(
        Remains, verbose_name=_("remains"), on_delete=models.CASCADE, related_name="aftercare"
    )
    family_notified_on = models.DateField(_("family notified on"), null=True, blank=True)
    family_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("family notified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_to_family_on = models.DateField(_("released to the family on"), null=True, blank=True)
    released_to = models.CharField(_("released to"), max_length=300, blank=True)
    buried_on = models.DateField(_("buried on"), null=True, blank=True)
    burial_place = models.CharField(_("burial place"), max_length=300, blank=True)
    unclaimed = models.BooleanField(_("unclaimed"), default=False)

    class Meta:
        verbose_name = _("aftercare")
        verbose_name_plural = _("aftercare")
        constraints = [
            models.CheckConstraint(
                condition=Q(family_notified_on__isnull=True, family_notified_by__isnull=True)
                | Q(family_notified_on__isnull=False, family_notified_by__isnull=False),
                name="aftercare_notified_by_whom",
                violation_error_message=NOTIFIED_BY_WHOM,
            ),
            models.CheckConstraint(
                condition=Q(released_to_family_on__isnull=True) | ~Q(released_to=""),
                name="aftercare_released_to_whom",
                violation_error_message=RELEASED_TO_WHOM,
            ),
            models.CheckConstraint(
                condition=Q(buried_on__isnull=True) | ~Q(burial_place=""),
                name="aftercare_burial_place",
                violation_error_message=BURIED_WHERE,
            ),
            models.CheckConstraint(
                condition=Q(unclaimed=False) | Q(released_to_family_on__isnull=True),
                name="aftercare_unclaimed_not_released",
                violation_error_message=RELEASED_NOT_UNCLAIMED,
            ),
        ]


# Statement-level: TRUNCATE fires no row trigger. The test suite's flush may empty the log as it
# empties the audit trail (core/audit_trail.allow_truncate_for_tests).
NO_TRUNCATE = f"""
    IF current_setting('{TRUNCATE_SETTING}', true) = 'allow' THEN RETURN NULL; END IF;
    RAISE EXCEPTION 'the AM access log is append-only';
"""


class AmAccess(models.Model):
    """One staff read of a person's ante-mortem data: who looked at whose record, when, where.

    Append-only for the runtime role: triggers refuse UPDATE, DELETE and TRUNCATE, and that
    role owns no table, so it cannot drop them (DESIGN §5, §7). Plain ids, not foreign keys:
    a merged person or a removed account must not take the log's rows with it.
    """

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True, db_index=True)
    path = models.CharField(_("where"), max_length=300)

    class Meta:
        verbose_name = _("ante-mortem read")
        verbose_name_plural = _("ante-mortem reads")
        ordering = ["-read_at", "-id"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="no_truncate",
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                operation=pgtrigger.Truncate,
                func=NO_TRUNCATE,
            ),
        ]

    def __str__(self):
        return f"{self.viewer_id} → {self.person_id} ({self.read_at:%Y-%m-%d %H:%M})"
