"""The ledger's arithmetic (DESIGN §4), on numbers already aggregated in SQL.

Pure functions, so property tests can check them on any input.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Returned:
    """Remains received in verified handovers, by how far they are identified."""

    received: int
    identified: int  # distinct persons with confirmed remains
    presumptive: int
    unidentified: int
    unconfirmed_complete: int  # presumptive or unidentified remains that are a whole body

    @property
    def individuals_min(self) -> int:
        # Partial remains may belong to people already counted: only whole bodies surely add one.
        return self.identified + self.unconfirmed_complete

    @property
    def individuals_max(self) -> int:
        # At most every unconfirmed piece is a different person.
        return self.identified + self.presumptive + self.unidentified


@dataclass(frozen=True)
class Outstanding:
    official_total: int | None
    not_returned_min: int | None
    not_returned_max: int | None

    def as_dict(self) -> dict:
        return {
            "official_total": self.official_total,
            "not_returned_min": self.not_returned_min,
            "not_returned_max": self.not_returned_max,
        }


def outstanding(official_total: int | None, returned: Returned) -> Outstanding:
    """Not returned = official total − individuals returned, as a range, never below 0."""
    if official_total is None:
        return Outstanding(None, None, None)
    return Outstanding(
        official_total,
        max(official_total - returned.individuals_max, 0),
        max(official_total - returned.individuals_min, 0),
    )


def _stamp(figure: dict) -> tuple:
    return (figure["as_of"], figure["issued_on"])


def official_total(official: dict) -> dict | None:
    """The figure the ledger counts against: the latest ``killed_or_missing``, or the sum of
    ``killed`` and ``missing`` where both are newer than it (or it was never stated), else
    ``killed`` alone where no ``killed_or_missing`` was stated (many authorities report only
    killed and injured).

    Returns ``{"value", "civilians", "source_categories"}`` or None.
    """
    combined = official.get("killed_or_missing")
    killed, missing = official.get("killed"), official.get("missing")
    if (
        killed
        and missing
        and (
            combined is None
            or (_stamp(killed) > _stamp(combined) and _stamp(missing) > _stamp(combined))
        )
    ):
        civilians = (
            None
            if killed["civilians"] is None or missing["civilians"] is None
            else killed["civilians"] + missing["civilians"]
        )
        return {
            "value": killed["value"] + missing["value"],
            "civilians": civilians,
            "categories": ["killed", "missing"],
        }
    if combined is None and killed:
        return {
            "value": killed["value"],
            "civilians": killed["civilians"],
            "categories": ["killed"],
        }
    if combined is None:
        return None
    return {
        "value": combined["value"],
        "civilians": combined["civilians"],
        "categories": ["killed_or_missing"],
    }
