"""The ledger's SQL. Every query aggregates in PostgreSQL and groups by (conflict, party), so
one ledger and the summary of all ledgers run the same fixed number of queries at any size.

Parameters: ``%(conflict)s``/``%(party)s`` narrow to one ledger (NULL: all), ``%(as_of)s``
keeps only evidence dated on or before that day (NULL: everything). With client-side binding
the NULL tests fold to constants, so the planner still uses the indexes.
"""

from casualties.choices import FigureCategory


def in_scope(conflict_col: str, party_col: str) -> str:
    return (
        f"(%(conflict)s::bigint IS NULL OR {conflict_col} = %(conflict)s::bigint) "
        f"AND (%(party)s::bigint IS NULL OR {party_col} = %(party)s::bigint)"
    )


def dated(col: str) -> str:
    return f"(%(as_of)s::date IS NULL OR {col} <= %(as_of)s::date)"


# Figures with their statement and source, in scope and dated. ``self_reported``: the source
# speaks for the party the figure is about.
FIGURES = f"""
    SELECT st.conflict_id, f.subject_party_id AS party_id, f.category, f.value, f.civilians,
           f.qualifier, st.as_of, st.issued_on, st.id AS statement, s.id AS source_id,
           s.name AS source, st.citation_title, st.citation_url,
           (s.party_id IS NOT DISTINCT FROM f.subject_party_id) AS self_reported
    FROM casualties_figure f
    JOIN casualties_statement st ON st.id = f.statement_id
    JOIN casualties_source s ON s.id = st.source_id
    WHERE {in_scope("st.conflict_id", "f.subject_party_id")} AND {dated("st.as_of")}
"""

LATEST_ORDER = "as_of DESC, issued_on DESC, statement DESC"

OFFICIAL = f"""
    SELECT DISTINCT ON (conflict_id, party_id, category) *
    FROM ({FIGURES}) fig
    WHERE self_reported
    ORDER BY conflict_id, party_id, category, {LATEST_ORDER}
"""

OTHER_CLAIMS = f"""
    SELECT DISTINCT ON (conflict_id, party_id, source_id, category) *
    FROM ({FIGURES}) fig
    WHERE NOT self_reported
    ORDER BY conflict_id, party_id, source_id, category, {LATEST_ORDER}
"""

# Remains handovers in scope, and each body in them with its identification as it stood on
# the day asked about: a confirmation dated later does not count yet.
REMAINS = f"""
    WITH h AS (
        SELECT id, conflict_id, to_party_id AS party_id, state, reported_count, date, agreement_id
        FROM repatriation_handover
        WHERE kind = 'remains' AND {in_scope("conflict_id", "to_party_id")} AND {dated("date")}
    ), r AS (
        SELECT h.id AS handover_id, h.conflict_id, h.party_id, h.state, h.date, h.agreement_id,
               r.id, r.case_number, r.person_id, r.condition,
               CASE
                   WHEN r.identification = 'confirmed' AND {dated("r.identified_on")}
                       THEN 'confirmed'
                   WHEN r.identification = 'presumptive'
                        AND (r.identified_on IS NULL OR {dated("r.identified_on")})
                       THEN 'presumptive'
                   ELSE 'unidentified'
               END AS ident
        FROM repatriation_remains r JOIN h ON h.id = r.handover_id
    )
"""

RETURNED = f"""
    {REMAINS}
    , hv AS (
        SELECT conflict_id, party_id,
               count(*) FILTER (WHERE state = 'verified') AS handovers,
               coalesce(sum(reported_count) FILTER (WHERE state = 'verified'), 0) AS reported,
               count(*) FILTER (WHERE state = 'draft') AS pending_handovers
        FROM h GROUP BY conflict_id, party_id
    ), rv AS (
        SELECT conflict_id, party_id,
               count(*) FILTER (WHERE state = 'verified') AS received,
               count(DISTINCT person_id)
                   FILTER (WHERE state = 'verified' AND ident = 'confirmed') AS identified,
               count(*) FILTER (WHERE state = 'verified' AND ident = 'presumptive') AS presumptive,
               count(*)
                   FILTER (WHERE state = 'verified' AND ident = 'unidentified') AS unidentified,
               count(*) FILTER (
                   WHERE state = 'verified' AND ident <> 'confirmed' AND condition = 'complete'
               ) AS unconfirmed_complete,
               count(*) FILTER (WHERE state = 'draft') AS pending
        FROM r GROUP BY conflict_id, party_id
    )
    SELECT hv.conflict_id, hv.party_id, hv.handovers, hv.reported, hv.pending_handovers,
           coalesce(rv.received, 0) AS received, coalesce(rv.identified, 0) AS identified,
           coalesce(rv.presumptive, 0) AS presumptive,
           coalesce(rv.unidentified, 0) AS unidentified,
           coalesce(rv.unconfirmed_complete, 0) AS unconfirmed_complete,
           coalesce(rv.pending, 0) AS pending
    FROM hv LEFT JOIN rv USING (conflict_id, party_id)
"""

