"""Which ledgers a computation reads, and as of which day."""

import datetime
from dataclasses import dataclass

from casualties.models import Conflict, Party


@dataclass(frozen=True)
class LedgerScope:
    """One (conflict, party) ledger, or every ledger where either is ``None``; only evidence
    dated on or before ``as_of`` counts (``None``: everything recorded); with ``source``, the
    party's own figures come from that one authority only."""

    conflict: Conflict | None = None
    party: Party | None = None
    as_of: datetime.date | None = None
    source: str | None = None  # one authority's figures only (``?source=``), by name

    @property
    def as_of_given(self) -> bool:
        return self.as_of is not None

    def sql_params(self) -> dict:
        """The parameters every query in ``ledger.sql`` takes."""
        return {
            "conflict": self.conflict.pk if self.conflict else None,
            "party": self.party.pk if self.party else None,
            "as_of": self.as_of,
            "source": self.source,
        }
