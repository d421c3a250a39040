"""The person blocks of one ledger: registry by home region and by basis, captives, and
coverage (DESIGN §4). Exact counts; ``ledger.disclosure`` hides the small ones from the public."""

from casualties.choices import PersonStatus, StatusBasis
from ledger.scope import LedgerScope
from ledger.sql.registry import by_region, captives

STATUSES = tuple(PersonStatus.values)
BASES = tuple(StatusBasis.values)


def region_rows(rows: list[dict]) -> list[dict]:
    """``[{region, <status>: n, …, total}]`` from (region, status, basis, n) rows, in region
    order."""
    regions: dict[str, dict] = {}
    for row in rows:
        entry = regions.setdefault(
            row["region"], {"region": row["region"], **dict.fromkeys(STATUSES, 0)}
        )
        entry[row["status"]] += row["n"]
    for entry in regions.values():
        entry["total"] = sum(entry[status] for status in STATUSES)
    return list(regions.values())


def basis_rows(rows: list[dict]) -> dict[str, dict[str, int]]:
    """``{<status>: {<basis>: n}}`` from (region, status, basis, n) rows: statuses and bases in
    the choices' order, a status or basis nobody has left out."""
    counts: dict[tuple, int] = {}
    for row in rows:
        key = (row["status"], row["basis"])
        counts[key] = counts.get(key, 0) + row["n"]
    found = {
        status: {basis: counts[status, basis] for basis in BASES if counts.get((status, basis))}
        for status in STATUSES
    }
    return {status: bases for status, bases in found.items() if bases}


def captives_block(rows: list[dict]) -> dict:
    if not rows:
        return {
            "ever_captured": 0,
            "released": 0,
            "killed": 0,
            "still_held": 0,
            "median_days_held": None,
        }
    row = rows[0]
    median = row["median_days_held"]
    return {
        "ever_captured": row["ever_captured"],
        "released": row["released"],
        "killed": row["killed"],
        "still_held": row["still_held"],
        "median_days_held": None if median is None else round(float(median), 1),
    }


def coverage_block(registry: dict, official_total: int | None) -> dict:
    """Named records now killed or missing, against the official total."""
    named = registry[PersonStatus.KILLED] + registry[PersonStatus.MISSING]
    ratio = round(named / official_total, 4) if official_total else None
    return {"named": named, "official_total": official_total, "ratio": ratio}


def person_blocks(rows_of, scope: LedgerScope, registry: dict, official_total) -> dict:
    """``rows_of(query, scope)`` runs one aggregate query: two here, whatever the data size."""
    given = scope.as_of_given
    persons = rows_of(by_region(as_of_given=given), scope)
    return {
        "by_region": region_rows(persons),
        "by_basis": basis_rows(persons),
        "captives": captives_block(rows_of(captives(as_of_given=given), scope)),
        "coverage": coverage_block(registry, official_total),
    }
