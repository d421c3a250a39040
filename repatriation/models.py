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
    Identification,
    IdentificationMethod,
    RemainsCondition,
)


@audited()
class Agreement(TimestampedModel):
    """A deal between two parties to exchange remains or prisoners ("6,000 for 6,000").

    Handovers delivered under it are its tranches.
    """

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="agreements"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=HandoverKind.choices, default=HandoverKind.REMAINS
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


class HandoverQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(state=HandoverState.VERIFIED)

    def with_details(self):
        """Everything a handover's row shows, in three queries whatever the number of rows:
        the handovers joined to their conflict, parties and users, then their remains, then
        the ids of the persons released (only ids: a person's other fields may be restricted).
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
            models.Prefetch("remains", queryset=Remains.objects.order_by("case_number", "id")),
            models.Prefetch("released_persons", queryset=Person.objects.only("id")),
        )

    def for_staff_page(self):
        """One handover's page: its parties and users joined, then its remains with the
        persons they were identified as (two queries in all)."""
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
                queryset=Remains.objects.select_related("person").order_by("case_number", "id"),
            )
        )


@audited()
class Handover(TimestampedModel):
    """One transfer of remains (or of living prisoners) from one party to another.

    ``reported_count`` is the number announced, by ``reported_by``; the Remains rows are what
    was actually logged. Entered as a draft by a clerk, verified by someone else.
    """

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
        Party, verbose_name=_("from party"), on_delete=models.PROTECT, related_name="+"
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
                    Q(state=HandoverState.DRAFT, verified_by__isnull=True, verified_at__isnull=True)
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
        ]

    def __str__(self):
        return _("%(kind)s %(date)s, %(from)s → %(to)s") % {
            "kind": self.get_kind_display(),
            "date": f"{self.date:%Y-%m-%d}",
            "from": self.from_party.code,
            "to": self.to_party.code,
        }


@audited()
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


@audited()
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
        ]

    def __str__(self):
        return self.case_number


class IdempotencyKey(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key`` header, so a client that
    retries (a lost connection, a double click) gets that response again instead of a second
    record. Keys are per user. Not audited: it records a conversation with a client, not the
    world, and a tracked write would also advance the data version and flush cached ledgers.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(
        _("request hash"),
        max_length=64,
        help_text=_("SHA-256 of the path and body as canonical JSON."),
    )
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotencykey_unique_per_user",
                violation_error_message=_("This key has already been used."),
            ),
        ]

    def __str__(self):
        return self.key
