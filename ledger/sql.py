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

# Remains handovers in scope (to the party, dated on or before as_of).
HANDOVERS_IN_SCOPE = f"""
    SELECT id, conflict_id, to_party_id AS party_id, state, reported_count, date, agreement_id
    FROM repatriation_handover
    WHERE kind = 'remains' AND {in_scope("conflict_id", "to_party_id")} AND {dated("date")}
"""

# A confirmation or presumption counts only from its date: as of an earlier day the remains
# were still unidentified. (Confirmed remains always have identified_on: a constraint.)
IDENTIFIED_BY_THEN = dated("r.identified_on")
CONFIRMED = f"(r.identification = 'confirmed' AND {IDENTIFIED_BY_THEN})"
PRESUMPTIVE = (
    f"(r.identification = 'presumptive' AND (r.identified_on IS NULL OR {IDENTIFIED_BY_THEN}))"
)


def _official_series(category: str) -> str:
    """Per ledger and date, the self-reported figure of ``category`` (the latest issued)."""
    return f"""
        SELECT DISTINCT ON (conflict_id, party_id, as_of) conflict_id, party_id, as_of AS date,
               value, statement, source
        FROM ({FIGURES}) fig
        WHERE self_reported AND category = '{category}'
        ORDER BY conflict_id, party_id, as_of, issued_on DESC, statement DESC
    """


# One pass over the remains, counted per handover; everything about handovers derives from it:
# the returned counts, the count mismatches, the comparison with the latest official "remains
# returned", and the timeline (one point per date on which any series moved, each series
# carried forward from its last value: the count() window numbers each run of dates since a
# value was last stated). Dates inside the JSON columns come back as ISO strings.
HANDOVERS = f"""
    WITH h AS ({HANDOVERS_IN_SCOPE}),
    per_handover AS (
        SELECT h.id, h.conflict_id, h.party_id, h.state, h.date, h.reported_count,
               count(r.id) AS n,
               count(r.id) FILTER (WHERE {CONFIRMED}) AS confirmed,
               count(r.id) FILTER (WHERE {PRESUMPTIVE}) AS presumptive,
               count(r.id) FILTER (WHERE r.condition = 'complete' AND NOT {CONFIRMED})
                   AS unconfirmed_complete
        FROM h LEFT JOIN repatriation_remains r ON r.handover_id = h.id
        GROUP BY h.id, h.conflict_id, h.party_id, h.state, h.date, h.reported_count
    ),
    counts AS (
        SELECT conflict_id, party_id,
               count(*) FILTER (WHERE state = 'verified') AS handovers,
               sum(reported_count) FILTER (WHERE state = 'verified') AS reported,
               count(*) FILTER (WHERE state = 'draft') AS pending_handovers,
               sum(n) FILTER (WHERE state = 'verified') AS received,
               sum(presumptive) FILTER (WHERE state = 'verified') AS presumptive,
               sum(n - confirmed - presumptive) FILTER (WHERE state = 'verified') AS unidentified,
               sum(unconfirmed_complete) FILTER (WHERE state = 'verified')
                   AS unconfirmed_complete,
               sum(n) FILTER (WHERE state = 'draft') AS pending,
               json_agg(json_build_object(
                   'handover', id, 'date', date, 'reported', reported_count, 'received', n
               ) ORDER BY date, id) FILTER (WHERE state = 'verified' AND n <> reported_count)
                   AS count_mismatches
        FROM per_handover GROUP BY conflict_id, party_id
    ),
    total AS ({_official_series(FigureCategory.KILLED_OR_MISSING)}),
    returned AS ({_official_series(FigureCategory.REMAINS_RETURNED)}),
    received AS (
        SELECT conflict_id, party_id, date, sum(n) AS n
        FROM per_handover WHERE state = 'verified'
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
            AND p.state = 'verified' AND p.date <= l.date
        GROUP BY l.conflict_id, l.party_id
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
           coalesce(c.presumptive, 0)::bigint AS presumptive,
           coalesce(c.unidentified, 0)::bigint AS unidentified,
           coalesce(c.unconfirmed_complete, 0)::bigint AS unconfirmed_complete,
           coalesce(c.pending, 0)::bigint AS pending,
           coalesce(c.count_mismatches, '[]') AS count_mismatches,
           l.value AS official_returned, l.date AS official_returned_as_of,
           l.statement AS official_returned_statement, l.source AS official_returned_source,
           rl.n::bigint AS received_by_official_returned,
           coalesce(t.timeline, '[]') AS timeline
    FROM ledgers k
    LEFT JOIN timeline t USING (conflict_id, party_id)
    LEFT JOIN counts c USING (conflict_id, party_id)
    LEFT JOIN latest_returned l USING (conflict_id, party_id)
    LEFT JOIN received_by_latest_returned rl USING (conflict_id, party_id)
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

PERSON_STATUS = {False: PERSON_STATUS_NOW, True: PERSON_STATUS_AS_OF}

REGISTRY = """
    SELECT conflict_id, party_id, status, count(*) AS n
    FROM ({person_status}) ps
    GROUP BY conflict_id, party_id, status
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

