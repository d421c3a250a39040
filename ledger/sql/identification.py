"""How fast the receiving party names the remains it received (DESIGN §9 "Pipeline figures").

One pass over the remains of verified remains handovers (and recoveries) to the party, dated by
``%(ref)s`` (the ``as_of`` asked for, else today): receipt is the handover's date, confirmation
the ``identified_on`` of confirmed remains, counted only from that day. Remains returned to the
sender by then are not the party's and leave every figure. Confirmed remains not released to
the family nor buried by then (``awaiting_release``) are still in the party's care. Grouped per
ledger, or per handover, with the same filters, so the ledger and a handover's page cannot
disagree. A handover's figures read its remains; a ledger's sum the tallies the triggers keep
(``_tally_query``, or backward from the ledger's end: ``ledger.sql.pipeline_backward``), the
same figures without reading every remains — the tests hold them to each other.
"""

from ledger.sql.common import HANDOVER, REMAINS, in_scope, literal
from ledger.sql.identification_tallies import TALLY
from ledger.sql.pipeline_backward import BACKWARD, backward_query
from repatriation.choices import Disposition, HandoverKind, HandoverState, Identification

# Days after receipt by which a share of the remains received is asked to be confirmed.
WITHIN_DAYS = (30, 90, 180, 365)
# Backlog age bands: (key, first day, last day); the last band is open.
AGE_BANDS = (
    ("0-30", 0, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("over_365", 366, None),
)
# The window of recent confirmations whose daily rate projects when the backlog clears.
TRAILING_DAYS = 90

_KINDS = f"{literal(HandoverKind.REMAINS)}, {literal(HandoverKind.RECOVERY)}"
_RELEASED = f"{literal(Disposition.RELEASED_TO_FAMILY)}, {literal(Disposition.BURIED)}"


def _band(first: int, last: int | None) -> str:
    upper = "" if last is None else f" AND age <= {last}"
    return f"count(*) FILTER (WHERE days IS NULL AND age >= {first}{upper})"


def _within(days: int) -> str:
    # Received at least ``days`` before ref (the denominator), confirmed within ``days`` of
    # receipt (the numerator): such a confirmation is on or before ref, so counted.
    return (
        f"count(*) FILTER (WHERE age >= {days}) AS eligible_{days}, "
        f"count(*) FILTER (WHERE age >= {days} AND days <= {days}) AS within_{days}"
    )


def pipeline_query(*, by_handover: bool) -> str:
    """The pipeline counts per (conflict, party), or per handover too with ``by_handover``.

    Parameters: ``conflict``, ``party`` (NULL: all), ``handover`` (NULL: all), ``ref``.
    """
    keys = "conflict_id, party_id" + (", handover_id" if by_handover else "")
    bands = ",\n".join(f'{_band(first, last)} AS "{key}"' for key, first, last in AGE_BANDS)
    within = ",\n".join(_within(days) for days in WITHIN_DAYS)
    return f"""
    WITH h AS (
        SELECT id, conflict_id, to_party_id AS party_id, date
        FROM {HANDOVER}
        WHERE kind IN ({_KINDS}) AND state = {literal(HandoverState.VERIFIED)}
            AND {in_scope("conflict_id", "to_party_id")} AND date <= %(ref)s::date
            AND (%(handover)s::bigint IS NULL OR id = %(handover)s::bigint)
    ),
    r AS (
        -- A confirmation dated before the handover (identified from documents on the way)
        -- counts as on the day of receipt.
        SELECT h.conflict_id, h.party_id, h.id AS handover_id,
               %(ref)s::date - h.date AS age,
               CASE WHEN r.identification = {literal(Identification.CONFIRMED)}
                        AND r.identified_on <= %(ref)s::date
                    THEN greatest(r.identified_on - h.date, 0) END AS days,
               r.identified_on,
               r.disposition IN ({_RELEASED}) AND r.disposition_on <= %(ref)s::date AS released,
               r.identification = {literal(Identification.PRESUMPTIVE)}
                   AND (r.identified_on IS NULL OR r.identified_on <= %(ref)s::date)
                   AS presumptive
        FROM h JOIN {REMAINS} r ON r.handover_id = h.id
        WHERE NOT (r.disposition = {literal(Disposition.RETURNED_TO_SENDER)}
                   AND r.disposition_on <= %(ref)s::date)
    )
    SELECT {keys},
           count(*) AS received,
           count(*) FILTER (WHERE presumptive) AS presumptive,
           count(days) AS confirmed,
           count(days) FILTER (WHERE NOT released) AS awaiting_release,
           {within},
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days,
           {bands},
           count(days) FILTER (WHERE identified_on > %(ref)s::date - {TRAILING_DAYS})
               AS confirmed_trailing
    FROM r
    GROUP BY {keys}
    """


HANDOVER_PIPELINE = pipeline_query(by_handover=True)


def _sum_band(first: int, last: int | None) -> str:
    upper = "" if last is None else f" AND age <= {last}"
    return f"coalesce(sum(n) FILTER (WHERE days IS NULL AND age >= {first}{upper}), 0)"


def _sum_within(days: int) -> str:
    return (
        f"coalesce(sum(n) FILTER (WHERE age >= {days}), 0) AS eligible_{days}, "
        f"coalesce(sum(n) FILTER (WHERE age >= {days} AND days <= {days}), 0) AS within_{days}"
    )


def _age_bin() -> str:
    """The receipt age rounded down to the nearest threshold any figure compares it with: a
    receipt in a bin passes every such comparison as its bin's first day does, so the tallies
    in scope fold into a few rows per bin before the sums (their count, not the ledger's
    size, is what each filtered sum reads)."""
    cuts = {0} | set(WITHIN_DAYS)
    for _key, first, last in AGE_BANDS:
        cuts |= {first} | ({last, last + 1} if last is not None else set())
    steps = " ".join(f"WHEN age >= {cut} THEN {cut}" for cut in sorted(cuts, reverse=True))
    return f"CASE {steps} END"


def _tally_query() -> str:
    """The same figures for one ledger, summed from the tallies (``IdentificationTally``)
    instead of read from every remains: rows per receipt day and identification day, not per
    body. The tallies in scope are read once and folded (MATERIALIZED) by receipt-age bin
    (``_age_bin``), exact days to confirmation and the flags the figures filter on; the
    histogram and the sums both read that copy. The median comes from the histogram of days to
    confirmation (one row per distinct number of days), the middle one or two found by a
    running sum, as percentile_cont(0.5) finds them among the sorted values.
    Parameters: ``conflict``, ``party``, ``ref``.
    """
    bands = ",\n".join(f'{_sum_band(first, last)} AS "{key}"' for key, first, last in AGE_BANDS)
    within = ",\n".join(_sum_within(days) for days in WITHIN_DAYS)
    return f"""
    WITH scoped AS (
        SELECT %(ref)s::date - received_on AS age,
               CASE WHEN identification = {literal(Identification.CONFIRMED)}
                        AND identified_on <= %(ref)s::date
                    THEN greatest(identified_on - received_on, 0) END AS days,
               identification = {literal(Identification.CONFIRMED)}
                   AND identified_on > %(ref)s::date - {TRAILING_DAYS}
                   AND identified_on <= %(ref)s::date AS recent,
               identification = {literal(Identification.PRESUMPTIVE)}
                   AND (identified_on IS NULL OR identified_on <= %(ref)s::date) AS presumptive,
               coalesce(released_on <= %(ref)s::date, false) AS released,
               n
        FROM {TALLY}
        WHERE {in_scope("conflict_id", "party_id")} AND received_on <= %(ref)s::date
            AND (returned_on IS NULL OR returned_on > %(ref)s::date)
    ),
    t AS MATERIALIZED (
        SELECT {_age_bin()} AS age, days, recent, presumptive, released,
               sum(n)::int AS n
        FROM scoped GROUP BY 1, 2, 3, 4, 5
    ),
    hist AS (
        SELECT days, sum(n) AS n FROM t WHERE days IS NOT NULL GROUP BY days
    ),
    running AS (
        SELECT days, sum(n) OVER (ORDER BY days) AS upto, sum(n) OVER () AS total FROM hist
    ),
    median AS (
        -- The values at the 0-based positions floor((total-1)/2) and ceil((total-1)/2).
        SELECT (min(days) FILTER (WHERE upto > floor((total - 1) / 2.0))
                + min(days) FILTER (WHERE upto > ceil((total - 1) / 2.0))) / 2.0 AS days
        FROM running
    )
    SELECT coalesce(sum(n), 0) AS received,
           coalesce(sum(n) FILTER (WHERE presumptive), 0) AS presumptive,
           coalesce(sum(n) FILTER (WHERE days IS NOT NULL), 0) AS confirmed,
           coalesce(sum(n) FILTER (WHERE days IS NOT NULL AND NOT released), 0)
               AS awaiting_release,
           {within},
           (SELECT days FROM median) AS median_days,
           {bands},
           coalesce(sum(n) FILTER (WHERE recent), 0) AS confirmed_trailing
    FROM t
    """


# The remains-level query for one ledger: what the tallies must always agree with (tests).
LEDGER_PIPELINE_FROM_REMAINS = pipeline_query(by_handover=False)
# One ledger's figures as of R from the tallies received up to R, or (one ledger only) from the
# backward tallies less the rows with an event after R (``ledger.sql.pipeline_backward``).
LEDGER_PIPELINE_FORWARD = _tally_query()
LEDGER_PIPELINE_BACKWARD = backward_query(
    within_days=WITHIN_DAYS, age_bands=AGE_BANDS, trailing_days=TRAILING_DAYS, age_bin=_age_bin()
)
# The side read is chosen in the query (one-time filters: the other side is never run), so the
# figures stay one query whatever R is.
LEDGER_PIPELINE = f"""
    SELECT * FROM ({LEDGER_PIPELINE_FORWARD}) forward WHERE NOT ({BACKWARD})
    UNION ALL
    SELECT * FROM ({LEDGER_PIPELINE_BACKWARD}) backward WHERE {BACKWARD}
"""
