"""The ledger's figure queries (official figures, other claims, each authority's latest, the
series and the changed figures) read these points instead of joining every figure to its
statement and source and sorting across the three. Derived like the person tallies
(``ledger.models.person_tallies``): triggers on the figures, statements and sources keep them
(migration ``ledger/0008_figure_points``), ``manage.py rebuild_tallies`` recomputes them, and
they are not audited, as every change to them follows an audited write."""

from django.db import models
from django.db.models import Q

# The order in which a (ledger, category)'s figures succeed each other, newest first: by the
# date described, then issued, then statement, then revision (DESIGN §4).
NEWEST_FIRST = ("-as_of", "-issued_on", "-statement_id", "-revision")


class FigurePoint(models.Model):
    """One figure (every revision) with what the ledger sorts and filters it by: its
    statement's conflict, source and dates, and whether the source speaks for the party the
    figure is about (``self_reported``). A series is one source's figures of one category
    about one party in one conflict.

    ``latest``: the highest revision of its statement's (party, category). ``day_latest``: the
    last restatement of its series for its ``as_of`` (by issue date, statement, revision), the
    value a series shows for that day. ``decreased``: a cumulative figure (latest revisions
    only) lower than the one before it in its series, for an earlier day; ``revised``: a
    restatement for the same day with another value than the one before it. The ``…_from``,
    ``…_statement`` and ``…_as_of`` columns name that previous figure, set only when flagged."""

    figure_id = models.BigIntegerField(unique=True)
    statement_id = models.BigIntegerField()
    conflict_id = models.BigIntegerField()
    party_id = models.BigIntegerField()
    category = models.CharField(max_length=24)
    source_id = models.BigIntegerField()
    self_reported = models.BooleanField()
    as_of = models.DateField()
    issued_on = models.DateField()
    revision = models.IntegerField()
    value = models.IntegerField()
    latest = models.BooleanField()
    day_latest = models.BooleanField()
    decreased = models.BooleanField()
    decreased_from = models.IntegerField(null=True)
    decreased_statement = models.BigIntegerField(null=True)
    decreased_as_of = models.DateField(null=True)
    revised = models.BooleanField()
    revised_from = models.IntegerField(null=True)
    revised_statement = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            # The latest self-reported figure of a (ledger, category) on or before a day: the
            # first entry at or below it (ledger.sql.figures: OFFICIAL); and a category's
            # figure per day, from the index alone (official_series).
            models.Index(
                fields=["conflict_id", "party_id", "category", *NEWEST_FIRST],
                include=["value", "source_id"],
                condition=Q(self_reported=True),
                name="ledger_figpoint_official",
            ),
            # The same per source (SOURCES, OTHER_CLAIMS), and a series' points (the triggers).
            models.Index(
                fields=["conflict_id", "party_id", "source_id", "category", *NEWEST_FIRST],
                name="ledger_figpoint_series",
            ),
            # Each series' value per day (SERIES), read from the index alone.
            models.Index(
                fields=[
                    "conflict_id",
                    "party_id",
                    "self_reported",
                    "source_id",
                    "category",
                    "as_of",
                ],
                include=["value"],
                condition=Q(day_latest=True),
                name="ledger_figpoint_days",
            ),
            # The few changed figures (FIGURE_CHANGES).
            models.Index(
                fields=["conflict_id", "party_id", "as_of"],
                condition=Q(decreased=True) | Q(revised=True),
                name="ledger_figpoint_changes",
            ),
            # A statement's points, wherever they sit (the statements' trigger).
            models.Index(fields=["statement_id"], name="ledger_figpoint_statement"),
        ]

    def __str__(self) -> str:
        return f"figure {self.figure_id}: {self.category} {self.value} as of {self.as_of}"
