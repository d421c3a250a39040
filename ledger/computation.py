"""The ledger: official totals beside what was returned and recorded, and where they disagree.

``ledger_for`` computes one (conflict, party) ledger; ``ledger_summaries`` one row for every
ledger. Both run a fixed number of aggregate queries (``ledger.sql``) whatever the data size,
each narrowed by a ``LedgerScope``.
"""

import datetime
from collections import defaultdict

from casualties.choices import FigureCategory, PersonStatus
from casualties.models import Conflict, Party
from core.db.prepared import fetch
from ledger import discrepancies as d
from ledger.agreements import agreement_progress
from ledger.arithmetic import Returned, official_total, outstanding
from ledger.identification import identification_block
from ledger.people import person_blocks
from ledger.scope import LedgerScope
from ledger.series import build_series, build_sources
from ledger.sql.figures import FIGURE_CHANGES, OFFICIAL, OTHER_CLAIMS
from ledger.sql.handovers import HANDOVERS
from ledger.sql.pairs import PAIRS
from ledger.sql.persons import confirmed_remains
from ledger.sql.registry import person_cells
from ledger.sql.series import SERIES, SOURCES

Key = tuple[int, int]
RETURNED_COUNTS = (
    "handovers",
    "reported",
    "pending_handovers",
    "received",
    # Of ``received``, the remains the party's own side recovered (no handover).
    "recovered",
    "presumptive",
    "unidentified",
    "unconfirmed_complete",
    "pending",
    # Remains found to be the other side's and sent back: apart from ``received``.
    "returned_to_sender",
)
EMPTY_HANDOVERS = {
    **dict.fromkeys(RETURNED_COUNTS, 0),
    "identified": 0,
    "count_mismatches": [],
    "corrections": [],
    "claims_disagree": [],
    "official_returned": None,
    "timeline": {},
}
EMPTY_CONFIRMED = {"alive": [], "duplicates": []}


def _rows(query: str, scope: LedgerScope) -> list[dict]:
    return fetch(query, scope.sql_params())


def _by_pair(rows: list[dict]) -> dict[Key, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row["conflict_id"], row["party_id"])].append(row)
    return grouped


def _first_by_pair(rows: list[dict]) -> dict[Key, dict]:
    return {(row["conflict_id"], row["party_id"]): row for row in rows}


def _figure(row: dict) -> dict:
    return {
        "value": row["value"],
        "civilians": row["civilians"],
        "qualifier": row["qualifier"],
        "as_of": row["as_of"],
        "issued_on": row["issued_on"],
        "statement": row["statement"],
        "source": row["source"],
        "citation_title": row["citation_title"],
        "citation_url": row["citation_url"],
    }


class _Evidence:
    """The aggregate rows for every ledger in scope, grouped by (conflict, party)."""

    def __init__(self, scope: LedgerScope):
        given = scope.as_of_given
        self.official = _by_pair(_rows(OFFICIAL, scope))
        self.handovers = _first_by_pair(_rows(HANDOVERS, scope))
        self.confirmed = _first_by_pair(_rows(confirmed_remains(as_of_given=given), scope))
        # Persons by region, basis and captivity: the registry is the regions' sum.
        self.persons = _by_pair(_rows(person_cells(as_of_given=given), scope))
        self.changed = _by_pair(_rows(FIGURE_CHANGES, scope))

    def core(self, key: Key) -> dict:
        """official, returned, outstanding, registry and discrepancies of one ledger."""
        official = dict.fromkeys(FigureCategory.values)
        official.update({row["category"]: _figure(row) for row in self.official.get(key, [])})
        handovers = self.handovers.get(key, EMPTY_HANDOVERS)
        returned = Returned(
            received=handovers["received"],
            identified=handovers["identified"],
            presumptive=handovers["presumptive"],
            unidentified=handovers["unidentified"],
            unconfirmed_complete=handovers["unconfirmed_complete"],
        )
        total = official_total(official)
        registry = dict.fromkeys(PersonStatus.values, 0)
        for cell in self.persons.get(key, []):
            if cell["dimension"] == "region":
                registry[cell["status"]] += cell["n"]
        registry["total"] = sum(registry.values())
        return {
            "official": official,
            "returned": {
                **{name: handovers[name] for name in RETURNED_COUNTS},
                "identified": returned.identified,
                "individuals_min": returned.individuals_min,
                "individuals_max": returned.individuals_max,
            },
            "outstanding": {
                **outstanding(total["value"] if total else None, returned).as_dict(),
                "official_total_civilians": total["civilians"] if total else None,
                "official_total_categories": total["categories"] if total else [],
            },
            "registry": registry,
            "discrepancies": self._discrepancies(key, returned, total, registry),
        }

    def timeline(self, key: Key) -> list[dict]:
        return timeline_points(self.handovers.get(key, EMPTY_HANDOVERS))

    def _discrepancies(self, key, returned, total, registry) -> list[dict]:
        handovers = self.handovers.get(key, EMPTY_HANDOVERS)
        confirmed = self.confirmed.get(key, EMPTY_CONFIRMED)
        found = d.handover_count_mismatches(handovers["count_mismatches"])
        official_returned = handovers["official_returned"]
        if official_returned is not None and (
            official_returned != handovers["received_by_official_returned"]
        ):
            found.append(d.official_returned_mismatch(handovers))
        limit = total["value"] if total else None
        if limit is not None and returned.individuals_min > limit:
            found.append(d.returned_exceeds_official_total(returned.individuals_min, limit))
        recorded = registry[PersonStatus.KILLED] + registry[PersonStatus.MISSING]
        if limit is not None and recorded > limit:
            found.append(d.registry_exceeds_official_total(recorded, limit))
        for row in self.changed.get(key, []):
            changed = d.figure_decreased if row["change"] == "decreased" else d.figure_revised
            found.append(changed(row))
        found += [d.identified_alive_conflict(row) for row in confirmed["alive"]]
        found += [d.duplicate_complete_remains(row) for row in confirmed["duplicates"]]
        found += [d.corrected_after_verification(row) for row in handovers["corrections"]]
        found += [d.handover_claims_disagree(row) for row in handovers["claims_disagree"]]
        return found


