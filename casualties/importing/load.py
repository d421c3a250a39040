"""Writing checked person rows: COPY into a staging table, then one set-based statement,
chunk by chunk, while the caller goes on checking the rows that follow.

Each chunk is COPYed in one stream; one ``WITH … INSERT`` statement then creates its persons,
their first status changes, and the audit events of both. A ``RowLoader`` sends the chunks
from a worker thread on the caller's own connection, so one transaction holds them all: the
caller's Python checks the next rows on one core while PostgreSQL inserts on the other, and a
rollback (a bad row found later, an error) still undoes every chunk.

Per-row triggers cost more than the inserts they guard, so that statement skips them and
does their work set-wise: it writes pghistory's insert events itself, under the context
pghistory's own ``_pgh_attach_context()`` creates from the importing user, and the data
version is advanced once at the end. Where the database role may set
``session_replication_role`` (a superuser, or granted it), the statement runs in replica mode,
which fires no trigger at all: the foreign keys' checks are then kept by locking the conflict,
party and user rows first, as those checks would, and the persons' ids come from the same
statement. Elsewhere pgtrigger's transaction-local ignore list skips the audit triggers and
the foreign keys are checked row by row, at about a third of the speed.
"""

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import pgtrigger
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from casualties.importing.person_rows import COLUMNS
from core.db.bulk import prepare_bulk_writes

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
# Triggers whose work the statement does too, so replica mode may skip them: the vocabulary
# of name words (elsewhere they fire, once per statement, and add nothing new).
DONE_TOO = ("add_name_words_insert",)
WRITTEN = ("Person", "StatusChange", "PersonEvent", "StatusChangeEvent")
# The foreign keys the statement writes, as (table, referenced table): replica mode skips
# their checks, which the locks in ``_lock_referenced`` and the statement itself replace.
CHECKED_KEYS = {
    ("casualties_person", "casualties_conflict"),
    ("casualties_person", "casualties_party"),
    ("casualties_statuschange", "casualties_person"),
    ("casualties_statuschange", "auth_user"),
}
CHUNK = 10_000
SEARCH_KEY = COLUMNS.index("search_key")
# Triggers that fire on INSERT into the written tables (tgtype bit 2), with the tables their
# foreign-key checks point to.
INSERT_TRIGGERS = """
SELECT trigger.tgname, trigger.tgrelid::regclass::text, key.confrelid::regclass::text
FROM pg_trigger AS trigger LEFT JOIN pg_constraint AS key ON key.oid = trigger.tgconstraint
WHERE trigger.tgrelid = ANY(%s::regclass[]) AND trigger.tgtype & 4 <> 0
"""


def _event_insert(label: str, source: str) -> str:
    """INSERT of one 'insert' audit event per row of ``source``, as pghistory's trigger would
    write it; the columns come from the event model, so a new tracked field is carried too."""
    event = apps.get_model("casualties", f"{label}Event")
    columns = [f.column for f in event._meta.concrete_fields if not f.name.startswith("pgh_")]
    names = [connection.ops.quote_name(column) for column in columns]
    values = ", ".join(f"src.{name}" for name in names)
    return f"""INSERT INTO {event._meta.db_table}
        (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {", ".join(names)})
        SELECT now(), 'insert', src.id, %(context)s, {values} FROM {source} AS src"""


