"""Background work of the casualties app, run by ``manage.py procrastinate worker``: person
imports, and the periodic check that no import is left behind by a worker that died."""

import logging

from asgiref.sync import sync_to_async
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.jobs import Status

from casualties.importing.jobs import import_fail, import_requeue, import_run
from casualties.models import PersonImport

logger = logging.getLogger(__name__)

# Runs of one import a dying worker may cost before the import is given up as failed. A rerun
# starts clean: the import is one transaction, rolled back when its connection went away.
STALLED_RETRIES = 2
# A worker that has not sent a heartbeat for this long is taken for dead (procrastinate's
# workers send one every 10 seconds by default).
SECONDS_SINCE_HEARTBEAT = 60


@app.task(name="casualties.person_import")
def person_import(*, job_id: int) -> None:
    """Run the ``PersonImport`` row ``job_id`` (its file waits on the row)."""
    import_run(job_id)


@app.periodic(cron="* * * * *", periodic_id="stalled_person_imports")
@app.task(
    name="casualties.stalled_person_imports",
    queueing_lock="casualties.stalled_person_imports",
    pass_context=True,
)
async def stalled_person_imports(context: JobContext, timestamp: int) -> None:
    """Retry the imports whose worker stopped sending heartbeats, or, once they have been
    retried enough, end them as failed: a job's page never shows ``loading`` for ever."""
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        task_name=person_import.name, seconds_since_heartbeat=SECONDS_SINCE_HEARTBEAT
    )
    for job in stalled:
        job_id = job.task_kwargs["job_id"]
        if job.attempts < STALLED_RETRIES:
            logger.warning("Person import %s lost its worker; running it again", job_id)
            await manager.retry_job(job)
            await sync_to_async(import_requeue)(job_id)
        else:
            logger.error(
                "Person import %s lost its worker %d times; failed", job_id, job.attempts + 1
            )
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            await sync_to_async(import_fail)(job_id, failure=PersonImport.Failure.WORKER_LOST)
