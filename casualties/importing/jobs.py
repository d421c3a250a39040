"""Running an uploaded person list as a ``PersonImport`` job (the task in ``casualties.tasks``
calls ``import_run`` in a procrastinate worker).

The upload page stores the file on the job's row and returns at once; the job page polls the
row. The import holds one transaction open until it commits, so progress goes through a second
connection in short autocommitted UPDATEs that the job page can read meanwhile.
"""

import io
import logging
import time

from django.db import connections, transaction
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

    def __init__(self, job_id: int, *, every: float = 0.5):
        self.job_id, self.every, self.last = job_id, every, 0.0
        self.db = connections.create_connection("default")

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        with self.db.cursor() as cursor:
            cursor.execute(UPDATE_PROGRESS, [stage, done, total, self.job_id])

    def close(self) -> None:
        self.db.close()


def _finish(job: PersonImport, result: ImportResult) -> None:
    job.state = State.REFUSED if result.refused else State.DONE
    job.total_rows = job.processed_rows = result.total
    job.imported, job.rejected = result.imported, result.rejected
    job.updated, job.unchanged = result.updated, result.unchanged
    if result.refused:
        job.updated = job.unchanged = 0
    elif result.dry_run:
        job.imported = result.new  # what the import would create, as the command says
    job.duplicates = result.look_alikes
    job.error_count = result.error_count
    job.errors = [error.as_dict() for error in result.errors]
    job.rejects_csv = result.rejects_csv
    job.finished_at = timezone.now()
    # A clean check keeps its file, so that "Import now" needs no second upload.
    if not (result.dry_run and not result.refused):
        job.upload = b""
    job.save()


def import_fail(job_id: int, *, failure: str) -> None:
    """End the job as failed, saying why; the file it waited with is dropped."""
    PersonImport.objects.filter(pk=job_id).update(
        state=State.FAILED, failure=failure, upload=b"", finished_at=timezone.now()
    )


def import_checked(*, job_id: int, user) -> PersonImport | None:
    """A new job importing the file a check-only job checked, with the same options and
    column mapping; the checked job gives its file up, so the list is imported once however
    often the button is pressed. None when there is nothing (left) to import."""
    with transaction.atomic():
        checked = PersonImport.objects.select_for_update().get(pk=job_id)
        upload = PersonImport.objects.values_list("upload", flat=True).get(pk=job_id)
        if not (checked.dry_run and checked.state == State.DONE and upload):
            return None
        job = PersonImport.objects.create(
            created_by=user,
            conflict_id=checked.conflict_id,
            party_id=checked.party_id,
            file_name=checked.file_name,
            skip_invalid=checked.skip_invalid,
            column_map=checked.column_map,
            ignore_unknown=checked.ignore_unknown,
            upload=upload,
        )
        PersonImport.objects.filter(pk=job_id).update(upload=b"")
    return job


def import_requeue(job_id: int) -> None:
    """Show a job whose worker died as waiting again: its rerun starts from the first row."""
    PersonImport.objects.filter(pk=job_id, finished_at=None).update(
        state=State.QUEUED, processed_rows=0
    )


def import_run(job_id: int) -> None:
    job = PersonImport.objects.select_related("conflict", "party", "created_by").get(pk=job_id)
    if job.finished:
        # Run again after it ended (the queue retried it): importing the list twice would
        # duplicate every person on it.
        logger.warning("Person import %s has already ended (%s)", job_id, job.state)
        return
    data = PersonImport.objects.values_list("upload", flat=True).get(pk=job_id)
    progress = ProgressWriter(job_id)
    try:
        # The persons and the job's "done" commit together: a worker dying in between would
        # otherwise leave an imported list that a retry imports a second time.
        with transaction.atomic():
            result = persons_import(
                file=io.BytesIO(bytes(data)),
                conflict=job.conflict,
                party=job.party,
                user=job.created_by,
                dry_run=job.dry_run,
                skip_invalid=job.skip_invalid,
                progress=progress,
                file_name=job.file_name,
                mapping=dict(job.column_map) or None,
                ignore_unknown=job.ignore_unknown,
            )
            _finish(job, result)
    except Exception:
        # The import rolled back; the page must say so rather than poll for ever.
        logger.exception("Person import %s failed", job_id)
        import_fail(job_id, failure=PersonImport.Failure.ERROR)
    finally:
        progress.close()