def _insert_statement() -> str:
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
), name_words AS (
    INSERT INTO casualties_nameword (word) SELECT unnest(%(words)s::text[])
    ON CONFLICT (word) DO NOTHING
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


def _check_replica_mode_skips_only_known_triggers(cursor, skipped: list[str]) -> None:
    """Replica mode skips every trigger: refuse it if one exists whose work this module does
    not do itself, so that a trigger added later cannot be silently bypassed by imports."""
    person = apps.get_model("casualties", "Person")
    done_too = [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if model is person and trigger.name in DONE_TOO
    ]
    tables = [apps.get_model("casualties", name)._meta.db_table for name in WRITTEN]
    cursor.execute(INSERT_TRIGGERS, [tables])
    unknown = [
        (name, table)
        for name, table, referenced in cursor.fetchall()
        if name not in [*skipped, *done_too] and (table, referenced) not in CHECKED_KEYS
    ]
    if unknown:
        raise RuntimeError(f"Triggers the person import would skip unawares: {unknown}")


def _use_replica_mode(cursor) -> bool:
    """Switch the transaction to replica mode where this role may; False where it may not."""
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _lock_referenced(cursor, *, conflict_id: int, party_id: int, user_id: int | None) -> None:
    # What each foreign-key check would do for every row, done once: these rows can then be
    # neither deleted nor re-keyed until the import commits.
    for table, key in (
        ("casualties_conflict", conflict_id),
        ("casualties_party", party_id),
        ("auth_user", user_id),
    ):
        if key is not None:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE", [key])


class RowLoader:
    """Inserts checked rows (tuples in ``COLUMNS`` order) as persons, a chunk at a time, in a
    worker thread on this thread's connection, inside the caller's transaction and pghistory
    context (which must stay open until ``finish`` or ``abandon``)."""

    def __init__(self, *, conflict_id: int, party_id: int, user_id: int | None, note: str):
        self.conflict_id = conflict_id
        prepare_bulk_writes()
        skipped = _skipped_triggers()
        with connection.cursor() as cursor:
            cursor.execute(CREATE_STAGING)
            self.replica = _use_replica_mode(cursor)
            if self.replica:
                _check_replica_mode_skips_only_known_triggers(cursor, skipped)
                _lock_referenced(
                    cursor, conflict_id=conflict_id, party_id=party_id, user_id=user_id
                )
            else:
                cursor.execute(
                    "SELECT set_config('pgtrigger.ignore', %s, true)",
                    ["{" + ",".join(skipped) + "}"],
                )
            cursor.execute("SELECT _pgh_attach_context()")
            context = cursor.fetchone()[0]
        self.params = {
            "conflict": conflict_id,
            "party": party_id,
            "user": user_id,
            "note": note,
            "context": context,
        }
        self.statement = _insert_statement()
        # The worker uses the very same database session, so it sees the staging table, the
        # settings above and everything the transaction has written so far.
        self.session = connection.connection
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="person-import")
        self.chunks: list[Future] = []
        self.words: set[str] = set()

    def add(self, rows: Sequence[tuple]) -> None:
        """Queue ``rows`` to be written; raises at once if an earlier chunk failed."""
        for chunk in self.chunks:
            if chunk.done() and chunk.exception():
                raise chunk.exception()
        self.chunks.append(self.worker.submit(self._write, list(rows), self._new_words(rows)))

    def _new_words(self, rows: Sequence[tuple]) -> list[str]:
        """The words of the rows' search keys that no earlier chunk carried, sorted (so that
        concurrent imports adding the same words lock them in one order). Collected here, by
        the checking thread, where PostgreSQL would split every key again per chunk."""
        words = {word for row in rows for word in row[SEARCH_KEY].split(" ") if word}
        new = words - self.words
        self.words |= new
        return sorted(new)

    def _write(self, rows: list[tuple], words: list[str]) -> int:
        with self.session.cursor() as cursor:
            with cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(self.statement, {**self.params, "words": words})
            created = cursor.fetchone()[0]
            cursor.execute(f"TRUNCATE {STAGING}")
        return created

    def finish(self, progress: Callable[[int], None] | None = None) -> int:
        """Wait for every chunk, then end the import's settings; returns the persons created."""
        created = 0
        try:
            for chunk in self.chunks:
                created += chunk.result()
                if progress:
                    progress(created)
        finally:
            self.worker.shutdown(wait=True, cancel_futures=True)
        with connection.cursor() as cursor:
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
            # An update that changes nothing records no audit event, but fires the
            # data-version trigger skipped above: the import advances the version once.
            cursor.execute(
                "UPDATE casualties_conflict SET updated_at = updated_at WHERE id = %s",
                [self.conflict_id],
            )
            # Dropped at once rather than at commit, so a second import in one transaction works.
            cursor.execute(f"DROP TABLE {STAGING}")
        return created

    def abandon(self) -> None:
        """Stop writing (the caller then rolls the transaction back)."""
        self.worker.shutdown(wait=True, cancel_futures=True)
