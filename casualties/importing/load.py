"""Writing checked person rows: COPY into a staging table, then one set-based statement.

COPY moves the rows in one stream; one ``WITH … INSERT`` statement then creates every person,
their first status change, and the audit events of both. The per-row audit triggers
(pghistory's insert events, and the data-version bump) are skipped for that statement only,
through pgtrigger's transaction-local ignore list: a row-level trigger costs more than the
insert it records, and each of pghistory's re-attaches the context. The statement writes the
very same events set-wise instead, under the context pghistory's own ``_pgh_attach_context()``
creates from the importing user, so the trail is complete and names who imported.
"""

from collections.abc import Callable, Sequence

import pgtrigger
from django.apps import apps
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
PERSON_COLUMNS = """created_at, updated_at, conflict_id, party_id, full_name, name_latin,
    name_public, is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
    service_number, next_of_kin, contact, dna_reference, notes, search_key"""
CHANGE_COLUMNS = """person_id, status, effective_date, source_note, is_correction, reason,
    recorded_by_id, recorded_at"""
SKIPPED_TRIGGERS = ("insert_insert", "bump_data_version")
CHUNK = 10_000


def _event_insert(label: str, source: str) -> str:
    """INSERT of one 'insert' audit event per row of ``source``, as pghistory's trigger would
    write it; the columns come from the event model, so a new tracked field is carried too."""
    event = apps.get_model("casualties", f"{label}Event")
    columns = [f.column for f in event._meta.concrete_fields if not f.name.startswith("pgh_")]
    names = [connection.ops.quote_name(column) for column in columns]
    values = ", ".join(f"src.{name}" for name in names)
    return f"""INSERT INTO {event._meta.db_table}
        (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {", ".join(names)})
        SELECT now(), 'insert', src.id, context.pgh_context, {values}
        FROM {source} AS src CROSS JOIN context"""


def _insert_statement() -> str:
    # ``context`` calls a volatile function, so PostgreSQL evaluates it once, not per row.
    return f"""
WITH inserted AS (
    INSERT INTO casualties_person ({PERSON_COLUMNS})
    SELECT now(), now(), %(conflict)s, %(party)s, full_name, name_latin, name_public,
        is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
        service_number, next_of_kin, contact, dna_reference, notes, search_key
    FROM {STAGING}
    ORDER BY line
    RETURNING *
), changes AS (
    INSERT INTO casualties_statuschange ({CHANGE_COLUMNS})
    SELECT id, status, status_date, %(note)s, false, '', %(user)s, now() FROM inserted
    RETURNING *
), context AS (
    SELECT _pgh_attach_context() AS pgh_context
), person_events AS (
    {_event_insert("Person", "inserted")}
), change_events AS (
    {_event_insert("StatusChange", "changes")}
)
SELECT count(*) FROM inserted
"""


def _skipped_triggers() -> list[str]:
    models = {apps.get_model("casualties", name) for name in ("Person", "StatusChange")}
    found = [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if model in models and trigger.name in SKIPPED_TRIGGERS
    ]
    # Skipping fewer would record events twice; more, or others, would lose some.
    if len(found) != len(models) * len(SKIPPED_TRIGGERS):
        raise RuntimeError(f"Unexpected audit triggers on persons: {found}")
    return found


def _copy(cursor, rows: Sequence[tuple], progress: Callable[[int], None] | None) -> None:
    cursor.execute(CREATE_STAGING)
    # One COPY per chunk: while a COPY is open its connection can run nothing else, and the
    # progress callback may write on this same connection between chunks.
    for start in range(0, len(rows), CHUNK):
        with cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows[start : start + CHUNK]:
                copy.write_row(row)
        if progress:
            progress(min(start + CHUNK, len(rows)))


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

    Must run inside the caller's transaction and pghistory context: the staging table and the
    ignore list last until its end.
    """
    synthetic.prepare_bulk_writes()
    params = {"conflict": conflict_id, "party": party_id, "user": user_id, "note": note}
    with connection.cursor() as cursor:
        _copy(cursor, rows, progress)
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)",
            ["{" + ",".join(_skipped_triggers()) + "}"],
        )
        cursor.execute(_insert_statement(), params)
        created = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        # An update that changes nothing records no audit event, but fires the data-version
        # trigger skipped above: the import advances the version once, like any other write.
        cursor.execute(
            "UPDATE casualties_conflict SET updated_at = updated_at WHERE id = %s", [conflict_id]
        )
        # Dropped at once rather than at commit, so a second import in one transaction works.
        cursor.execute(f"DROP TABLE {STAGING}")
    return created
