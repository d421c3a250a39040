"""Which ledgers a row belongs to, for the data versions (core.audit ``audited(scopes=…)``).

Each is a SELECT of (conflict_id, party_id) pairs for the trigger's row ``{row}``.
"""

PERSON_ROW = "SELECT {row}.conflict_id, {row}.party_id"

# Rows hanging on a person (status changes, aliases, merges): the person's ledger.
OF_PERSON = "SELECT p.conflict_id, p.party_id FROM casualties_person p WHERE p.id = {row}.person_id"

# A statement is listed (with all its figures) under each party its figures are about, so a
# change to it or to any of its figures touches every one of them, and the conflict.
STATEMENT_ROW = """
    SELECT {row}.conflict_id, NULL::bigint
    UNION ALL SELECT {row}.conflict_id, f.subject_party_id
    FROM casualties_figure f WHERE f.statement_id = {row}.id
"""
FIGURE_ROW = """
    SELECT s.conflict_id, {row}.subject_party_id
    FROM casualties_statement s WHERE s.id = {row}.statement_id
    UNION ALL SELECT s.conflict_id, f.subject_party_id
    FROM casualties_statement s JOIN casualties_figure f ON f.statement_id = s.id
    WHERE s.id = {row}.statement_id
"""