def ledger_for(
    *,
    conflict: Conflict,
    party: Party,
    as_of: datetime.date | None = None,
    source: str | None = None,
) -> dict:
    """The full ledger of DESIGN §4 for one conflict and party (from one authority's
    figures only, with ``source``)."""
    scope = LedgerScope(conflict=conflict, party=party, as_of=as_of, source=source)
    evidence = _Evidence(scope)
    key = (conflict.pk, party.pk)
    claims = [{"category": row["category"], **_figure(row)} for row in _rows(OTHER_CLAIMS, scope)]
    core = evidence.core(key)
    blocks = person_blocks(
        _rows,
        scope,
        evidence.persons.get(key, []),
        core["registry"],
        core["outstanding"]["official_total"],
    )
    core["registry"]["by_region"] = blocks.pop("by_region")
    core["registry"]["by_basis"] = blocks.pop("by_basis")
    # Every authority of the party, whichever one ``source`` picks, so a reader can switch.
    all_sources = LedgerScope(conflict=conflict, party=party, as_of=as_of)
    return {
        "conflict": conflict.slug,
        "party": party.code,
        "as_of": as_of,
        "source": source,
        **core,
        **blocks,
        "sources": build_sources(_rows(SOURCES, all_sources)),
        "other_claims": claims,
        "agreements": agreement_progress(scope),
        "identification": identification_block(
            conflict=conflict,
            party=party,
            as_of=as_of,
            missing=core["registry"][PersonStatus.MISSING],
        ),
        "timeline": evidence.timeline(key),
    }


def ledger_timeline(
    *,
    conflict: Conflict,
    party: Party,
    as_of: datetime.date | None = None,
    source: str | None = None,
) -> list[dict]:
    """Dated points: official total, official remains returned, cumulative remains received."""
    scope = LedgerScope(conflict=conflict, party=party, as_of=as_of, source=source)
    [row] = _rows(HANDOVERS, scope) or [EMPTY_HANDOVERS]
    return timeline_points(row)


def ledger_series(
    *,
    conflict: Conflict,
    party: Party,
    as_of: datetime.date | None = None,
    source: str | None = None,
) -> list[dict]:
    """Every dated series of the ledger (DESIGN §4), in one query."""
    scope = LedgerScope(conflict=conflict, party=party, as_of=as_of, source=source)
    return build_series(_rows(SERIES, scope))


def timeline_points(handovers: dict) -> list[dict]:
    """One point per date on which any of the timeline's series moved (``HANDOVERS``'s
    ``timeline``: JSON, dates as ISO strings): the official total and the official remains
    returned carried forward from their last value (``None`` before the first), the remains
    received summed up to the date."""
    series = handovers["timeline"]
    total, returned, received = (
        dict(series.get(kind, ())) for kind in ("total", "returned", "received")
    )
    points, official_total, official_returned, cumulative = [], None, None, 0
    for day in sorted(total.keys() | returned.keys() | received.keys()):
        official_total = total.get(day, official_total)
        official_returned = returned.get(day, official_returned)
        cumulative += received.get(day, 0)
        points.append(
            {
                "date": datetime.date.fromisoformat(day),
                "official_total": official_total,
                "official_returned": official_returned,
                "received": cumulative,
            }
        )
    return points


def ledger_summaries(*, as_of: datetime.date | None = None) -> list[dict]:
    """One row per (conflict, party) with a ledger: its totals and number of discrepancies."""
    scope = LedgerScope(as_of=as_of)
    evidence = _Evidence(scope)
    summaries = []
    for pair in _rows(PAIRS, scope):
        core = evidence.core((pair["conflict_id"], pair["party_id"]))
        summaries.append(
            {
                "conflict": pair["conflict"],
                "conflict_name": pair["conflict_name"],
                "party": pair["party"],
                "party_name": pair["party_name"],
                "official_total": core["outstanding"]["official_total"],
                "received": core["returned"]["received"],
                "pending": core["returned"]["pending"],
                "not_returned_min": core["outstanding"]["not_returned_min"],
                "not_returned_max": core["outstanding"]["not_returned_max"],
                "discrepancy_count": len(core["discrepancies"]),
            }
        )
    return summaries
