"""Writing checked person rows: COPY into a staging table, then set-based INSERTs.

COPY moves the rows in one stream (no statement per row); one ``INSERT … SELECT`` then creates
every person and, in the same statement, their first status change. Both run through Django's
cursor, so pghistory's context (the importing user) is set by the statement itself and each
audit event names the user; the staging table is a temporary one, not audited.
"""

from collections.abc import Callable, Sequence

from django.db import connection

from casualties import synthetic
from casualties.importing.rows import COLUMNS

STAGING = "person_import_staging"
CREATE_STAGING = f"""
CREATE TEMP TABLE {STAGING} (
    full_name text, name_latin text, rank text, unit text, home_region text,
    service_number text, next_of_kin text, contact text, dna_reference text, notes text,
    name_public boolean, is_civilian boolean, status text, status_date date,
    date_of_birth date, search_key text, line integer
) ON COMMIT DROP
"""
# ``inserted`` hands each new id to the status-change insert: no round trip through Python.
INSERT_PERSONS = f"""
WITH inserted AS (
    INSERT INTO casualties_person (
        created_at, updated_at, conflict_id, party_id, full_name, name_latin, name_public,
        is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
        service_number, next_of_kin, contact, dna_reference, notes, search_key)
    SELECT now(), now(), %(conflict)s, %(party)s, full_name, name_latin, name_public,
        is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
        service_number, next_of_kin, contact, dna_reference, notes, search_key
    FROM {STAGING}
    ORDER BY line
    RETURNING id, status, status_date
)
INSERT INTO casualties_statuschange (
    person_id, status, effective_date, source_note, is_correction, reason, recorded_by_id,
    recorded_at)
SELECT id, status, status_date, %(note)s, false, '', %(user)s, now()
FROM inserted
"""
CHUNK = 10_000


def load_rows(
    rows: Sequence[tuple],
    *,
    conflict_id: int,
    party_id: int,
    user_id: int | None,
    note: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` (in ``COLUMNS`` order) as persons; returns how many were created.

    Must run inside the caller's transaction: the staging table lives until its commit.
    """
    synthetic.prepare_bulk_writes()
    with connection.cursor() as cursor:
        cursor.execute(CREATE_STAGING)
        with cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(rows), CHUNK):
                for row in rows[start : start + CHUNK]:
                    copy.write_row(row)
                if progress:
                    progress(min(start + CHUNK, len(rows)))
        params = {"conflict": conflict_id, "party": party_id, "user": user_id, "note": note}
        cursor.execute(INSERT_PERSONS, params)
        created = cursor.rowcount
        # Dropped at once rather than at commit, so a second import in one transaction works.
        cursor.execute(f"DROP TABLE {STAGING}")
    return created
