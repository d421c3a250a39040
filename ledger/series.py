"""The ledger's dated series (DESIGN §4 ``series``) and its authorities (``sources``), from
one aggregate query each (``ledger.sql.series``)."""

import datetime
from collections import Counter

from django.utils.translation import gettext as _

from casualties.choices import FigureCategory

RECEIVED = "received"


def _points(points: list[dict]) -> list[dict]:
    return [{"date": datetime.date.fromisoformat(p["date"]), "value": p["value"]} for p in points]


def build_series(rows: list[dict]) -> list[dict]:
    """``[{key, label, kind, category, source, points}]``: one per official category (per
    source where several of the party's authorities state it), each other party's claim, and
    what was received. Keys are stable and URL-safe: they name the lines a page shows."""
    per_category = Counter(row["category"] for row in rows if row["kind"] == "official")
    series = []
    for row in rows:
        kind, category = row["kind"], row["category"]
        if kind == RECEIVED:
            key, label = RECEIVED, _("Received in verified handovers, cumulative")
        else:
            name = FigureCategory(category).label
            several = kind == "claim" or per_category[category] > 1
            key = category if not several else f"{category}.s{row['source_id']}"
            if kind == "claim":
                key = f"claim.{key}"
                label = _("%(category)s, claimed by %(source)s") % {
                    "category": name,
                    "source": row["source"],
                }
            else:
                label = f"{name} ({row['source']})" if several else str(name)
        series.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "category": category,
                "source": row["source"],
                "points": _points(row["points"]),
            }
        )
    return series


def build_sources(rows: list[dict]) -> list[dict]:
    """Each authority of the party with its latest figure per category it states."""
    sources: dict[str, dict] = {}
    for row in rows:
        entry = sources.setdefault(row["source"], {"name": row["source"], "figures": {}})
        entry["figures"][row["category"]] = {
            "value": row["value"],
            "qualifier": row["qualifier"],
            "as_of": row["as_of"],
            "statement": row["statement"],
        }
    return sorted(sources.values(), key=lambda source: source["name"])
