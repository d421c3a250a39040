"""Writing checked person rows: COPY straight into the tables, chunk by chunk, while the caller
goes on checking the rows that follow.

Each chunk draws its persons' ids, then is COPYed into the persons table and, with those ids,
into the status changes (COPY stores rows in batches, where INSERT … SELECT stores them one at
a time). A ``RowLoader`` sends the chunks from a worker thread on the caller's own connection,
so one transaction holds them all: the caller's Python checks the next rows on one core while
PostgreSQL inserts on the other, and a rollback (a bad row found later, an error) still undoes
every chunk.

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
from operator import itemgetter

from django.db import connection

from casualties.importing.person_rows import COLUMNS
from core.audit_trail import start_bulk_inserts, stop_bulk_inserts
from core.db.bulk import prepare_bulk_writes

# A person's columns: its id (drawn per chunk), those all of the import's persons share, and
# those of its checked row.
PERSON_SHARED = ("created_at", "updated_at", "conflict_id", "party_id")
PERSON_FROM_ROW = ("external_id", "full_name", "name_latin", "name_public", "is_civilian",
    "rank", "unit", "home_region", "status", "status_date", "date_of_birth", "service_number",
    "next_of_kin", "contact", "dna_reference", "notes", "search_key")  # fmt: skip
PERSON_COLUMNS = ", ".join(("id", *PERSON_SHARED, *PERSON_FROM_ROW))
person_cells = itemgetter(*(COLUMNS.index(name) for name in PERSON_FROM_ROW))
# Its first status change, likewise.
CHANGE_SHARED = ("source_note", "is_correction", "reason", "recorded_by_id", "recorded_at")
CHANGE_FROM_ROW = ("status", "status_date", "basis")
CHANGE_COLUMNS = ", ".join(("person_id", *CHANGE_SHARED, "status", "effective_date", "basis"))
change_cells = itemgetter(*(COLUMNS.index(name) for name in CHANGE_FROM_ROW))
CHUNK = 10_000
SEARCH_KEY = COLUMNS.index("search_key")
# The chunk's ids, drawn before its rows are copied, so the status changes can name them.
DRAW_IDS = (
    "SELECT nextval(pg_get_serial_sequence('casualties_person', 'id')) FROM generate_series(1, %s)"
)
ADD_WORDS = """INSERT INTO casualties_nameword (word) SELECT unnest(%s::text[])
    ON CONFLICT (word) DO NOTHING"""


class RowLoader:
    """Inserts checked rows (tuples in ``COLUMNS`` order) as persons, a chunk at a time, in a
    worker thread on this thread's connection, inside the caller's transaction and pghistory
    context (which must stay open until ``finish`` or ``abandon``)."""

    def __init__(self, *, conflict_id: int, party_id: int, user_id: int | None, note: str):
        self.conflict_id = conflict_id
        prepare_bulk_writes()
        with connection.cursor() as cursor:
            start_bulk_inserts(cursor)
            # Every row's timestamps: the transaction's, as now() would give them.
            cursor.execute("SELECT now()")
            now = cursor.fetchone()[0]
        # The columns every person and first status change of this import share.
        self.person = (now, now, conflict_id, party_id)
        self.change = (note, False, "", user_id, now)
        # The worker uses the very same database session, so it sees the settings above and
        # everything the transaction has written so far.
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
        """COPY the chunk's persons and their first status changes straight into their tables:
        COPY stores rows in batches where an INSERT … SELECT stores them one at a time, and the
        statement-level audit triggers see each COPY as one statement."""
        with self.session.cursor() as cursor:
            ids = [row[0] for row in cursor.execute(DRAW_IDS, [len(rows)]).fetchall()]
            with cursor.copy(f"COPY casualties_person ({PERSON_COLUMNS}) FROM STDIN") as copy:
                for person_id, row in zip(ids, rows, strict=True):
                    copy.write_row((person_id, *self.person, *person_cells(row)))
            with cursor.copy(f"COPY casualties_statuschange ({CHANGE_COLUMNS}) FROM STDIN") as copy:
                for person_id, row in zip(ids, rows, strict=True):
                    copy.write_row((person_id, *self.change, *change_cells(row)))
            cursor.execute(ADD_WORDS, [words])
        return len(rows)

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
        return created

    def abandon(self) -> None:
        """Stop writing (the caller then rolls the transaction back)."""
        self.worker.shutdown(wait=True, cancel_futures=True)