# A confirmed person's status: the current one (joined by hash), or the newest change on or
# before as_of, looked up per person through the (person, effective_date, recorded_at) index
# rather than by ranking every change in the registry.
STATUS_NOW = "JOIN casualties_person s ON s.id = c.person"
STATUS_AS_OF = f"""CROSS JOIN LATERAL (
    SELECT sc.status FROM casualties_statuschange sc
    WHERE sc.person_id = c.person AND {dated("sc.effective_date")}
    ORDER BY sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
    LIMIT 1
) s"""
STATUS_OF_CONFIRMED = {False: STATUS_NOW, True: STATUS_AS_OF}

# One pass over the confirmed remains only: how many people they identify, who among them is
# recorded as alive, and who has two whole bodies.
_CONFIRMED_REMAINS = """
    WITH c AS MATERIALIZED (
        SELECT h.conflict_id, h.party_id, h.id AS handover, r.id AS remains, r.case_number,
               r.person_id AS person, r.condition
        FROM ({handovers}) h
        JOIN repatriation_remains r ON r.handover_id = h.id
        WHERE h.state = 'verified' AND {confirmed}
    ),
    alive AS (
        SELECT c.*, s.status FROM c {status}
        WHERE s.status IN ('captured', 'released', 'found_alive')
    ),
    twice AS (
        SELECT person FROM c WHERE condition = 'complete'
        GROUP BY person HAVING count(*) > 1
    ),
    duplicates AS (
        SELECT conflict_id, party_id, person, count(*) AS complete_remains,
               array_agg(case_number ORDER BY case_number) AS case_numbers
        FROM c WHERE condition = 'complete' AND person IN (SELECT person FROM twice)
        GROUP BY conflict_id, party_id, person
    )
    SELECT k.conflict_id, k.party_id, k.identified,
           coalesce((SELECT json_agg(alive ORDER BY person, remains) FROM alive
                     WHERE (alive.conflict_id, alive.party_id) = (k.conflict_id, k.party_id)),
                    '[]') AS alive,
           coalesce((SELECT json_agg(duplicates ORDER BY person) FROM duplicates
                     WHERE (duplicates.conflict_id, duplicates.party_id)
                         = (k.conflict_id, k.party_id)),
                    '[]') AS duplicates
    FROM (SELECT conflict_id, party_id, count(DISTINCT person) AS identified
          FROM c GROUP BY conflict_id, party_id) k
"""


def confirmed_remains(*, as_of_given: bool) -> str:
    return _CONFIRMED_REMAINS.format(
        handovers=HANDOVERS_IN_SCOPE,
        confirmed=CONFIRMED,
        status=STATUS_OF_CONFIRMED[as_of_given],
    )


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
