"""The ledger's checks of the confirmed remains against the persons registry, kept as the
contradictions only, so the ledger reads a handful of rows instead of every confirmed remains."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casualties.choices import ALIVE_STATUSES


class ConfirmedCheckKind(models.TextChoices):
    ALIVE = "alive", _("identified, recorded alive")
    DUPLICATE = "duplicate", _("two complete bodies")


class ConfirmedCheck(models.Model):
    """A contradiction between a person's confirmed remains in verified handovers (and
    recoveries) to a party and the person's record, and the days it holds (from ``from_on``
    until the day before ``until_on``; NULL: still so, and so now):

    - ``alive``: the person is identified (``IdentifiedPerson.first_on``) while a status that
      says alive holds (a ``PersonSpell``, whose ``status`` is copied): one row per such spell;
    - ``duplicate``: a second complete remains confirmed as the person counts from ``from_on``.

    Derived like the tallies: statement-level triggers on ``IdentifiedPerson`` and
    ``PersonSpell`` recompute the rows of the persons whose tallies changed (migration
    ``ledger/0007_confirmed_checks``), and ``manage.py rebuild_tallies`` recomputes them all.
    """

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    person_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=9, choices=ConfirmedCheckKind.choices)
    status = models.CharField(max_length=16, blank=True)
    from_on = models.DateField()
    until_on = models.DateField(null=True)

    class Meta:
        constraints = [
            # Also the ledger's look-up: a ledger's checks of one kind holding by a day.
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "kind", "from_on", "person_id"],
                name="ledger_confirmed_check_key",
            ),
            models.CheckConstraint(
                condition=Q(kind=ConfirmedCheckKind.ALIVE, status__in=sorted(ALIVE_STATUSES))
                | Q(kind=ConfirmedCheckKind.DUPLICATE, status="", until_on__isnull=True),
                name="ledger_confirmed_check_kind",
            ),
            models.CheckConstraint(
                condition=Q(until_on__isnull=True) | Q(until_on__gt=models.F("from_on")),
                name="ledger_confirmed_check_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} person {self.person_id} from {self.from_on}"
