"""The ledger's discrepancy list: fixed codes (DESIGN §4), each with a plain-words message and
the ids a reader needs to follow it to the handover, statement or person concerned."""

import datetime

from django.utils.translation import gettext as _

from casualties.choices import FigureCategory, PersonStatus

HANDOVER_COUNT_MISMATCH = "handover_count_mismatch"
OFFICIAL_RETURNED_MISMATCH = "official_returned_mismatch"
RETURNED_EXCEEDS_OFFICIAL_TOTAL = "returned_exceeds_official_total"
REGISTRY_EXCEEDS_OFFICIAL_TOTAL = "registry_exceeds_official_total"
FIGURE_DECREASED = "figure_decreased"
FIGURE_REVISED = "figure_revised"
IDENTIFIED_ALIVE_CONFLICT = "identified_alive_conflict"
DUPLICATE_COMPLETE_REMAINS = "duplicate_complete_remains"
CORRECTED_AFTER_VERIFICATION = "corrected_after_verification"
HANDOVER_CLAIMS_DISAGREE = "handover_claims_disagree"

CODES = (
    HANDOVER_COUNT_MISMATCH,
    OFFICIAL_RETURNED_MISMATCH,
    RETURNED_EXCEEDS_OFFICIAL_TOTAL,
    REGISTRY_EXCEEDS_OFFICIAL_TOTAL,
    FIGURE_DECREASED,
    FIGURE_REVISED,
    IDENTIFIED_ALIVE_CONFLICT,
    DUPLICATE_COMPLETE_REMAINS,
    CORRECTED_AFTER_VERIFICATION,
    HANDOVER_CLAIMS_DISAGREE,
)


def handover_count_mismatches(rows: list[dict]) -> list[dict]:
    """``rows`` come from SQL as JSON: their dates are ISO strings. The message is translated
    once for them all (a ledger may list thousands)."""
    message = _(
        "The handover of %(date)s was announced as %(reported)s but %(received)s remains "
        "were logged."
    )
    found = []
    for row in rows:
        row = {**row, "date": datetime.date.fromisoformat(row["date"])}
        found.append(
            {
                "code": HANDOVER_COUNT_MISMATCH,
                "message": message % row,
                "handover": row["handover"],
                "date": row["date"],
                "reported": row["reported"],
                "received": row["received"],
            }
        )
    return found


def official_returned_mismatch(counts: dict) -> dict:
    words = {
        "source": counts["official_returned_source"],
        "official": counts["official_returned"],
        "as_of": counts["official_returned_as_of"],
        "received": counts["received_by_official_returned"],
    }
    return {
        "code": OFFICIAL_RETURNED_MISMATCH,
        "message": _(
            "%(source)s said %(official)s remains had been returned as of %(as_of)s; verified "
            "handovers up to that day brought %(received)s."
        )
        % words,
        "statement": counts["official_returned_statement"],
        **words,
    }


def returned_exceeds_official_total(individuals_min: int, total: int) -> dict:
    return {
        "code": RETURNED_EXCEEDS_OFFICIAL_TOTAL,
        "message": _(
            "At least %(returned)s people were returned, more than the official total of "
            "%(total)s killed or missing."
        )
        % {"returned": individuals_min, "total": total},
        "individuals_min": individuals_min,
        "official_total": total,
    }


def registry_exceeds_official_total(recorded: int, total: int) -> dict:
    return {
        "code": REGISTRY_EXCEEDS_OFFICIAL_TOTAL,
        "message": _(
            "%(recorded)s persons are recorded as killed or missing, more than the official "
            "total of %(total)s."
        )
        % {"recorded": recorded, "total": total},
        "recorded": recorded,
        "official_total": total,
    }


def figure_decreased(row: dict) -> dict:
    words = {**row, "category": FigureCategory(row["category"]).label}
    return {
        "code": FIGURE_DECREASED,
        "message": _(
            "%(source)s lowered its “%(category)s” figure from %(previous_value)s (as of "
            "%(previous_as_of)s) to %(value)s (as of %(as_of)s)."
        )
        % words,
        "source": row["source"],
        "category": row["category"],
        "statement": row["statement"],
        "previous_statement": row["previous_statement"],
        "value": row["value"],
        "previous_value": row["previous_value"],
    }


def figure_revised(row: dict) -> dict:
    """A source restated its figure for the same date with another value: both are shown."""
    words = {**row, "category": FigureCategory(row["category"]).label}
    return {
        "code": FIGURE_REVISED,
        "message": _(
            "%(source)s revised its “%(category)s” figure as of %(as_of)s from "
            "%(previous_value)s to %(value)s."
        )
        % words,
        "source": row["source"],
        "category": row["category"],
        "as_of": row["as_of"],
        "statement": row["statement"],
        "previous_statement": row["previous_statement"],
        "value": row["value"],
        "previous_value": row["previous_value"],
        "revision": row["revision"],
    }


def identified_alive_conflict(row: dict) -> dict:
    words = {**row, "status": PersonStatus(row["status"]).label}
    return {
        "code": IDENTIFIED_ALIVE_CONFLICT,
        "message": _(
            "Remains %(case_number)s were confirmed as person #%(person)s, whose status is "
            "“%(status)s”."
        )
        % words,
        "person": row["person"],
        "status": row["status"],
        "remains": row["remains"],
        "case_number": row["case_number"],
        "handover": row["handover"],
    }


def duplicate_complete_remains(row: dict) -> dict:
    words = {**row, "cases": ", ".join(row["case_numbers"])}
    return {
        "code": DUPLICATE_COMPLETE_REMAINS,
        "message": _(
            "%(complete_remains)s complete bodies (%(cases)s) were confirmed as the same "
            "person #%(person)s."
        )
        % words,
        "person": row["person"],
        "case_numbers": row["case_numbers"],
    }


def corrected_after_verification(row: dict) -> dict:
    """An admin's correction of a verified handover, with the reason they gave (DESIGN §4).
    ``row`` comes from SQL as JSON: its dates are ISO strings."""
    date = datetime.date.fromisoformat(row["date"])
    corrected_at = datetime.datetime.fromisoformat(row["corrected_at"])
    words = {"date": date, "when": corrected_at.date(), "reason": row["reason"]}
    return {
        "code": CORRECTED_AFTER_VERIFICATION,
        "message": _(
            "The handover of %(date)s was corrected by an administrator on %(when)s, after it "
            "had been verified: “%(reason)s”."
        )
        % words,
        "handover": row["handover"],
        "date": date,
        "corrected_at": corrected_at,
        "reason": row["reason"],
    }


def handover_claims_disagree(row: dict) -> dict:
    """The parties announced different counts for one verified handover (DESIGN §4). ``row``
    comes from SQL as JSON: its dates are ISO strings."""
    date = datetime.date.fromisoformat(row["date"])
    claims = [
        {**claim, "stated_on": datetime.date.fromisoformat(claim["stated_on"])}
        for claim in row["claims"]
    ]
    counts = "; ".join(f"{claim['party']} {claim['count']}" for claim in claims)
    return {
        "code": HANDOVER_CLAIMS_DISAGREE,
        "message": _(
            "The parties announced different counts for the handover of %(date)s: %(counts)s."
        )
        % {"date": date, "counts": counts},
        "handover": row["handover"],
        "date": date,
        "claims": claims,
    }
