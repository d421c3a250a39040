"""The identification pipeline's tallies for reading a ledger backward from its end: per receipt
day, per confirmation day and per number of days to confirmation, over the remains tallies
(``IdentificationTally``) not returned to the sender. The pipeline figures as of a late day are
these sums less the few tally rows with an event after that day (``ledger.sql.pipeline_backward``).

Derived, not recorded: statement-level triggers on the remains tallies keep them in the same
transaction (migration ``ledger/0012_pipeline_tallies``), and ``manage.py rebuild_tallies``
recomputes them. Not audited, for the reason ``IdentificationTally`` is not; plain ids, no
foreign keys, as for the other tallies.
"""

from django.db import models

# Days after receipt by which a confirmation counts as within the target (the pipeline's
# ``WITHIN_DAYS``; the triggers and the rebuild name the same columns).
WITHIN_COLUMNS = ("within_30", "within_90", "within_180", "within_365")


class PipelineReceiptTally(models.Model):
    """Per (conflict, receiving party, receipt day): how many remains not returned to the sender
    it received, and of them how many are confirmed (at any day), presumptive (dated or not),
    confirmed and released to the family or buried, and confirmed within 30, 90, 180 and 365
    days of receipt (a confirmation before receipt counting as on the day of receipt)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    received_on = models.DateField()
    n = models.IntegerField()
    confirmed = models.IntegerField()
    presumptive = models.IntegerField()
    released = models.IntegerField()
    within_30 = models.IntegerField()
    within_90 = models.IntegerField()
    within_180 = models.IntegerField()
    within_365 = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "received_on"],
                # Covering: the figures sum a ledger's days from the index alone.
                include=["n", "confirmed", "presumptive", "released", *WITHIN_COLUMNS],
                name="ledger_pipeline_receipt_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.confirmed} of {self.n} confirmed"


class PipelineConfirmedTally(models.Model):
    """Per (conflict, receiving party, confirmation day): how many remains not returned to the
    sender were confirmed that day (the recent confirmations' rate)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    identified_on = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "identified_on"],
                include=["n"],
                name="ledger_pipeline_confirmed_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.identified_on}: {self.n} confirmed"


class PipelineDaysTally(models.Model):
    """Per (conflict, receiving party, days from receipt to confirmation, 0 when confirmed
    before receipt): how many confirmed remains not returned to the sender took that long (the
    histogram the median reads)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    days = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "days"],
                include=["n"],
                name="ledger_pipeline_days_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days} days: {self.n}"
