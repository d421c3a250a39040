"""The tallies of the remains the ledger reads instead of every remains: the identification
pipeline's (``IdentificationTally``) and the ``returned`` block's."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest


class IdentificationTally(models.Model):
    """How many remains of verified remains handovers (and recoveries) to a party share one
    receipt day, identification state, identification day, return-to-sender day and release
    day (to the family, or burial): the pipeline figures (``ledger.sql.identification``) sum
    these instead of every remains.

    Derived, not recorded: triggers on the remains and handover tables keep it in step in the
    same transaction (migrations ``ledger/0002_identification_tallies`` and
    ``ledger/0004_released_tally``), and
    ``manage.py rebuild_tallies`` recomputes it from them. It is not audited:
    every change to it is a consequence of an audited write to those tables, which already
    records who did what and advances the data versions of the same ledger. Rows carry no
    uniqueness constraint: a key found twice (two first writes racing) still sums right.
    """

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    received_on = models.DateField()
    identification = models.CharField(max_length=16)
    # Kept for presumptive and confirmed remains; NULL for the unidentified (never read).
    identified_on = models.DateField(null=True)
    returned_on = models.DateField(null=True)
    # The disposition's day when the remains were released to the family or buried, else NULL.
    released_on = models.DateField(null=True)
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["conflict_id", "party_id", "received_on"],
                # Covering: the figures read the tallies from the index alone.
                include=["identification", "identified_on", "returned_on", "released_on", "n"],
                name="ledger_tally_scope",
            ),
            # The rows whose last event (receipt, identification, release) is after a day: what
            # the pipeline figures read backward from a ledger's end correct its sums by.
            models.Index(
                "conflict_id",
                "party_id",
                Greatest("received_on", "identified_on", "released_on"),
                condition=Q(returned_on__isnull=True),
                include=["received_on", "identification", "identified_on", "released_on", "n"],
                name="ledger_tally_last_event",
            ),
            # Remains returned to the sender are few: the backward reading reads them one by one.
            models.Index(
                fields=["conflict_id", "party_id", "received_on"],
                condition=Q(returned_on__isnull=False),
                name="ledger_tally_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.identification}: {self.n}"


# The ledger's ``returned`` block reads the four tallies below instead of every remains
# (ledger.sql.handovers). Like IdentificationTally they are derived, not recorded: triggers on
# the remains and handover tables keep them in the writing transaction (migration
# ``ledger/0003_returned_tallies``), ``manage.py rebuild_tallies`` recomputes
# them, and they are not audited for the same reason. Plain ids, no foreign keys: a tally row
# must never hold back the deletion of what it counts.


class HandoverTally(models.Model):
    """How many remains one handover (of any kind or state) logged, and how many complete:
    the count checked against the announced one, and the drafts' ``pending``."""

    handover_id = models.BigIntegerField(primary_key=True)
    logged = models.IntegerField()
    complete = models.IntegerField()

    def __str__(self) -> str:
        return f"handover {self.handover_id}: {self.logged}"


class HandoverReturnTally(models.Model):
    """How many remains of one handover went back to the sender on one day (and how many of
    them complete): they leave the received count from that day on."""

    handover_id = models.BigIntegerField()
    returned_on = models.DateField()
    n = models.IntegerField()
    complete = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["handover_id", "returned_on"], name="ledger_return_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"handover {self.handover_id} {self.returned_on}: {self.n}"


class ReturnedTally(models.Model):
    """Per (conflict, receiving party, measure, day): how many remains of verified remains
    handovers and recoveries start to count for the measure that day, so a figure as of a day
    is the sum of the rows on or before it. The day is the later of the handover's date and
    the remains' own date (identification), since a figure as of a day counts a remains only
    once both are past; ``identified`` counts persons on the first day one of their remains
    counts as confirmed (``IdentifiedPerson``)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    measure = models.CharField(max_length=24)
    day = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "measure", "day"],
                include=["n"],
                name="ledger_returned_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.day}: {self.n}"


class IdentifiedPerson(models.Model):
    """A person with confirmed remains in a verified handover to a party, and the first day
    any of them counts (the later of its handover's date and its identification): the
    distinct-person count of ``ReturnedTally`` moves only when this day does."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    person_id = models.BigIntegerField(db_index=True)
    first_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "person_id"], name="ledger_identified_person"
            )
        ]

    def __str__(self) -> str:
        return f"person {self.person_id}: {self.first_on}"
