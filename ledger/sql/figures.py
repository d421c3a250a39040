"""Figures as their sources stated them: the official ones, the other claims, the lowered."""

from casualties.choices import FigureCategory
from ledger.sql.common import FIGURE, SOURCE, STATEMENT, dated, in_scope, literal, literals


def _figures(*, every_revision: bool = False) -> str:
    """Figures with their statement and source, in scope and dated. ``self_reported``: the
    source speaks for the party the figure is about. ``%(source)s`` (a source's name, or NULL)
    keeps only that authority's self-reported figures; other parties' claims stay. A figure
    restated in its statement with another value is a revision: only the latest counts,
    unless ``every_revision`` (to list the revisions)."""
    latest = f"""
        AND NOT EXISTS (
            SELECT 1 FROM {FIGURE} newer
            WHERE newer.statement_id = f.statement_id AND newer.category = f.category
                AND newer.subject_party_id = f.subject_party_id AND newer.revision > f.revision
        )"""
    return f"""
    SELECT st.conflict_id, f.subject_party_id AS party_id, f.category, f.value, f.civilians,
           f.qualifier, st.as_of, st.issued_on, st.id AS statement, s.id AS source_id,
           s.name AS source, st.citation_title, st.citation_url, f.revision,
           (s.party_id IS NOT DISTINCT FROM f.subject_party_id) AS self_reported
    FROM {FIGURE} f
    JOIN {STATEMENT} st ON st.id = f.statement_id
    JOIN {SOURCE} s ON s.id = st.source_id
    WHERE {in_scope("st.conflict_id", "f.subject_party_id")} AND {dated("st.as_of")}
        AND (%(source)s::text IS NULL OR s.name = %(source)s::text
             OR s.party_id IS DISTINCT FROM f.subject_party_id)
        {"" if every_revision else latest}
"""


FIGURES = _figures()
# Every revision: for the queries that pick one figure per key by LATEST_ORDER, whose last
# term takes a statement's latest revision, cheaper than excluding the earlier ones first.
REVISIONS = _figures(every_revision=True)

LATEST_ORDER = "as_of DESC, issued_on DESC, statement DESC, revision DESC"

OFFICIAL = f"""
    SELECT DISTINCT ON (conflict_id, party_id, category) *
    FROM ({REVISIONS}) fig
    WHERE self_reported
    ORDER BY conflict_id, party_id, category, {LATEST_ORDER}
"""

OTHER_CLAIMS = f"""
    SELECT DISTINCT ON (conflict_id, party_id, source_id, category) *
    FROM ({REVISIONS}) fig
    WHERE NOT self_reported
    ORDER BY conflict_id, party_id, source_id, category, {LATEST_ORDER}
"""


def official_series(category: FigureCategory) -> str:
    """Per ledger and date, the self-reported figure of ``category`` (the latest issued)."""
    return f"""
        SELECT DISTINCT ON (conflict_id, party_id, as_of) conflict_id, party_id, as_of AS date,
               value, statement, source
        FROM ({REVISIONS}) fig
        WHERE self_reported AND category = {literal(category)}
        ORDER BY conflict_id, party_id, as_of, issued_on DESC, statement DESC, revision DESC
    """


# Categories that only ever grow: a source lowering one is a discrepancy.
CUMULATIVE_CATEGORIES = (
    FigureCategory.KILLED,
    FigureCategory.KILLED_OR_MISSING,
    FigureCategory.INJURED,
    FigureCategory.RELEASED,
    FigureCategory.REMAINS_RETURNED,
    FigureCategory.REMAINS_IDENTIFIED,
)

# A source's figure that changed: lowered although cumulative (``decreased``), or restated for
# the same date with another value (``revised``: a later revision or statement of the same
# as_of). One query for both, so the ledger's query count stays fixed.
FIGURE_CHANGES = f"""
    SELECT * FROM (
        SELECT fig.*,
               lag(value) OVER w AS previous_value,
               lag(statement) OVER w AS previous_statement,
               lag(as_of) OVER w AS previous_as_of,
               'decreased' AS change
        FROM ({FIGURES}) fig
        WHERE category IN ({literals(CUMULATIVE_CATEGORIES)})
        WINDOW w AS (
            PARTITION BY conflict_id, party_id, source_id, category
            ORDER BY as_of, issued_on, statement
        )
    ) series
    -- A lower value for the same date is a revision (below), not a decrease.
    WHERE value < previous_value AND as_of <> previous_as_of
    UNION ALL
    SELECT * FROM (
        SELECT fig.*,
               lag(value) OVER w AS previous_value,
               lag(statement) OVER w AS previous_statement,
               lag(as_of) OVER w AS previous_as_of,
               'revised' AS change
        FROM ({_figures(every_revision=True)}) fig
        WINDOW w AS (
            PARTITION BY conflict_id, party_id, source_id, category, as_of
            ORDER BY issued_on, statement, revision
        )
    ) restated
    WHERE value <> previous_value
    ORDER BY as_of, statement, revision
"""
