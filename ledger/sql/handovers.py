"""Remains handovers: what was received, how it compares with what was reported and with
the official figures, and the timeline of all three."""

from casualties.choices import FigureCategory
from ledger.sql.common import (
    CLAIM,
    HANDOVER,
    PARTY,
    REVISION,
    dated,
    in_scope,
    literal,
)
from ledger.sql.figures import official_series
from ledger.sql.handover_days import DAYS, MISMATCHES
from ledger.sql.returned_tallies import RETURN_TALLY, RETURNED_TALLY
from repatriation.choices import (
    Disposition,
    HandoverKind,
    HandoverState,
    Identification,
    RemainsCondition,
    RevisionKind,
)

REMAINS_KIND = literal(HandoverKind.REMAINS)
RECOVERY_KIND = literal(HandoverKind.RECOVERY)
VERIFIED = literal(HandoverState.VERIFIED)
CORRECTION = literal(RevisionKind.CORRECTION)
COMPLETE = literal(RemainsCondition.COMPLETE)

# Remains handovers in scope (to the party, dated on or before as_of): those handed over and
# those the party's own side recovered, which count as returned too (DESIGN §3).
HANDOVERS_IN_SCOPE = f"""
    SELECT id, conflict_id, to_party_id AS party_id, state, reported_count, date, agreement_id,
           kind
    FROM {HANDOVER}
    WHERE kind IN ({REMAINS_KIND}, {RECOVERY_KIND})
        AND {in_scope("conflict_id", "to_party_id")} AND {dated("date")}
"""

# The verified ones of them (as ``h``), for the few handovers read by id: corrected or claimed.
VERIFIED_IN_SCOPE = (
    f"h.state = {VERIFIED} AND h.kind IN ({REMAINS_KIND}, {RECOVERY_KIND}) "
    f"AND {in_scope('h.conflict_id', 'h.to_party_id')} AND {dated('h.date')}"
)

# A confirmation or presumption counts only from its date: as of an earlier day the remains
# were still unidentified. (Confirmed remains always have identified_on: a constraint.)
IDENTIFIED_BY_THEN = dated("r.identified_on")
_CONFIRMED = literal(Identification.CONFIRMED)
_PRESUMPTIVE = literal(Identification.PRESUMPTIVE)
CONFIRMED = f"(r.identification = {_CONFIRMED} AND {IDENTIFIED_BY_THEN})"
PRESUMPTIVE = (
    f"(r.identification = {_PRESUMPTIVE} AND (r.identified_on IS NULL OR {IDENTIFIED_BY_THEN}))"
)
# Remains found to be the other side's and handed back leave the party's counts from the day
# they went back (DESIGN §4); they were logged, so the logged count still compares with the
# announced one.
RETURNED_TO_SENDER = (
    f"(r.disposition = {literal(Disposition.RETURNED_TO_SENDER)} AND {dated('r.disposition_on')})"
)


# Per ledger, date, kind and verified or not: the handovers in scope, their announced counts and
# their remains, summed from the day rows (ledger.models.HandoverDay), never every handover:
# ``logged`` all the remains, ``n`` those not yet returned to the sender as of the day,
# ``complete`` the complete ones of those. What went back to the sender is taken from its few
# handovers (HandoverReturnTally, usually none).
PER_DAY = f"""
    WITH back AS (
        SELECT h.conflict_id, h.to_party_id AS party_id, h.date, h.kind,
               h.state = {VERIFIED} AS verified, sum(b.n) AS n, sum(b.complete) AS complete
        FROM {RETURN_TALLY} b JOIN {HANDOVER} h ON h.id = b.handover_id
        WHERE {dated("b.returned_on")} AND h.kind IN ({REMAINS_KIND}, {RECOVERY_KIND})
            AND {in_scope("h.conflict_id", "h.to_party_id")} AND {dated("h.date")}
        GROUP BY 1, 2, 3, 4, 5
    )
    SELECT d.conflict_id, d.party_id, d.day AS date, d.kind, d.verified, d.handovers,
           d.reported, d.logged, d.logged - coalesce(back.n, 0) AS n,
           coalesce(back.n, 0) AS returned_to_sender,
           d.complete - coalesce(back.complete, 0) AS complete
    FROM {DAYS} d LEFT JOIN back
        ON (back.conflict_id, back.party_id, back.date, back.kind, back.verified)
            = (d.conflict_id, d.party_id, d.day, d.kind, d.verified)
    WHERE {in_scope("d.conflict_id", "d.party_id")} AND {dated("d.day")}
"""
# Per ledger, how many remains of its verified handovers count as confirmed (of them complete)
# and presumptive as of the day, and how many persons they identify: each a sum of day tallies.
IDENTIFIED = f"""
    SELECT conflict_id, party_id,
           coalesce(sum(n) FILTER (WHERE measure = 'confirmed'), 0) AS confirmed,
           coalesce(sum(n) FILTER (WHERE measure = 'complete_confirmed'), 0) AS complete_confirmed,
           coalesce(sum(n) FILTER (WHERE measure = 'presumptive'), 0) AS presumptive,
           coalesce(sum(n) FILTER (WHERE measure = 'identified'), 0) AS identified
    FROM {RETURNED_TALLY}
    WHERE {in_scope("conflict_id", "party_id")} AND {dated("day")}
    GROUP BY conflict_id, party_id
"""


