"""The pipeline figures of one ledger as of a late day, read backward from the ledger's end.

As of a day R, a remains tally row whose receipt, identification and release are all on or
before R counts in every figure as it will ever count (only its receipt age moves with R, and
the backward tallies keep the receipt day). So the figures are the sums of the backward
tallies (``PipelineReceiptTally`` up to R, ``PipelineConfirmedTally``, ``PipelineDaysTally``),
corrected by the rows with an event after R: each such row adds what it counts as of R and
takes back what those sums counted for it. Remains returned to the sender (few) are not in the
sums: they are read one by one and counted as of R. Cost: the ledger's days plus the rows with
an event after R (none once R is past the ledger's last event).
"""

from ledger.sql.common import in_scope, literal, reads_backward
from ledger.sql.identification_tallies import (
    CONFIRMED_TALLY,
    DAYS_TALLY,
    RECEIPT_TALLY,
    TALLY,
)
from repatriation.choices import Identification

_REF = "%(ref)s::date"
_LAST_EVENT = "greatest(received_on, identified_on, released_on)"
_ONE_LEDGER = "conflict_id = %(conflict)s::bigint AND party_id = %(party)s::bigint"

# As of R, the forward query reads the tally rows received up to R; the backward one reads the
# receipt days up to R (one row each) and the rows with an event after R, which it folds by
# fewer keys, so a day it reads costs about half of one read forward (bench/README.md, issue
# 19): the side of R holding fewer of the ledger's days, so weighted, is read.
_FORWARD_DAY_COST = 2
BACKWARD = reads_backward(
    _REF,
    f"SELECT min(received_on) FROM {TALLY} WHERE {_ONE_LEDGER}",
    f"SELECT max({_LAST_EVENT}) FROM {TALLY} WHERE {_ONE_LEDGER} AND returned_on IS NULL",
    forward_day_cost=_FORWARD_DAY_COST,
)


def _figures(within_days, age_bands) -> list[tuple[str, str, str, str, str]]:
    """Per output column: (name, value summed from the receipt tally, its filter there, what a
    correction row counts as of R, what the sums counted for it). A correction row (``k``:
    received by R) carries its receipt age, whether it is confirmed (``conf``: at any day;
    ``conf_by_ref``: on or before R), presumptive (at any day, or by R), released (at any day,
    or by R), and its days to confirmation."""
    figures = [
        ("received", "n", "true", "true", "true"),
        ("presumptive", "presumptive", "true", "pres_by_ref", "pres"),
        ("confirmed", "confirmed", "true", "conf_by_ref", "conf"),
        (
            "awaiting_release",
            "confirmed - released",
            "true",
            "conf_by_ref AND NOT released_by_ref",
            "conf AND NOT released",
        ),
    ]
    for days in within_days:
        eligible = f"age >= {days}"
        figures += [
            (f"eligible_{days}", "n", eligible, eligible, eligible),
            (
                f"within_{days}",
                f"within_{days}",
                eligible,
                f"{eligible} AND conf_by_ref AND days <= {days}",
                f"{eligible} AND conf AND days <= {days}",
            ),
        ]
    figures.append(("median_days", "", "", "", ""))
    for key, first, last in age_bands:
        band = f"age >= {first}" + ("" if last is None else f" AND age <= {last}")
        figures.append(
            (
                f'"{key}"',
                "n - confirmed",
                band,
                f"{band} AND NOT conf_by_ref",
                f"{band} AND NOT conf",
            )
        )
    return figures


