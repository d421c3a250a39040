"""The handovers the ledger's ``returned`` block reads instead of every handover in scope: day
sums, and the verified handovers whose logged count differs from the announced one.

Derived, not recorded, like the remains tallies (``ledger.models.remains_tallies``): triggers on
the handover table and on ``HandoverTally`` (itself kept by the remains triggers) keep them in
the writing transaction (migration ``ledger/0010_handover_days``), ``manage.py
rebuild_tallies`` recomputes them, and they are not audited: every change to them follows an
audited write to a handover or its remains. Plain ids, no foreign keys: a derived row must
never hold back the deletion of what it counts.
"""

from django.db import models


class HandoverDay(models.Model):
    """Per (conflict, receiving party, date, kind, verified or not): how many remains or
    recovery handovers, the sum of their announced counts, and of their logged and complete
    remains (``HandoverTally``). A figure as of a day is the sum of the rows on or before it,
    less what went back to the sender by then (``HandoverReturnTally``)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    day = models.DateField()
    kind = models.CharField(max_length=16)
    verified = models.BooleanField()
    handovers = models.IntegerField()
    # Announced counts have no upper bound: a day's sum may not fit an integer.
    reported = models.BigIntegerField()
    logged = models.IntegerField()
    complete = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "day", "kind", "verified"],
                # Covering: the ledger reads the sums from the index alone.
                include=["handovers", "reported", "logged", "complete"],
                name="ledger_handover_day_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.handovers}"


class HandoverMismatch(models.Model):
    """A verified remains handover or recovery whose logged remains differ in number from its
    announced count (none logged counts as 0): the ledger's count mismatches."""

    handover_id = models.BigIntegerField(primary_key=True)
    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    date = models.DateField()
    reported = models.IntegerField()
    logged = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["conflict_id", "party_id", "date", "handover_id"],
                include=["reported", "logged"],
                name="ledger_handover_mismatch_day",
            )
        ]

    def __str__(self) -> str:
        return f"handover {self.handover_id}: {self.logged} of {self.reported}"