# Each person's status: the current one, or the last change dated on or before as_of.
PERSON_STATUS_NOW = f"""
    SELECT id AS person_id, conflict_id, party_id, status
    FROM casualties_person p
    WHERE {in_scope("p.conflict_id", "p.party_id")}
"""
PERSON_STATUS_AS_OF = f"""
    SELECT DISTINCT ON (sc.person_id) sc.person_id, p.conflict_id, p.party_id, sc.status
    FROM casualties_statuschange sc JOIN casualties_person p ON p.id = sc.person_id
    WHERE {in_scope("p.conflict_id", "p.party_id")} AND {dated("sc.effective_date")}
    ORDER BY sc.person_id, sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
"""

REGISTRY = """
    SELECT conflict_id, party_id, status, count(*) AS n
    FROM ({person_status}) ps
    GROUP BY conflict_id, party_id, status
"""

HANDOVER_COUNT_MISMATCH = f"""
    {REMAINS}
    SELECT h.conflict_id, h.party_id, h.id AS handover, h.date, h.reported_count AS reported,
           count(r.id) AS received
    FROM h LEFT JOIN r ON r.handover_id = h.id
    WHERE h.state = 'verified'
    GROUP BY h.conflict_id, h.party_id, h.id, h.date, h.reported_count
    HAVING count(r.id) <> h.reported_count
    ORDER BY h.date, h.id
"""

# The latest official "remains returned" against what verified handovers had brought by then.
OFFICIAL_RETURNED_MISMATCH = f"""
    WITH latest AS ({OFFICIAL})
    SELECT latest.conflict_id, latest.party_id, latest.value AS official, latest.as_of,
           latest.statement, latest.source, latest.qualifier,
           (SELECT count(*) FROM repatriation_remains r
            JOIN repatriation_handover h ON h.id = r.handover_id
            WHERE h.kind = 'remains' AND h.state = 'verified'
              AND h.conflict_id = latest.conflict_id AND h.to_party_id = latest.party_id
              AND h.date <= latest.as_of) AS received
    FROM latest
    WHERE latest.category = '{FigureCategory.REMAINS_RETURNED}'
"""

CUMULATIVE_CATEGORIES = (
    FigureCategory.KILLED,
    FigureCategory.KILLED_OR_MISSING,
    FigureCategory.INJURED,
    FigureCategory.RELEASED,
    FigureCategory.REMAINS_RETURNED,
    FigureCategory.REMAINS_IDENTIFIED,
)

FIGURE_DECREASED = f"""
    SELECT * FROM (
        SELECT fig.*,
               lag(value) OVER w AS previous_value,
               lag(statement) OVER w AS previous_statement,
               lag(as_of) OVER w AS previous_as_of
        FROM ({FIGURES}) fig
        WHERE category IN ({", ".join(f"'{c}'" for c in CUMULATIVE_CATEGORIES)})
        WINDOW w AS (
            PARTITION BY conflict_id, party_id, source_id, category
            ORDER BY as_of, issued_on, statement
        )
    ) series
    WHERE value < previous_value
    ORDER BY as_of, statement
"""

IDENTIFIED_ALIVE = """
    {remains}
    SELECT r.conflict_id, r.party_id, r.person_id AS person, ps.status,
           r.id AS remains, r.case_number, r.handover_id AS handover
    FROM r JOIN ({person_status}) ps ON ps.person_id = r.person_id
    WHERE r.state = 'verified' AND r.ident = 'confirmed'
      AND ps.status IN ('captured', 'released', 'found_alive')
    ORDER BY r.person_id, r.id
"""

