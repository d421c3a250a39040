"""Disclosure control for public answers (DESIGN §4): counts of persons below
``settings.PUBLIC_MIN_CELL`` are replaced by the string ``"<5"`` (for a minimum of 5).

Why a string and not null: the cell says what it hides where it is read (a CSV column, a
JSON value, a page), and null already means "not stated" elsewhere in the ledger. The top
level ``disclosure`` block names the minimum and whether anything was hidden. Zero is shown:
it singles nobody out. Staff answers are never suppressed.
"""

import copy

from django.conf import settings

from casualties.choices import PersonStatus
from ledger import discrepancies

STATUSES = tuple(PersonStatus.values)


def hidden(count: int) -> str:
    return f"<{settings.PUBLIC_MIN_CELL}"


def cell(count):
    """A public count: exact from the minimum up, and zero; below it, the "<N" marker."""
    if isinstance(count, int) and 0 < count < settings.PUBLIC_MIN_CELL:
        return hidden(count)
    return count


def _cells(row: dict, keys) -> tuple[dict, bool]:
    shown = {key: cell(row[key]) if key in row else None for key in keys}
    return {**row, **{k: v for k, v in shown.items() if k in row}}, any(
        isinstance(v, str) for v in shown.values()
    )


def public_ledger(ledger: dict) -> dict:
    """A copy of a computed ledger fit for the public: person counts suppressed."""
    public = copy.copy(ledger)
    registry, hid = _cells(ledger["registry"], (*STATUSES, "total"))
    regions = []
    for row in ledger["registry"].get("by_region", []):
        shown, row_hid = _cells(row, (*STATUSES, "total"))
        regions.append(shown)
        hid |= row_hid
    registry["by_region"] = regions
    by_basis = {}
    for status, bases in ledger["registry"].get("by_basis", {}).items():
        by_basis[status], row_hid = _cells(bases, tuple(bases))
        hid |= row_hid
    registry["by_basis"] = by_basis
    public["registry"] = registry
    if "captives" in ledger:
        captives, captives_hid = _cells(
            ledger["captives"], ("ever_captured", "released", "killed", "still_held")
        )
        if isinstance(captives["ever_captured"], str):
            captives["median_days_held"] = None  # of fewer than the minimum: not shown
        public["captives"] = captives
        hid |= captives_hid
    if "coverage" in ledger:
        coverage, coverage_hid = _cells(ledger["coverage"], ("named",))
        if coverage_hid:
            coverage["ratio"] = None  # the ratio and the total would give the count away
        public["coverage"] = coverage
        hid |= coverage_hid
    if "identification" in ledger and isinstance(registry.get(PersonStatus.MISSING), str):
        # A share of too few missing persons would tell about each of them.
        public["identification"] = {**ledger["identification"], "references_sufficient_share": None}
    if "discrepancies" in ledger:
        public["discrepancies"] = [_public_discrepancy(item) for item in ledger["discrepancies"]]
        hid |= public["discrepancies"] != ledger["discrepancies"]
    public["disclosure"] = {"min_cell": settings.PUBLIC_MIN_CELL, "suppressed": hid}
    return public


def _public_discrepancy(item: dict) -> dict:
    """The one discrepancy that counts persons names its count through the same cell."""
    if item["code"] != discrepancies.REGISTRY_EXCEEDS_OFFICIAL_TOTAL:
        return item
    recorded = cell(item["recorded"])
    if recorded == item["recorded"]:
        return item
    return discrepancies.registry_exceeds_official_total(recorded, item["official_total"])


def staff_ledger(ledger: dict) -> dict:
    return {**ledger, "disclosure": {"min_cell": None, "suppressed": False}}
