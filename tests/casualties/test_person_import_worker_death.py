"""A person import whose worker dies mid-job: the periodic check retries it (the rerun starts
clean and ends ``done``) and, once the retries are used up, ends it ``failed`` with a message
on the job's page. Never does the page show ``loading`` for ever."""

import asyncio
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

from casualties.importing.jobs import ProgressWriter
from casualties.models import Person, PersonImport
from casualties.tasks import STALLED_RETRIES, stalled_person_imports
from tests.casualties.task_queue import empty_the_queue, run_worker
from tests.factories import ConflictFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = "full_name,status,status_date\n" + "".join(
    f"Person {n},missing,2022-09-14\n" for n in range(300)
)


@pytest.fixture
def queue():
    """The queue in the test database, as the web server uses it."""
    empty_the_queue()
    with app.replace_connector(DjangoConnector()):
        yield app
    empty_the_queue()


@pytest.fixture
def clerk_client(client):
    clerk = UserFactory(username="clerk", groups=["clerk"])
    client.force_login(clerk)
    return client


def upload(client) -> PersonImport:
    data = {
        "conflict": ConflictFactory(slug="sept-2022").pk,
        "party": PartyFactory(code="ARM").pk,
        "file": SimpleUploadedFile("list.csv", ROWS.encode(), content_type="text/csv"),
    }
    assert client.post(reverse("casualties:person_import"), data).status_code == 302
    return PersonImport.objects.get()


def worker_dies_mid_job(queue, job: PersonImport) -> None:
    """A worker takes the job through procrastinate's own API, reports progress as the import
    does, then stops (killed, its machine gone): no more heartbeats, the job left ``doing``."""
    manager = queue.job_manager
    worker_id = async_to_sync(manager.register_worker)()
    fetched = async_to_sync(manager.fetch_job)(queues=None, worker_id=worker_id)
    assert fetched.id == ProcrastinateJob.objects.get(args={"job_id": job.pk}).id
    progress = ProgressWriter(job.pk)
    progress("loading", 150, 300)
    progress.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '10 minutes' "
            "WHERE id = %s",
            [worker_id],
        )
    assert PersonImport.objects.get(pk=job.pk).state == "loading"


def check_stalled() -> None:
    """One run of the periodic check, as a worker runs it every minute (on its connector)."""

    async def check():
        async with app.open_async():
            # The check reads nothing from its context but the app.
            await stalled_person_imports.func(SimpleNamespace(app=app), timestamp=0)
        # As the worker's middleware does after each task.
        await sync_to_async(connections.close_all)()

    with app.replace_connector(DjangoConnector().get_worker_connector()):
        asyncio.run(check())


def test_an_import_whose_worker_died_is_run_again_and_ends_done(clerk_client, queue):
    job = upload(clerk_client)
    worker_dies_mid_job(queue, job)

    check_stalled()

    job.refresh_from_db()
    assert (job.state, job.processed_rows) == ("queued", 0)
    assert ProcrastinateJob.objects.get(task_name="casualties.person_import").status == "todo"
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.imported, job.failure) == ("done", 300, "")
    assert Person.objects.count() == 300  # once: the dead run's rows were rolled back


def test_a_worker_found_dead_through_the_periodic_task_itself(clerk_client, queue):
    job = upload(clerk_client)
    worker_dies_mid_job(queue, job)

    stalled_person_imports.defer(timestamp=0)
    run_worker()  # runs the check, then the import it put back in the queue

    job.refresh_from_db()
    assert (job.state, job.imported) == ("done", 300)
    assert Person.objects.count() == 300


def test_an_import_that_keeps_losing_its_worker_ends_failed_and_says_why(clerk_client, queue):
    job = upload(clerk_client)
    for _retry in range(STALLED_RETRIES):
        worker_dies_mid_job(queue, job)
        check_stalled()
        assert PersonImport.objects.get(pk=job.pk).state == "queued"

    worker_dies_mid_job(queue, job)
    check_stalled()

    job = PersonImport.objects.get(pk=job.pk)
    assert (job.state, job.failure) == ("failed", "worker_lost")
    assert job.finished_at is not None and not Person.objects.exists()
    assert bytes(PersonImport.objects.values_list("upload", flat=True).get()) == b""
    queued = ProcrastinateJob.objects.get(task_name="casualties.person_import")
    assert (queued.status, queued.attempts) == ("failed", STALLED_RETRIES + 1)
    page = clerk_client.get(reverse("casualties:person_import_detail", args=[job.pk]))
    assert "interrupted several times" in page.content.decode()
    status = clerk_client.get(reverse("casualties:person_import_status", args=[job.pk])).json()
    assert (status["state"], status["finished"]) == ("failed", True)


def test_a_live_worker_s_import_is_left_alone(clerk_client, queue):
    job = upload(clerk_client)
    manager = queue.job_manager
    worker_id = async_to_sync(manager.register_worker)()
    async_to_sync(manager.fetch_job)(queues=None, worker_id=worker_id)

    check_stalled()

    assert ProcrastinateJob.objects.get(task_name="casualties.person_import").status == "doing"
    assert PersonImport.objects.get(pk=job.pk).state == "queued"
