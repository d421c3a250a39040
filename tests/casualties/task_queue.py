"""Running procrastinate's jobs in tests: in this thread from its in-memory queue, or with a
real worker on the test database (transactional tests only: the worker has its own
connections and sees only what is committed)."""

from django.db import connection
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.testing import InMemoryConnector


def run_queued(connector: InMemoryConnector) -> None:
    """Run the in-memory queue's jobs here, inside the test's transaction: a worker's thread
    would have a connection of its own and not see the rows the test has not committed."""
    for job in list(connector.jobs.values()):
        if job["status"] == "todo":
            job["status"] = "doing"
            app.tasks[job["task_name"]](**job["args"])
            job["status"] = "succeeded"


def run_worker() -> None:
    """Run a procrastinate worker until the queue in the database is empty."""
    with app.replace_connector(DjangoConnector().get_worker_connector()):
        # One job at a time: a job the first one puts back in the queue is then run too.
        app.run_worker(
            wait=False, concurrency=1, install_signal_handlers=False, listen_notify=False
        )


def empty_the_queue() -> None:
    """Transactional tests end by emptying Django's tables, but procrastinate's are unmanaged
    and would carry one test's jobs into the next."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_workers, procrastinate_periodic_defers "
            "CASCADE"
        )