def backward_query(*, within_days, age_bands, trailing_days: int, age_bin: str) -> str:
    """The pipeline figures of one ledger (``conflict`` and ``party`` given) as of ``ref``, with
    the columns of ``ledger.sql.identification``'s queries. ``age_bin``: the receipt age
    (``age``) rounded down to the nearest threshold a figure compares it with, by which the
    correction rows are folded (MATERIALIZED) before the filtered sums read them."""
    figures = _figures(within_days, age_bands)
    sums = ",\n".join(
        f"coalesce(sum({value}) FILTER (WHERE {where}), 0) AS {name}"
        for name, value, where, _now, _ever in figures
        if value
    )
    corrections = ",\n".join(
        f"coalesce(sum(n) FILTER (WHERE {now}), 0)"
        f" - coalesce(sum(n) FILTER (WHERE kept AND {ever}), 0) AS {name}"
        for name, value, _where, now, ever in figures
        if value
    )
    columns = ",\n".join(
        "(SELECT days FROM median) AS median_days"
        if not value
        else f"(s.{name} + c.{name})::bigint AS {name}"
        for name, value, _where, _now, _ever in figures
    )
    scope = in_scope("conflict_id", "party_id")
    confirmed = f"identification = {literal(Identification.CONFIRMED)}"
    presumptive = f"identification = {literal(Identification.PRESUMPTIVE)}"
    recent = f"identified_on > {_REF} - {trailing_days} AND identified_on <= {_REF}"
    return f"""
    WITH late AS (
        -- Received by R: the kept rows with an event after R, and the rows returned to the
        -- sender after R (``kept`` false: not in the sums).
        SELECT received_on, identification, identified_on, released_on, true AS kept, n
        FROM {TALLY}
        WHERE {scope} AND returned_on IS NULL AND {_LAST_EVENT} > {_REF}
            AND received_on <= {_REF}
        UNION ALL
        SELECT received_on, identification, identified_on, released_on, false, n
        FROM {TALLY}
        WHERE {scope} AND returned_on IS NOT NULL
            AND received_on <= {_REF} AND returned_on > {_REF}
    ),
    k AS MATERIALIZED (
        SELECT {age_bin} AS age, conf, conf_by_ref, pres, pres_by_ref, released,
               released_by_ref, recent, days, kept, sum(n)::int AS n
        FROM (
            SELECT {_REF} - received_on AS age, {confirmed} AS conf,
                   {confirmed} AND identified_on <= {_REF} AS conf_by_ref,
                   {presumptive} AS pres,
                   {presumptive} AND (identified_on IS NULL OR identified_on <= {_REF})
                       AS pres_by_ref,
                   released_on IS NOT NULL AS released,
                   coalesce(released_on <= {_REF}, false) AS released_by_ref,
                   {confirmed} AND {recent} AS recent,
                   CASE WHEN {confirmed} THEN greatest(identified_on - received_on, 0) END
                       AS days,
                   kept, n
            FROM late
        ) flagged
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ),
    later AS MATERIALIZED (
        -- Confirmed and received after R: in the histogram and the confirmations by day, to be
        -- taken back (a confirmation before receipt can even fall in the trailing window).
        SELECT greatest(identified_on - received_on, 0) AS days, {recent} AS recent,
               sum(n)::int AS n
        FROM {TALLY}
        WHERE {scope} AND returned_on IS NULL AND {_LAST_EVENT} > {_REF}
            AND received_on > {_REF} AND {confirmed}
        GROUP BY 1, 2
    ),
    s AS (
        SELECT {sums},
               (SELECT coalesce(sum(n), 0) FROM {CONFIRMED_TALLY}
                WHERE {scope} AND {recent}) AS confirmed_trailing
        FROM (SELECT {_REF} - received_on AS age, * FROM {RECEIPT_TALLY}
              WHERE {scope} AND received_on <= {_REF}) r
    ),
    c AS (
        SELECT {corrections},
               coalesce(sum(n) FILTER (WHERE conf_by_ref AND recent), 0)
               - coalesce(sum(n) FILTER (WHERE kept AND recent), 0)
               - (SELECT coalesce(sum(n), 0) FROM later WHERE recent) AS confirmed_trailing
        FROM k
    ),
    hist AS (
        SELECT days, sum(n) AS n FROM (
            SELECT days, n FROM {DAYS_TALLY} WHERE {scope}
            UNION ALL
            SELECT days, n FROM k WHERE conf_by_ref
            UNION ALL
            SELECT days, -n FROM k WHERE kept AND conf
            UNION ALL
            SELECT days, -n FROM later
        ) moves
        GROUP BY days HAVING sum(n) <> 0
    ),
    running AS (
        SELECT days, sum(n) OVER (ORDER BY days) AS upto, sum(n) OVER () AS total FROM hist
    ),
    median AS (
        SELECT (min(days) FILTER (WHERE upto > floor((total - 1) / 2.0))
                + min(days) FILTER (WHERE upto > ceil((total - 1) / 2.0))) / 2.0 AS days
        FROM running
    )
    SELECT {columns},
           (s.confirmed_trailing + c.confirmed_trailing)::bigint AS confirmed_trailing
    FROM s, c
    """