DUPLICATE_COMPLETE = f"""
    {REMAINS}
    SELECT conflict_id, party_id, person_id AS person, count(*) AS complete_remains,
           array_agg(case_number ORDER BY case_number) AS case_numbers
    FROM r
    WHERE state = 'verified' AND ident = 'confirmed' AND condition = 'complete'
    GROUP BY conflict_id, party_id, person_id
    HAVING count(*) > 1
    ORDER BY person_id
"""

AGREEMENTS = f"""
    SELECT a.id AS agreement, a.name, a.kind, a.concluded_on, a.conflict_id, side.party_id,
           side.agreed,
           CASE a.kind
               WHEN 'remains' THEN (
                   SELECT count(*) FROM repatriation_remains r
                   JOIN repatriation_handover h ON h.id = r.handover_id
                   WHERE h.agreement_id = a.id AND h.to_party_id = side.party_id
                     AND h.state = 'verified' AND {dated("h.date")})
               ELSE (
                   SELECT count(*) FROM repatriation_releasedperson rp
                   JOIN repatriation_handover h ON h.id = rp.handover_id
                   WHERE h.agreement_id = a.id AND h.to_party_id = side.party_id
                     AND h.state = 'verified' AND {dated("h.date")})
           END AS received
    FROM repatriation_agreement a
    CROSS JOIN LATERAL (VALUES (a.party_a_id, a.count_to_a), (a.party_b_id, a.count_to_b))
        AS side (party_id, agreed)
    WHERE {in_scope("a.conflict_id", "side.party_id")} AND {dated("a.concluded_on")}
    ORDER BY a.concluded_on, a.id
"""


def _official_series(category: str) -> str:
    return f"""
        SELECT DISTINCT ON (as_of) as_of AS date, value
        FROM ({FIGURES}) fig
        WHERE self_reported AND category = '{category}'
        ORDER BY as_of, issued_on DESC, statement DESC
    """


# One point per date on which any series moved; each series carried forward from its last
# value (the count() window numbers each run of dates since a value was last stated).
TIMELINE = f"""
    {REMAINS}
    , total AS ({_official_series(FigureCategory.KILLED_OR_MISSING)})
    , returned AS ({_official_series(FigureCategory.REMAINS_RETURNED)})
    , received AS (
        SELECT date, count(*) AS n FROM r WHERE state = 'verified' GROUP BY date
    ), dates AS (
        SELECT date FROM total UNION SELECT date FROM returned UNION SELECT date FROM received
    ), joined AS (
        SELECT d.date, total.value AS total, returned.value AS returned,
               coalesce(received.n, 0) AS n,
               count(total.value) OVER (ORDER BY d.date) AS total_run,
               count(returned.value) OVER (ORDER BY d.date) AS returned_run
        FROM dates d
        LEFT JOIN total ON total.date = d.date
        LEFT JOIN returned ON returned.date = d.date
        LEFT JOIN received ON received.date = d.date
    )
    SELECT date,
           max(total) OVER (PARTITION BY total_run) AS official_total,
           max(returned) OVER (PARTITION BY returned_run) AS official_returned,
           (sum(n) OVER (ORDER BY date))::bigint AS received
    FROM joined
    ORDER BY date
"""

# Every (conflict, party) that has a ledger: figures about it, handovers to it, or persons.
PAIRS = f"""
    SELECT pairs.conflict_id, pairs.party_id, c.slug AS conflict, c.name AS conflict_name,
           p.code AS party, p.name AS party_name
    FROM (
        SELECT conflict_id, party_id FROM ({FIGURES}) fig
        UNION SELECT conflict_id, to_party_id FROM repatriation_handover
            WHERE kind = 'remains' AND {in_scope("conflict_id", "to_party_id")}
        UNION SELECT conflict_id, party_id FROM casualties_person
            WHERE {in_scope("conflict_id", "party_id")}
    ) pairs
    JOIN casualties_conflict c ON c.id = pairs.conflict_id
    JOIN casualties_party p ON p.id = pairs.party_id
    ORDER BY c.start_date DESC, c.slug, p.code
"""
