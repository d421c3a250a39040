"""The person blocks of one ledger: registry by home region and by basis, captives, and
coverage (DESIGN §4). Exact counts; ``ledger.disclosure`` hides the small ones from the public."""

from casualties.choices import PersonStatus, StatusBasis
from ledger.scope import LedgerScope
from ledger.sql.registry import MEDIAN_DAYS_HELD

STATUSES = tuple(PersonStatus.values)
BASES = tuple(StatusBasis.values)


def region_rows(cells: list[dict]) -> list[dict]:
    """``[{region, <status>: n, …, total}]`` in region order."""
    regions: dict[str, dict] = {}
    for cell in cells:
        if cell["dimension"] == "region":
            entry = regions.setdefault(
                cell["value"], {"region": cell["value"], **dict.fromkeys(STATUSES, 0)}
            )
            entry[cell["status"]] += cell["n"]
    for entry in regions.values():
        entry["total"] = sum(entry[status] for status in STATUSES)
    return list(regions.values())


def basis_rows(cells: list[dict]) -> dict[str, dict[str, int]]:
    """``{<status>: {<basis>: n}}``: statuses and bases in the choices' order, a status or
    basis nobody has left out."""
    counts = {
        (cell["status"], cell["value"]): cell["n"] for cell in cells if cell["dimension"] == "basis"
    }
    found = {
        status: {basis: counts[status, basis] for basis in BASES if counts.get((status, basis))}
        for status in STATUSES
    }
    return {status: bases for status, bases in found.items() if bases}


def captives_block(cells: list[dict], median_rows: list[dict]) -> dict:
    """Of the persons ever captured: their status now (or as of the day), and the median days
    held."""
    held = {cell["status"]: cell["n"] for cell in cells if cell["dimension"] == "captive"}
    median = median_rows[0]["median_days_held"] if median_rows else None
    return {
        "ever_captured": sum(held.values()),
        "released": held.get(PersonStatus.RELEASED, 0),
        "killed": held.get(PersonStatus.KILLED, 0),
        "still_held": held.get(PersonStatus.CAPTURED, 0),
        "median_days_held": None if median is None else round(float(median), 1),
    }


def coverage_block(registry: dict, official_total: int | None) -> dict:
    """Named records now killed or missing, against the official total."""
    named = registry[PersonStatus.KILLED] + registry[PersonStatus.MISSING]
    ratio = round(named / official_total, 4) if official_total else None
    return {"named": named, "official_total": official_total, "ratio": ratio}


def person_blocks(
    rows_of, scope: LedgerScope, cells: list[dict], registry: dict, official_total
) -> dict:
    """From the ledger's person ``cells`` (``ledger.sql.registry.person_cells``), and one query
    more for the median days held: ``rows_of(query, scope)``."""
    return {
        "by_region": region_rows(cells),
        "by_basis": basis_rows(cells),
        "captives": captives_block(cells, rows_of(MEDIAN_DAYS_HELD, scope)),
        "coverage": coverage_block(registry, official_total),
    }
