"""The ledger's handovers query as it was before the day sums (issue 19): every handover in
scope with its remains counted. Kept here only, fed from the remains, as the reference the
tables' triggers and the day-sum query are checked against."""

from casualties.choices import FigureCategory
from ledger.computation import timeline_points
from ledger.sql.common import CLAIM, PARTY, REVISION, dated
from ledger.sql.figures import official_series
from ledger.sql.handovers import HANDOVERS_IN_SCOPE, RECOVERY_KIND, VERIFIED
from repatriation.choices import RevisionKind

CORRECTION = f"'{RevisionKind.CORRECTION}'"


def with_points(row: dict) -> dict:
    """A row of today's query with its timeline's series made into points as the ledger
    makes them, dates as ISO strings: the reference's JSON timeline."""
    points = [{**point, "date": point["date"].isoformat()} for point in timeline_points(row)]
    return {**row, "timeline": points}


def reference_handovers_query(per_handover: str, identified: str) -> str:
    """Everything about handovers, from per-handover counts (the columns of
    ``test_returned_tallies.PER_HANDOVER_FROM_REMAINS``) and per-ledger identification counts
    (``IDENTIFIED``'s): the returned counts, the count mismatches, the comparison with the
    latest official "remains returned", and the timeline (one point per date on which any
    series moved, each series carried forward from its last value: the count() window numbers
    each run of dates since a value was last stated). Dates inside the JSON columns come back
    as ISO strings."""
    return f"""
    WITH h AS ({HANDOVERS_IN_SCOPE}),
    per_handover AS ({per_handover}),
    identified AS ({identified}),
    verified AS (
        SELECT conflict_id, party_id,
               count(*) FILTER (WHERE state = {VERIFIED}) AS handovers,
               sum(reported_count) FILTER (WHERE state = {VERIFIED}) AS reported,
               count(*) FILTER (WHERE state <> {VERIFIED}) AS pending_handovers,
               sum(n) FILTER (WHERE state = {VERIFIED}) AS received,
               sum(n) FILTER (WHERE state = {VERIFIED} AND kind = {RECOVERY_KIND}) AS recovered,
               sum(complete) FILTER (WHERE state = {VERIFIED}) AS complete,
               sum(returned_to_sender) FILTER (WHERE state = {VERIFIED}) AS returned_to_sender,
               sum(logged) FILTER (WHERE state <> {VERIFIED}) AS pending,
               json_agg(json_build_object(
                   'handover', id, 'date', date, 'reported', reported_count, 'received', logged
               ) ORDER BY date, id) FILTER (WHERE state = {VERIFIED} AND logged <> reported_count)
                   AS count_mismatches
        FROM per_handover GROUP BY conflict_id, party_id
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
        FROM per_handover WHERE state = {VERIFIED}
        GROUP BY conflict_id, party_id, date
    ),
    dates AS (
        SELECT conflict_id, party_id, date FROM total
        UNION SELECT conflict_id, party_id, date FROM returned
        UNION SELECT conflict_id, party_id, date FROM received
    ),
    runs AS (
        SELECT d.conflict_id, d.party_id, d.date, total.value AS total,
               returned.value AS returned, coalesce(received.n, 0) AS n,
               count(total.value) OVER by_date AS total_run,
               count(returned.value) OVER by_date AS returned_run
        FROM dates d
        LEFT JOIN total USING (conflict_id, party_id, date)
        LEFT JOIN returned USING (conflict_id, party_id, date)
        LEFT JOIN received USING (conflict_id, party_id, date)
        WINDOW by_date AS (PARTITION BY d.conflict_id, d.party_id ORDER BY d.date)
    ),
    points AS (
        SELECT conflict_id, party_id, date,
               max(total) OVER (PARTITION BY conflict_id, party_id, total_run) AS official_total,
               max(returned) OVER (PARTITION BY conflict_id, party_id, returned_run)
                   AS official_returned,
               sum(n) OVER (PARTITION BY conflict_id, party_id ORDER BY date) AS received
        FROM runs
    ),
    timeline AS (
        SELECT conflict_id, party_id,
               json_agg(json_build_object(
                   'date', date, 'official_total', official_total,
                   'official_returned', official_returned, 'received', received::bigint
               ) ORDER BY date) AS timeline
        FROM points GROUP BY conflict_id, party_id
    ),
    latest_returned AS (
        SELECT DISTINCT ON (conflict_id, party_id) *
        FROM returned ORDER BY conflict_id, party_id, date DESC
    ),
    received_by_latest_returned AS (
        SELECT l.conflict_id, l.party_id, coalesce(sum(p.n), 0) AS n
        FROM latest_returned l
        LEFT JOIN per_handover p
            ON (p.conflict_id, p.party_id) = (l.conflict_id, l.party_id)
            AND p.state = {VERIFIED} AND p.date <= l.date
        GROUP BY l.conflict_id, l.party_id
    ),
    corrections AS (
        SELECT h.conflict_id, h.party_id,
               json_agg(json_build_object(
                   'handover', h.id, 'date', h.date, 'corrected_at', c.revised_at,
                   'reason', c.reason
               ) ORDER BY c.revised_at, c.id) AS corrections
        FROM h JOIN {REVISION} c ON c.handover_id = h.id
        WHERE h.state = {VERIFIED} AND c.kind = {CORRECTION}
            AND {dated("(c.revised_at AT TIME ZONE 'UTC')::date")}
        GROUP BY h.conflict_id, h.party_id
    ),
    -- Verified handovers whose parties announced different counts (DESIGN §4), each with
    -- every claim made by as_of.
    claims AS (
        SELECT h.conflict_id, h.party_id,
               json_agg(json_build_object(
                   'handover', h.id, 'date', h.date, 'claims', c.claims
               ) ORDER BY h.date, h.id) AS claims_disagree
        FROM h JOIN (
            SELECT cl.handover_id,
                   json_agg(json_build_object(
                       'party', p.code, 'count', cl.count, 'stated_on', cl.stated_on,
                       'citation', cl.citation
                   ) ORDER BY p.code) AS claims
            FROM {CLAIM} cl JOIN {PARTY} p ON p.id = cl.party_id
            WHERE cl.handover_id IN (SELECT id FROM h) AND {dated("cl.stated_on")}
            GROUP BY cl.handover_id
            HAVING min(cl.count) <> max(cl.count)
        ) c ON c.handover_id = h.id
        WHERE h.state = {VERIFIED}
        GROUP BY h.conflict_id, h.party_id
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
           coalesce(c.count_mismatches, '[]') AS count_mismatches,
           l.value AS official_returned, l.date AS official_returned_as_of,
           l.statement AS official_returned_statement, l.source AS official_returned_source,
           rl.n::bigint AS received_by_official_returned,
           coalesce(t.timeline, '[]') AS timeline,
           coalesce(x.corrections, '[]') AS corrections,
           coalesce(cd.claims_disagree, '[]') AS claims_disagree
    FROM ledgers k
    LEFT JOIN timeline t USING (conflict_id, party_id)
    LEFT JOIN counts c USING (conflict_id, party_id)
    LEFT JOIN latest_returned l USING (conflict_id, party_id)
    LEFT JOIN received_by_latest_returned rl USING (conflict_id, party_id)
    LEFT JOIN corrections x USING (conflict_id, party_id)
    LEFT JOIN claims cd USING (conflict_id, party_id)
"""
