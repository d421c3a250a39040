"""What the figure queries share: the points (``ledger.models.FigurePoint``, one per figure,
kept by triggers), the filters on them, the ledgers and categories to look up, and the columns
a figure is shown with."""

from casualties.choices import FigureCategory
from ledger.models import FigurePoint
from ledger.sql.common import FIGURE, SOURCE, STATEMENT, dated, in_scope, literal

POINT = FigurePoint._meta.db_table
POINT_COLUMNS = ", ".join(
    field.column for field in FigurePoint._meta.concrete_fields if not field.primary_key
)

# Newest first, as FigurePoint's indexes store a (ledger, category)'s or a series' points.
NEWEST_FIRST = "p.as_of DESC, p.issued_on DESC, p.statement_id DESC, p.revision DESC"


def in_view(alias: str = "p") -> str:
    """A point in scope, dated, and from the authority asked for (``%(source)s``, a name, or
    NULL for all): other parties' claims stay. The name is looked up once, so the filter is a
    plain comparison."""
    return f"""{in_scope(f"{alias}.conflict_id", f"{alias}.party_id")}
        AND {dated(f"{alias}.as_of")}
        AND (%(source)s::text IS NULL OR NOT {alias}.self_reported
             OR {alias}.source_id = (SELECT id FROM {SOURCE} WHERE name = %(source)s::text))"""


# The ledgers in scope: the one asked for, else every (conflict, party) with a figure. With
# client-side binding the NULL tests fold to constants and only one branch runs.
LEDGERS = f"""
    SELECT %(conflict)s::bigint AS conflict_id, %(party)s::bigint AS party_id
    WHERE %(conflict)s::bigint IS NOT NULL AND %(party)s::bigint IS NOT NULL
    UNION ALL
    SELECT DISTINCT conflict_id, party_id FROM {POINT}
    WHERE (%(conflict)s::bigint IS NULL OR %(party)s::bigint IS NULL)
        AND {in_scope("conflict_id", "party_id")}
"""

CATEGORIES = "(VALUES {}) categories (category)".format(
    ", ".join(f"({literal(value)})" for value in FigureCategory.values)
)


def shown(points: str, extra: str = "") -> str:
    """The points of the subquery ``points`` (aliased ``p``) with the columns a figure is
    shown with, joined by primary key to their figure, statement and source."""
    return f"""
    SELECT p.conflict_id, p.party_id, p.category, p.value, f.civilians, f.qualifier, p.as_of,
           p.issued_on, p.statement_id AS statement, p.source_id, s.name AS source,
           st.citation_title, st.citation_url, p.revision, p.self_reported{extra}
    FROM {points}
    JOIN {FIGURE} f ON f.id = p.figure_id
    JOIN {STATEMENT} st ON st.id = p.statement_id
    JOIN {SOURCE} s ON s.id = p.source_id
"""


# Recompute every point (``manage.py rebuild_tallies``), by the function the triggers call.
REBUILD = [
    f"LOCK TABLE {POINT} IN EXCLUSIVE MODE",
    f"DELETE FROM {POINT}",
    f"""INSERT INTO {POINT} ({POINT_COLUMNS})
        SELECT * FROM ledger_figure_points_of((
            SELECT array_agg(DISTINCT ROW(st.conflict_id, f.subject_party_id, st.source_id,
                                          f.category)::ledger_figure_series)
            FROM {FIGURE} f JOIN {STATEMENT} st ON st.id = f.statement_id
        ))""",
]
