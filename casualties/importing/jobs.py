"""Running an uploaded person list as a ``PersonImport`` job, usually in a background thread.

The upload page returns at once and the job page polls the job's row. The import holds one
transaction open until it commits, so progress goes through a second connection in short
autocommitted UPDATEs that the job page can read meanwhile. The thread closes both
connections when it ends. ``PERSON_IMPORT_IN_BACKGROUND = False`` (tests) runs the same code
in the request instead.
"""

import io
import logging
import threading
import time

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from casualties.importing.persons import ImportResult, persons_import
from casualties.models import PersonImport

logger = logging.getLogger(__name__)
State = PersonImport.State
UPDATE_PROGRESS = (
    "UPDATE casualties_personimport SET state = %s, processed_rows = %s, total_rows = %s "
    "WHERE id = %s"
)


class ProgressWriter:
    """Writes a job's progress at most every ``every`` seconds, on its own connection."""

    def __init__(self, job_id: int, *, separate: bool, every: float = 0.5):
        self.job_id, self.every, self.last = job_id, every, 0.0
        self.db = connections.create_connection("default") if separate else connection

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        with self.db.cursor() as cursor:
            cursor.execute(UPDATE_PROGRESS, [stage, done, total, self.job_id])

    def close(self) -> None:
        if self.db is not connection:
            self.db.close()


def _finish(job: PersonImport, result: ImportResult) -> None:
    job.state = State.REFUSED if result.refused else State.DONE
    job.total_rows = job.processed_rows = result.total
    job.imported, job.rejected = result.imported, result.rejected
    job.error_count = result.error_count
    job.errors = [error.as_dict() for error in result.errors]
    job.rejects_csv = result.rejects_csv
    job.finished_at = timezone.now()
    job.save()


def run_job(job_id: int, data: bytes, *, separate_progress: bool) -> None:
    job = PersonImport.objects.select_related("conflict", "party", "created_by").get(pk=job_id)
    progress = ProgressWriter(job_id, separate=separate_progress)
    try:
        result = persons_import(
            file=io.BytesIO(data),
            conflict=job.conflict,
            party=job.party,
            user=job.created_by,
            dry_run=job.dry_run,
            skip_invalid=job.skip_invalid,
            progress=progress,
            file_name=job.file_name,
        )
    except Exception:
        # The import rolled back; the page must say so rather than poll for ever.
        logger.exception("Person import %s failed", job_id)
        PersonImport.objects.filter(pk=job_id).update(
            state=State.FAILED, finished_at=timezone.now()
        )
    else:
        _finish(job, result)
    finally:
        progress.close()


def _run_in_thread(job_id: int, data: bytes) -> None:
    try:
        run_job(job_id, data, separate_progress=True)
    finally:
        connection.close()


def import_job_start(*, job: PersonImport, data: bytes) -> threading.Thread | None:
    """Run the job: in a background thread once the job's row is committed (the thread looks
    it up), or here and now when ``PERSON_IMPORT_IN_BACKGROUND`` is off (tests)."""
    if not getattr(settings, "PERSON_IMPORT_IN_BACKGROUND", True):
        run_job(job.pk, data, separate_progress=False)
        return None
    thread = threading.Thread(
        target=_run_in_thread, args=(job.pk, data), name=f"person-import-{job.pk}", daemon=True
    )
    transaction.on_commit(thread.start)
    return thread
