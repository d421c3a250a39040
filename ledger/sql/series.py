"""Every dated series of a ledger (DESIGN §4 ``series``), and each authority's latest figures.

One query each, grouped by (conflict, party): the series' points come back as JSON, their
dates as ISO strings.
"""

from ledger.sql.common import SOURCE
from ledger.sql.figure_points import POINT, in_view
from ledger.sql.figures import latest_per_source
from ledger.sql.handovers import PER_DAY

# Per source, category and date the latest-issued figure (the points flagged ``day_latest``):
# the party's own authorities' ("official") and other parties' ("claim").
PER_DATE = f"""
        SELECT p.conflict_id, p.party_id, p.self_reported, p.source_id, p.category, p.as_of,
               p.value
        FROM {POINT} p
        WHERE p.day_latest AND {in_view()}
"""

# Each series by date; then what verified handovers brought, cumulative.
SERIES = f"""
    WITH per_date AS ({PER_DATE}),
    -- Remains received, from the handover day sums: logged, less those sent back by the day.
    received_by_date AS (
        SELECT conflict_id, party_id, date, sum(n) AS n FROM ({PER_DAY}) d
        WHERE verified GROUP BY conflict_id, party_id, date
    )
    -- Grouped in the order of the points' index, which reads them sorted; named after.
    SELECT g.conflict_id, g.party_id,
           CASE WHEN g.self_reported THEN 'official' ELSE 'claim' END AS kind,
           g.category, g.source_id, s.name AS source, g.points
    FROM (
        SELECT conflict_id, party_id, self_reported, source_id, category,
               json_agg(json_build_object('date', as_of, 'value', value) ORDER BY as_of)
                   AS points
        FROM per_date
        GROUP BY conflict_id, party_id, self_reported, source_id, category
    ) g
    JOIN {SOURCE} s ON s.id = g.source_id
    UNION ALL
    SELECT conflict_id, party_id, 'received', NULL, NULL, NULL,
           json_agg(json_build_object('date', date, 'value', total) ORDER BY date)
    FROM (
        SELECT conflict_id, party_id, date,
               (sum(n) OVER (PARTITION BY conflict_id, party_id ORDER BY date))::bigint AS total
        FROM received_by_date
    ) cumulative
    GROUP BY conflict_id, party_id
    ORDER BY kind DESC, category NULLS LAST, source NULLS FIRST
"""

# Each of the party's own authorities, with its latest figure in every category it states.
SOURCES = latest_per_source(self_reported=True)
