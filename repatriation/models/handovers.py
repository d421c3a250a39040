"""Handovers across the line, and the persons a prisoners' handover released."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casualties.models import Conflict, Party, Person, TimestampedModel
from core.audit import audited
from repatriation.choices import (
    HandoverKind,
    HandoverState,
)
from repatriation.models.agreements import Agreement
from repatriation.models.scopes import HANDOVER_ROW, OF_HANDOVER_AND_PERSON


class HandoverQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(state=HandoverState.VERIFIED)

    def unverified(self):
        """Drafts, resubmitted or sent back: nothing of theirs is public yet."""
        return self.exclude(state=HandoverState.VERIFIED)

    def with_details(self):
        """Everything a handover's row shows, in four queries whatever the number of rows:
        the handovers joined to their conflict, parties and users, then their remains, then
        the ids of the persons released (only ids: a person's other fields may be restricted),
        then each party's announced count.
        """
        return self.select_related(
            "conflict",
            "from_party",
            "to_party",
            "mediator",
            "reported_by",
            "entered_by",
            "verified_by",
        ).prefetch_related(
            models.Prefetch("remains", queryset=self._remains().order_by("case_number", "id")),
            models.Prefetch("released_persons", queryset=Person.objects.only("id")),
            models.Prefetch("claims", queryset=self._claims().select_related("party")),
        )

    def for_staff_page(self):
        """One handover's page: its parties and users joined, then its remains with the
        persons they were identified as, then the persons released (three queries in all)."""
        return self.select_related(
            "conflict",
            "agreement",
            "from_party",
            "to_party",
            "mediator",
            "reported_by",
            "entered_by",
            "verified_by",
            "sent_back_by",
        ).prefetch_related(
            models.Prefetch(
                "remains",
                queryset=self._remains().select_related("person").order_by("case_number", "id"),
            ),
            models.Prefetch("released_persons", queryset=Person.objects.order_by("id")),
        )

    def _claims(self):
        return self.model._meta.get_field("claims").related_model.objects.order_by("party__code")

    def _remains(self):
        # Remains are defined after handovers (they point to one): reached by the relation.
        return self.model._meta.get_field("remains").related_model.objects.all()


# review_comment came in 0004, with a default: the events before it were hashed without it.
@audited(scopes=HANDOVER_ROW, added_later=("review_comment",))
class Handover(TimestampedModel):
    """One transfer of remains (or of living prisoners) from one party to another.

    ``reported_count`` is the number announced, by ``reported_by``; the Remains rows are what
    was actually logged. Entered as a draft by a clerk, verified by someone else (DESIGN §5);
    every later change is a HandoverRevision.
    """

    @property
    def is_final(self) -> bool:
        return self.state == HandoverState.VERIFIED

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="handovers"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=HandoverKind.choices, default=HandoverKind.REMAINS
    )
    date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    from_party = models.ForeignKey(
        Party,
        verbose_name=_("from party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Left blank only for a recovery, which no party handed over."),
    )
    to_party = models.ForeignKey(
        Party, verbose_name=_("to party"), on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        Party,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_count = models.IntegerField(
        _("reported count"),
        validators=[MinValueValidator(0)],
        help_text=_("The number announced for this handover."),
    )
    reported_by = models.ForeignKey(
        Party,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The party whose claim the reported count is."),
    )
    citation = models.TextField(_("citation"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=HandoverState.choices, default=HandoverState.DRAFT
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    review_comment = models.TextField(
        _("review comment"),
        blank=True,
        # A database default too: bulk loaders insert handovers with raw SQL.
        db_default="",
        help_text=_("What a verifier asked to be corrected when sending the draft back."),
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    released_persons = models.ManyToManyField(
        Person,
        verbose_name=_("persons released"),
        through="ReleasedPerson",
        blank=True,
        related_name="release_handovers",
    )

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        permissions = [("verify_handover", _("Can verify another person's draft handover"))]
        indexes = [
            models.Index(fields=["conflict", "to_party", "state", "date"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_party=F("to_party")),
                name="handover_distinct_parties",
                violation_error_message=_("A handover goes from one party to a different party."),
            ),
            models.CheckConstraint(
                condition=Q(kind=HandoverKind.RECOVERY, from_party__isnull=True)
                | (~Q(kind=HandoverKind.RECOVERY) & Q(from_party__isnull=False)),
                name="handover_from_party_unless_recovery",
                violation_error_message=_(
                    "A recovery has no party it came from; any other handover has one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reported_count__gte=0),
                name="handover_reported_count_non_negative",
                violation_error_message=_("The reported count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("entered_by")),
                name="handover_four_eyes",
                violation_error_message=_(
                    "A handover must be verified by someone other than the person who entered it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sent_back_by__isnull=True) | ~Q(sent_back_by=F("entered_by")),
                name="handover_four_eyes_review",
                violation_error_message=_(
                    "A handover must be sent back by someone other than the person who entered it."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        state__in=[HandoverState.DRAFT, HandoverState.SENT_BACK],
                        verified_by__isnull=True,
                        verified_at__isnull=True,
                    )
                    | Q(
                        state=HandoverState.VERIFIED,
                        verified_by__isnull=False,
                        verified_at__isnull=False,
                    )
                ),
                name="handover_verified_has_verifier",
                violation_error_message=_(
                    "A verified handover records who verified it and when; a draft records neither."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=HandoverState.SENT_BACK)
                | Q(sent_back_by__isnull=False, sent_back_at__isnull=False),
                name="handover_sent_back_has_reviewer",
                violation_error_message=_(
                    "A handover sent back records who sent it back and when."
                ),
            ),
        ]

    def __str__(self):
        return _("%(kind)s %(date)s, %(from)s → %(to)s") % {
            "kind": self.get_kind_display(),
            "date": f"{self.date:%Y-%m-%d}",
            "from": self.from_party.code if self.from_party else "—",
            "to": self.to_party.code,
        }


@audited(scopes=OF_HANDOVER_AND_PERSON)
class ReleasedPerson(models.Model):
    """A person released alive in a prisoners handover."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("released person")
        verbose_name_plural = _("released persons")
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "person"],
                name="releasedperson_unique",
                violation_error_message=_("This person is already listed in this handover."),
            ),
        ]

    def __str__(self):
        return str(self.person)
