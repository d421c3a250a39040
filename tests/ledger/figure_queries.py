"""The ledger's figure queries as they were before the figure points (issue 19): over every
figure, statement and source. Kept only as the reference the points' queries are checked
against (tests/ledger/test_figure_points.py), each paired with the query that replaced it."""

from casualties.choices import FigureCategory
from ledger.sql import figures, series
from ledger.sql.common import FIGURE, SOURCE, STATEMENT, dated, in_scope, literal, literals


def reference_figures(*, every_revision: bool = False) -> str:
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


FIGURES = reference_figures()
REVISIONS = reference_figures(every_revision=True)
LATEST_ORDER = "as_of DESC, issued_on DESC, statement DESC, revision DESC"


def latest_of(key: str, where: str) -> str:
    return f"""
    SELECT DISTINCT ON (conflict_id, party_id, {key}) * FROM ({REVISIONS}) fig WHERE {where}
    ORDER BY conflict_id, party_id, {key}, {LATEST_ORDER}
"""


def official_series(category: FigureCategory) -> str:
    return f"""
        SELECT DISTINCT ON (conflict_id, party_id, as_of) conflict_id, party_id, as_of AS date,
               value, statement, source
        FROM ({REVISIONS}) fig
        WHERE self_reported AND category = {literal(category)}
        ORDER BY conflict_id, party_id, as_of, issued_on DESC, statement DESC, revision DESC
    """


def changes(partition: str, order: str, rows: str, where: str, kind: str) -> str:
    return f"""
    SELECT * FROM (
        SELECT fig.*, lag(value) OVER w AS previous_value,
               lag(statement) OVER w AS previous_statement,
               lag(as_of) OVER w AS previous_as_of, '{kind}' AS change
        FROM ({rows}) fig
        WINDOW w AS (PARTITION BY conflict_id, party_id, source_id, category{partition}
                     ORDER BY {order})
    ) x WHERE {where}
"""


FIGURE_CHANGES = f"""
    {
    changes(
        "",
        "as_of, issued_on, statement",
        FIGURES,
        "value < previous_value AND as_of <> "
        f"previous_as_of AND category IN ({literals(figures.CUMULATIVE_CATEGORIES)})",
        "decreased",
    )
}
    UNION ALL
    {
    changes(
        ", as_of", "issued_on, statement, revision", REVISIONS, "value <> previous_value", "revised"
    )
}
"""
PER_DATE = f"""
    SELECT DISTINCT ON (conflict_id, party_id, self_reported, source_id, category, as_of)
           conflict_id, party_id, self_reported, source_id, source, category, as_of, value
    FROM ({REVISIONS}) fig
    ORDER BY conflict_id, party_id, self_reported, source_id, category, as_of,
             issued_on DESC, statement DESC, revision DESC
"""
SERIES_CATEGORIES = (
    FigureCategory.KILLED,
    FigureCategory.MISSING,
    FigureCategory.KILLED_OR_MISSING,
    FigureCategory.INJURED,
)
# The series query over the points, with its per-date part swapped for the reference's.
assert series.PER_DATE in series.SERIES
# Each query the ledger now runs over the points, and what it ran before them.
QUERIES = [
    (figures.OFFICIAL, latest_of("category", "self_reported")),
    (figures.OTHER_CLAIMS, latest_of("source_id, category", "NOT self_reported")),
    (series.SOURCES, latest_of("source_id, category", "self_reported")),
    (figures.FIGURE_CHANGES, FIGURE_CHANGES),
    (series.SERIES, series.SERIES.replace(series.PER_DATE, PER_DATE)),
    *((figures.official_series(c), official_series(c)) for c in SERIES_CATEGORIES[:3]),
]
