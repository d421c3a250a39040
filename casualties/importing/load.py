"""Writing checked person rows: COPY into a staging table, then one set-based statement,
chunk by chunk, while the caller goes on checking the rows that follow.

Each chunk is COPYed in one stream; one ``WITH … INSERT`` statement then creates its persons,
their first status changes, and the audit events of both. A ``RowLoader`` sends the chunks
from a worker thread on the caller's own connection, so one transaction holds them all: the
caller's Python checks the next rows on one core while PostgreSQL inserts on the other, and a
rollback (a bad row found later, an error) still undoes every chunk.

Per-row trigger calls cost more than the inserts they guard, so the tables written record
their inserts' audit events with one statement-level trigger each (``audited(set_wise_inserts=
True)``: set-wise from the statement's new rows, under the importing user's context, chained like
every other event), and the import's bulk mode (``core.audit_trail.start_bulk_inserts``) leaves
the data version to the chain's seal at commit, so the per-row data-version triggers' WHEN
condition keeps them from even being queued. Nothing is switched off: no
``session_replication_role``, no ``pgtrigger.ignore`` (the runtime role may use neither, DESIGN
§7); every other trigger fires, the foreign keys' checks included.
"""

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

from casualties.importing.person_rows import COLUMNS
from core.audit_trail import start_bulk_inserts, stop_bulk_inserts
from core.db.bulk import prepare_bulk_writes

STAGING = "person_import_staging"
CREATE_STAGING = f"""
CREATE TEMP TABLE {STAGING} (
    full_name text, name_latin text, rank text, unit text, home_region text,
    service_number text, next_of_kin text, contact text, dna_reference text, notes text,
    name_public boolean, is_civilian boolean, status text, status_date date,
    date_of_birth date, external_id text, basis text, aliases text, search_key text,
    line integer,
    -- Each person's id, drawn as the row is copied: the status change reads its basis by it.
    id bigint DEFAULT nextval(pg_get_serial_sequence('casualties_person', 'id'))
) ON COMMIT DROP
"""
PERSON_COLUMNS = """id, external_id, created_at, updated_at, conflict_id, party_id, full_name,
    name_latin, name_public, is_civilian, rank, unit, home_region, status, status_date,
    date_of_birth, service_number, next_of_kin, contact, dna_reference, notes, search_key"""
CHANGE_COLUMNS = """person_id, status, effective_date, source_note, is_correction, reason,
    recorded_by_id, recorded_at, basis"""
CHUNK = 10_000
SEARCH_KEY = COLUMNS.index("search_key")


def _insert_statement() -> str:
    return f"""
WITH inserted AS (
    INSERT INTO casualties_person ({PERSON_COLUMNS})
    SELECT id, external_id, now(), now(), %(conflict)s, %(party)s, full_name, name_latin,
        name_public, is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
        service_number, next_of_kin, contact, dna_reference, notes, search_key
    FROM {STAGING}
    ORDER BY line
    RETURNING id
), changes AS (
    INSERT INTO casualties_statuschange ({CHANGE_COLUMNS})
    SELECT staged.id, staged.status, staged.status_date, %(note)s, false, '', %(user)s, now(),
        staged.basis
    FROM inserted JOIN {STAGING} AS staged ON staged.id = inserted.id
    RETURNING id
), name_words AS (
    INSERT INTO casualties_nameword (word) SELECT unnest(%(words)s::text[])
    ON CONFLICT (word) DO NOTHING
)
SELECT count(*) FROM inserted
"""


class RowLoader:
    """Inserts checked rows (tuples in ``COLUMNS`` order) as persons, a chunk at a time, in a
    worker thread on this thread's connection, inside the caller's transaction and pghistory
    context (which must stay open until ``finish`` or ``abandon``)."""

    def __init__(self, *, conflict_id: int, party_id: int, user_id: int | None, note: str):
        self.conflict_id = conflict_id
        prepare_bulk_writes()
        with connection.cursor() as cursor:
            cursor.execute(CREATE_STAGING)
            start_bulk_inserts(cursor)
        self.params = {
            "conflict": conflict_id,
            "party": party_id,
            "user": user_id,
            "note": note,
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
            stop_bulk_inserts(cursor)
            # Dropped at once rather than at commit, so a second import in one transaction works.
            cursor.execute(f"DROP TABLE {STAGING}")
        return created

    def abandon(self) -> None:
        """Stop writing (the caller then rolls the transaction back)."""
        self.worker.shutdown(wait=True, cancel_futures=True)