def handovers_query(per_day: str, identified: str) -> str:
    """Everything about handovers, from day sums (``PER_DAY``'s columns) and per-ledger
    identification counts (``IDENTIFIED``'s): the returned counts, the count mismatches, the
    comparison with the latest official "remains returned", and the timeline's three series
    (``timeline``: {"total" | "returned" | "received": [[date, value], ...]}, the received
    ones per date, not yet cumulative; ``ledger.computation.timeline_points`` makes the
    points). Dates inside the JSON columns come back as ISO strings. The tests pass the same
    sums taken from the remains, to check the tables against them."""
    return f"""
    WITH per_day AS ({per_day}),
    identified AS ({identified}),
    verified AS (
        SELECT conflict_id, party_id,
               sum(handovers) FILTER (WHERE verified) AS handovers,
               sum(reported) FILTER (WHERE verified) AS reported,
               sum(handovers) FILTER (WHERE NOT verified) AS pending_handovers,
               sum(n) FILTER (WHERE verified) AS received,
               sum(n) FILTER (WHERE verified AND kind = {RECOVERY_KIND}) AS recovered,
               sum(complete) FILTER (WHERE verified) AS complete,
               sum(returned_to_sender) FILTER (WHERE verified) AS returned_to_sender,
               sum(logged) FILTER (WHERE NOT verified) AS pending
        FROM per_day GROUP BY conflict_id, party_id
    ),
    mismatches AS (
        SELECT conflict_id, party_id,
               json_agg(json_build_object(
                   'handover', handover_id, 'date', date, 'reported', reported, 'received', logged
               ) ORDER BY date, handover_id) AS count_mismatches
        FROM {MISMATCHES}
        WHERE {in_scope("conflict_id", "party_id")} AND {dated("date")}
        GROUP BY conflict_id, party_id
    ),
    -- Returned-to-sender remains are unidentified (a constraint), so none is among the
    -- confirmed or presumptive ones.
    counts AS (
        SELECT v.*, coalesce(i.presumptive, 0) AS presumptive,
               v.received - coalesce(i.confirmed, 0) - coalesce(i.presumptive, 0) AS unidentified,
               v.complete - coalesce(i.complete_confirmed, 0) AS unconfirmed_complete,
               coalesce(i.identified, 0) AS identified
        FROM verified v LEFT JOIN identified i USING (conflict_id, party_id)
    ),
    combined AS ({official_series(FigureCategory.KILLED_OR_MISSING)}),
    killed AS ({official_series(FigureCategory.KILLED)}),
    missing AS ({official_series(FigureCategory.MISSING)}),
    -- The official total's series (DESIGN §4): "killed or missing" where the party states it,
    -- else "killed" where it never states "missing". A total summed from killed and missing is
    -- left to the per-category series (ledger.sql.series), which carry both.
    total AS (
        SELECT * FROM combined
        UNION ALL
        SELECT * FROM killed k WHERE NOT EXISTS (
            SELECT 1 FROM combined c WHERE (c.conflict_id, c.party_id) = (k.conflict_id, k.party_id)
        ) AND NOT EXISTS (
            SELECT 1 FROM missing m WHERE (m.conflict_id, m.party_id) = (k.conflict_id, k.party_id)
        )
    ),
    returned AS ({official_series(FigureCategory.REMAINS_RETURNED)}),
    received AS (
        SELECT conflict_id, party_id, date, sum(n) AS n
        FROM per_day WHERE verified
        GROUP BY conflict_id, party_id, date
    ),
    -- The timeline's three series, each [date, value] by date: ledger.computation merges them
    -- into one point per date (cheaper in Python than windows over every date in SQL).
    series AS (
        SELECT conflict_id, party_id,
               json_agg(json_build_array(date, value) ORDER BY date) AS points, 'total' AS kind
        FROM total GROUP BY conflict_id, party_id
        UNION ALL
        SELECT conflict_id, party_id,
               json_agg(json_build_array(date, value) ORDER BY date), 'returned'
        FROM returned GROUP BY conflict_id, party_id
        UNION ALL
        SELECT conflict_id, party_id,
               json_agg(json_build_array(date, n::bigint) ORDER BY date), 'received'
        FROM received GROUP BY conflict_id, party_id
    ),
    timeline AS (
        SELECT conflict_id, party_id,
               json_object_agg(kind, points) AS timeline
        FROM series GROUP BY conflict_id, party_id
    ),
    latest_returned AS (
        SELECT DISTINCT ON (conflict_id, party_id) *
        FROM returned ORDER BY conflict_id, party_id, date DESC
    ),
    received_by_latest_returned AS (
        SELECT l.conflict_id, l.party_id, coalesce(sum(r.n), 0) AS n
        FROM latest_returned l
        LEFT JOIN received r
            ON (r.conflict_id, r.party_id) = (l.conflict_id, l.party_id) AND r.date <= l.date
        GROUP BY l.conflict_id, l.party_id
    ),
    -- Corrections and disagreeing claims are few: each is read from its own table and joined
    -- to its handover, not looked for among every handover in scope.
    corrections AS (
        SELECT h.conflict_id, h.to_party_id AS party_id,
               json_agg(json_build_object(
                   'handover', h.id, 'date', h.date, 'corrected_at', c.revised_at,
                   'reason', c.reason
               ) ORDER BY c.revised_at, c.id) AS corrections
        FROM {REVISION} c JOIN {HANDOVER} h ON h.id = c.handover_id
        WHERE c.kind = {CORRECTION} AND {dated("(c.revised_at AT TIME ZONE 'UTC')::date")}
            AND {VERIFIED_IN_SCOPE}
        GROUP BY 1, 2
    ),
    -- Verified handovers whose parties announced different counts (DESIGN §4), each with
    -- every claim made by as_of.
    claims AS (
        SELECT conflict_id, party_id,
               json_agg(json_build_object(
                   'handover', id, 'date', date, 'claims', claims
               ) ORDER BY date, id) AS claims_disagree
        FROM (
            SELECT h.id, h.date, h.conflict_id, h.to_party_id AS party_id,
                   json_agg(json_build_object(
                       'party', p.code, 'count', cl.count, 'stated_on', cl.stated_on,
                       'citation', cl.citation
                   ) ORDER BY p.code) AS claims
            FROM {CLAIM} cl JOIN {HANDOVER} h ON h.id = cl.handover_id
            JOIN {PARTY} p ON p.id = cl.party_id
            WHERE {dated("cl.stated_on")} AND {VERIFIED_IN_SCOPE}
            GROUP BY h.id
            HAVING min(cl.count) <> max(cl.count)
        ) c
        GROUP BY conflict_id, party_id
    ),
    ledgers AS (
        SELECT conflict_id, party_id FROM counts
        UNION SELECT conflict_id, party_id FROM timeline
    )
    SELECT k.conflict_id, k.party_id,
           coalesce(c.handovers, 0) AS handovers,
           coalesce(c.reported, 0)::bigint AS reported,
           coalesce(c.pending_handovers, 0) AS pending_handovers,
           coalesce(c.received, 0)::bigint AS received,
           coalesce(c.recovered, 0)::bigint AS recovered,
           coalesce(c.presumptive, 0)::bigint AS presumptive,
           coalesce(c.unidentified, 0)::bigint AS unidentified,
           coalesce(c.unconfirmed_complete, 0)::bigint AS unconfirmed_complete,
           coalesce(c.pending, 0)::bigint AS pending,
           coalesce(c.returned_to_sender, 0)::bigint AS returned_to_sender,
           coalesce(c.identified, 0)::bigint AS identified,
           coalesce(m.count_mismatches, '[]') AS count_mismatches,
           l.value AS official_returned, l.date AS official_returned_as_of,
           l.statement AS official_returned_statement, l.source AS official_returned_source,
           rl.n::bigint AS received_by_official_returned,
           coalesce(t.timeline, '{{}}') AS timeline,
           coalesce(x.corrections, '[]') AS corrections,
           coalesce(cd.claims_disagree, '[]') AS claims_disagree
    FROM ledgers k
    LEFT JOIN timeline t USING (conflict_id, party_id)
    LEFT JOIN counts c USING (conflict_id, party_id)
    LEFT JOIN mismatches m USING (conflict_id, party_id)
    LEFT JOIN latest_returned l USING (conflict_id, party_id)
    LEFT JOIN received_by_latest_returned rl USING (conflict_id, party_id)
    LEFT JOIN corrections x USING (conflict_id, party_id)
    LEFT JOIN claims cd USING (conflict_id, party_id)
"""


HANDOVERS = handovers_query(PER_DAY, IDENTIFIED)
