"""Figures as their sources stated them: the official ones, the other claims, the lowered.

Read from the figure points (``ledger.sql.figure_points``), whose indexes hold each
(ledger, category)'s and each series' figures newest first: the latest figure on or before a
day is the first index entry at or below it, and the changed figures are flagged. Only the
rows returned are joined to their figure, statement and source for the columns shown.
"""

from casualties.choices import FigureCategory
from ledger.sql.common import SOURCE, literal
from ledger.sql.figure_points import CATEGORIES, LEDGERS, NEWEST_FIRST, POINT, in_view, shown

# Per ledger and category, the latest self-reported figure: by as_of, issued_on, statement,
# then revision (a statement's latest revision counts).
_LATEST_OFFICIAL = f"""ledgers l CROSS JOIN {CATEGORIES}
    CROSS JOIN LATERAL (
        SELECT * FROM {POINT} p
        WHERE p.conflict_id = l.conflict_id AND p.party_id = l.party_id
            AND p.category = categories.category AND p.self_reported AND {in_view()}
        ORDER BY {NEWEST_FIRST} LIMIT 1
    ) p"""
OFFICIAL = f"""
    WITH ledgers AS ({LEDGERS})
    {shown(_LATEST_OFFICIAL)}
    ORDER BY p.conflict_id, p.party_id, p.category
"""


def latest_per_source(*, self_reported: bool) -> str:
    """Per ledger, source and category, the latest figure: of the party's own authorities
    (``self_reported``) or of every other source. One index probe per (source, category)."""
    speaks = "=" if self_reported else "IS DISTINCT FROM"
    latest = f"""series k CROSS JOIN LATERAL (
        SELECT * FROM {POINT} p
        WHERE p.conflict_id = k.conflict_id AND p.party_id = k.party_id
            AND p.source_id = k.source_id AND p.category = k.category
            AND p.self_reported = {self_reported} AND {in_view()}
        ORDER BY {NEWEST_FIRST} LIMIT 1
    ) p"""
    return f"""
    WITH ledgers AS ({LEDGERS}),
    series AS (
        SELECT l.conflict_id, l.party_id, s.id AS source_id, categories.category
        FROM ledgers l JOIN {SOURCE} s ON s.party_id {speaks} l.party_id
        CROSS JOIN {CATEGORIES}
    )
    {shown(latest)}
    ORDER BY p.conflict_id, p.party_id, p.source_id, p.category
"""


OTHER_CLAIMS = latest_per_source(self_reported=False)


def official_series(category: FigureCategory) -> str:
    """Per ledger and date, the self-reported figure of ``category`` (the latest issued)."""
    return f"""
        SELECT p.conflict_id, p.party_id, p.as_of AS date, p.value, p.statement_id AS statement,
               s.name AS source
        FROM (
            SELECT DISTINCT ON (p.conflict_id, p.party_id, p.as_of) p.conflict_id, p.party_id,
                   p.as_of, p.value, p.statement_id, p.source_id
            FROM {POINT} p
            WHERE p.self_reported AND p.category = {literal(category)} AND {in_view()}
            ORDER BY p.conflict_id, p.party_id, {NEWEST_FIRST}
        ) p
        JOIN {SOURCE} s ON s.id = p.source_id
    """


# Categories that only ever grow: a source lowering one is a discrepancy. The points carry
# the flag (migration ledger/0008_figure_points keeps the same list).
CUMULATIVE_CATEGORIES = (
    FigureCategory.KILLED,
    FigureCategory.KILLED_OR_MISSING,
    FigureCategory.INJURED,
    FigureCategory.RELEASED,
    FigureCategory.REMAINS_RETURNED,
    FigureCategory.REMAINS_IDENTIFIED,
)

# A source's figure that changed: lowered although cumulative (``decreased``: a latest
# revision below the one before it in its series, for an earlier date), or restated for the
# same date with another value (``revised``: a later revision or statement of the same as_of).
# One query for both, so the ledger's query count stays fixed; a point flagged both ways gives
# two rows. A point's predecessors are dated on or before it and share its source, so the date
# and source filters keep or drop whole runs.
_CHANGES = f"""{POINT} p CROSS JOIN LATERAL (VALUES
        ('decreased', p.decreased, p.decreased_from, p.decreased_statement, p.decreased_as_of),
        ('revised', p.revised, p.revised_from, p.revised_statement, p.as_of)
    ) change (change, flagged, previous_value, previous_statement, previous_as_of)"""
_PREVIOUS = (
    ", change.previous_value, change.previous_statement, change.previous_as_of, change.change"
)
FIGURE_CHANGES = f"""
    {shown(_CHANGES, extra=_PREVIOUS)}
    WHERE (p.decreased OR p.revised) AND change.flagged AND {in_view()}
    ORDER BY p.as_of, p.statement_id, p.revision, change.change
"""
