"""The ledger's ``identification`` block (DESIGN §9): how many remains were received and named,
how fast, the backlog by age, and when it would clear at the recent rate.

Public aggregates of remains, never of rows: the counts are of the same kind as the ledger's
``returned`` counts, which are published exact, so the "<5" rule (``ledger.disclosure``), which
guards counts of persons, leaves them alone; the one share of persons it carries
(``references_sufficient_share``) is withheld there when the missing persons are too few.
Two queries per ledger (``ledger.sql.identification`` and the references share, which reads
only the persons with a profiled reference; the missing persons come from the registry), one per
handover page.
"""

import datetime
import math

from django.utils import timezone

from casualties.choices import PersonStatus
from core.db.prepared import fetch
from identification.selectors import references_sufficient_share
from ledger.sql.identification import (
    AGE_BANDS,
    HANDOVER_PIPELINE,
    LEDGER_PIPELINE,
    TRAILING_DAYS,
    WITHIN_DAYS,
)
from ledger.sql.registry import status_counts

SHARE_DIGITS = 4


def _row(query: str, params: dict) -> dict | None:
    rows = fetch(query, params)
    return rows[0] if rows else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, SHARE_DIGITS) if whole else None


def projected_clear_date(
    *, backlog: int, confirmed_trailing: int, ref: datetime.date
) -> datetime.date | None:
    """The day the backlog would clear at the rate of the last ``TRAILING_DAYS`` days'
    confirmations (``ref`` when nothing is left; None when nothing was confirmed lately)."""
    if backlog == 0:
        return ref
    if confirmed_trailing == 0:
        return None
    return ref + datetime.timedelta(days=math.ceil(backlog * TRAILING_DAYS / confirmed_trailing))


def pipeline_figures(row: dict | None, *, ref: datetime.date) -> dict:
    """The block's figures from one row of ``ledger.sql.identification`` (None: no remains)."""
    row = row or {}
    received, confirmed = row.get("received", 0), row.get("confirmed", 0)
    median = row.get("median_days")
    return {
        "received": received,
        "presumptive": row.get("presumptive", 0),
        "confirmed": confirmed,
        # Confirmed and not yet released to the family nor buried: still in the party's care.
        "awaiting_release": row.get("awaiting_release", 0),
        "confirmed_within": {
            str(days): _share(row.get(f"within_{days}", 0), row.get(f"eligible_{days}", 0))
            for days in WITHIN_DAYS
        },
        "median_days_to_confirmation": None if median is None else float(median),
        "backlog_by_age": {key: row.get(key, 0) for key, _first, _last in AGE_BANDS},
        "projected_clear_date": projected_clear_date(
            backlog=received - confirmed,
            confirmed_trailing=row.get("confirmed_trailing", 0),
            ref=ref,
        ),
    }


def _params(*, conflict_id, party_id, handover_id=None, as_of=None) -> tuple[dict, datetime.date]:
    ref = as_of or timezone.localdate()
    params = {"conflict": conflict_id, "party": party_id, "handover": handover_id, "ref": ref}
    return params, ref


def _missing(*, conflict_id: int, party_id: int, as_of: datetime.date | None) -> int:
    query = status_counts(as_of_given=as_of is not None)
    params = {"conflict": conflict_id, "party": party_id, "as_of": as_of}
    counts = fetch(query, params)
    return sum(row["n"] for row in counts if row["status"] == PersonStatus.MISSING)


def identification_block(
    *, conflict, party, as_of: datetime.date | None = None, missing: int | None = None
) -> dict:
    """The ledger's ``identification`` block for one (conflict, receiving party). ``missing``:
    the party's missing persons, when the caller has counted them (the ledger's registry)."""
    params, ref = _params(conflict_id=conflict.pk, party_id=party.pk, as_of=as_of)
    block = pipeline_figures(_row(LEDGER_PIPELINE, params), ref=ref)
    if missing is None:
        missing = _missing(conflict_id=conflict.pk, party_id=party.pk, as_of=as_of)
    share = references_sufficient_share(
        conflict_id=conflict.pk, party_id=party.pk, missing=missing, as_of=as_of
    )
    block["references_sufficient_share"] = None if share is None else round(share, SHARE_DIGITS)
    return block


def handover_identification(*, handover, as_of: datetime.date | None = None) -> dict:
    """The same figures for the remains of one verified handover (one query)."""
    params, ref = _params(
        conflict_id=handover.conflict_id,
        party_id=handover.to_party_id,
        handover_id=handover.pk,
        as_of=as_of,
    )
    return pipeline_figures(_row(HANDOVER_PIPELINE, params), ref=ref)
