"""The ledger's person figures (registry by status, region and basis; captives) read these
tallies instead of every person and status change. Derived like the remains tallies
(``ledger.models.remains_tallies``): triggers on the persons and status changes keep them
(migration ``ledger/0005_person_tallies``), ``manage.py rebuild_tallies`` recomputes them, and
they are not audited, as every change to them follows an audited write."""

from django.db import models


class PersonSpell(models.Model):
    """One stretch of a person's status timeline: from a day with a change (the day's last
    change counts) to the next such day (NULL: still so). ``captive``: it starts on or after
    the person's first capture. The tallies are these, counted; kept per person so that a
    change to one person takes back exactly what that person added."""

    person_id = models.BigIntegerField(db_index=True)
    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    region = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    basis = models.CharField(max_length=24)
    start_on = models.DateField()
    end_on = models.DateField(null=True)
    captive = models.BooleanField()

    def __str__(self) -> str:
        return f"person {self.person_id} {self.status} from {self.start_on}"


class PersonCaptivity(models.Model):
    """A person ever captured: the first capture, and the first release or death on or after
    it (NULL: none yet)."""

    person_id = models.BigIntegerField(primary_key=True)
    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    captured_on = models.DateField()
    ended_on = models.DateField(null=True)

    def __str__(self) -> str:
        return f"person {self.person_id} captured {self.captured_on}"


class PersonTally(models.Model):
    """Per (conflict, party, dimension, its value, status, day): how many persons enter
    (positive) or leave (negative) that cell that day, so the count as of a day is the sum of
    the rows on or before it. Dimensions: ``region`` (the home region, '' when blank),
    ``basis``, and ``captive`` (value ''): the persons ever captured, from their first
    capture."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    dimension = models.CharField(max_length=8)
    value = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    day = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "dimension", "day", "value", "status"],
                include=["n"],
                name="ledger_person_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.value} {self.status} {self.day}: {self.n}"


class PersonMonthTally(models.Model):
    """``PersonTally`` summed per month (``month``: its first day): a count as of a day is the
    months before the day's month and the days of its month up to the day, a few rows per
    cell whatever the length of the war. Kept from ``PersonTally`` by triggers (migration
    ``ledger/0015_person_months``)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    dimension = models.CharField(max_length=8)
    value = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    month = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "dimension", "month", "value", "status"],
                include=["n"],
                name="ledger_person_month_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.value} {self.status} {self.month:%Y-%m}: {self.n}"


class PersonNowTally(models.Model):
    """``PersonTally`` summed over every day: the counts now."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    dimension = models.CharField(max_length=8)
    value = models.CharField(max_length=200)
    status = models.CharField(max_length=16)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "dimension", "value", "status"],
                include=["n"],
                name="ledger_person_now_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.value} {self.status}: {self.n}"


class CaptivityTally(models.Model):
    """How many persons of a party were first captured on one day and first released or
    killed on another (NULL: not yet): the median days held as of any day."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    captured_on = models.DateField()
    ended_on = models.DateField(null=True)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "captured_on", "ended_on"],
                include=["n"],
                nulls_distinct=False,
                name="ledger_captivity_tally_key",
            )
        ]
        indexes = [
            # The captivities still running on a day: those ending after it, or not yet.
            models.Index(
                fields=["conflict_id", "party_id", "ended_on"],
                include=["captured_on", "n"],
                name="ledger_captivity_tally_end",
            )
        ]

    def __str__(self) -> str:
        return f"captured {self.captured_on}, ended {self.ended_on}: {self.n}"


class HeldDaysTally(models.Model):
    """How many persons of a party, once captured, were held a number of days before their
    first release or death (their captivity over): with the captivities still running on a day,
    the median days held as of a late day without reading every captivity. Kept from
    ``CaptivityTally`` by triggers (migration ``ledger/0014_held_days``)."""

    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    days = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_id", "party_id", "days"],
                include=["n"],
                name="ledger_held_days_key",
            )
        ]

    def __str__(self) -> str:
        return f"held {self.days} days: {self.n}"
