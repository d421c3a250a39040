"""Staff pages for importing person lists: upload, findings by line and column, progress as
JSON, the rejects download, the task run by a worker, and who may use them."""

import csv
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from procrastinate.contrib.django import app as procrastinate_app
from procrastinate.contrib.django import procrastinate_app as django_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.testing import InMemoryConnector

from casualties.models import Person, PersonImport, StatusChange
from casualties.views import imports as import_views
from tests.casualties.task_queue import empty_the_queue, run_queued, run_worker
from tests.factories import ConflictFactory, PartyFactory
from tests.html import unlabelled_fields

PersonEvent = apps.get_model("casualties", "PersonEvent")
HEADER = "full_name,status,status_date,service_number\n"
GOOD = "Արամ Սարգսյան,missing,2022-09-14,SN-1\nИван Петров,killed,2022-09-13,\n"
BAD = ",missing,2022-09-14,\nՀայկ Ավետիսյան,lost,2022-09-14,\n"
UPLOAD_URL = reverse("casualties:person_import")


@pytest.fixture(autouse=True)
def queue():
    """Jobs go to procrastinate's in-memory queue (``upload`` runs them)."""
    with django_app.current_app.replace_connector(InMemoryConnector()) as app:
        yield app.connector


def upload(client, setting, text, name="list.csv", **options):
    data = {
        "conflict": setting["conflict"].pk,
        "party": setting["arm"].pk,
        "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
        **options,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(UPLOAD_URL, data)
    connector = procrastinate_app.connector
    if isinstance(connector, InMemoryConnector):
        run_queued(connector)
    return response


def job_urls(job):
    return [
        reverse(name, args=[job.pk])
        for name in (
            "casualties:person_import_detail",
            "casualties:person_import_status",
            "casualties:person_import_rejects",
        )
    ]


@pytest.fixture
def job(clerk, setting):
    return PersonImport.objects.create(
        created_by=clerk, conflict=setting["conflict"], party=setting["arm"], file_name="a.csv",
        rejects_csv="full_name,line,reason\n", state="checking", processed_rows=5, total_rows=20,
    )  # fmt: skip


def test_anonymous_visitors_are_sent_to_login(client, job):
    for url in [UPLOAD_URL, *job_urls(job)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_journalists_are_refused(client, journalist, job):
    client.force_login(journalist)
    for url in [UPLOAD_URL, *job_urls(job)]:
        assert client.get(url).status_code == 403
    assert (
        upload(client, {"conflict": job.conflict, "arm": job.party}, HEADER + GOOD).status_code
        == 403
    )
    assert not Person.objects.exists()


def test_the_upload_page_labels_every_field_and_lists_the_columns(client, clerk, setting):
    client.force_login(clerk)
    response = client.get(UPLOAD_URL)
    body = response.content.decode()

    assert response.status_code == 200
    assert unlabelled_fields(body) == []
    assert "<code>status_date</code>" in body and 'enctype="multipart/form-data"' in body


def test_a_good_list_is_imported_and_the_job_page_says_so(client, clerk, setting):
    client.force_login(clerk)
    response = upload(client, setting, HEADER + GOOD)

    job = PersonImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casualties:person_import_detail", args=[job.pk])
    assert (job.state, job.total_rows, job.imported, job.created_by) == ("done", 2, 2, clerk)
    assert StatusChange.objects.filter(recorded_by=clerk).count() == 2
    assert set(Person.objects.values_list("party__code", flat=True)) == {"ARM"}
    page = client.get(response["Location"]).content.decode()
    assert "2 new, 0 updated, 0 unchanged, 0 rejected" in page and "<progress" not in page


def test_bad_rows_are_shown_by_line_and_column_and_nothing_is_imported(client, clerk, setting):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD + BAD)

    job = PersonImport.objects.get()
    assert (job.state, job.imported, job.rejected, job.error_count) == ("refused", 0, 2, 2)
    assert not Person.objects.exists()
    page = client.get(reverse("casualties:person_import_detail", args=[job.pk])).content.decode()
    assert "<td>4</td><td><code>full_name</code></td><td>A value is required.</td>" in page
    assert "<td>5</td><td><code>status</code></td><td>“lost” is not a status" in page


def test_skip_invalid_imports_the_good_rows_and_the_rejects_download(client, clerk, setting):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD + BAD, skip_invalid="on")

    job = PersonImport.objects.get()
    assert (job.state, job.imported, job.rejected) == ("done", 2, 2)
    assert Person.objects.count() == 2
    response = client.get(reverse("casualties:person_import_rejects", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="list.rejects.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["line"], row["full_name"]) for row in rows] == [("4", ""), ("5", "Հայկ Ավետիսյան")]
    assert rows[1]["reason"].startswith("status: “lost” is not a status")


def test_a_dry_run_imports_nothing(client, clerk, setting):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD, dry_run="on")

    assert PersonImport.objects.get().state == "done"
    assert not Person.objects.exists()


def test_the_form_refuses_a_file_that_is_not_csv(client, clerk, setting):
    client.force_login(clerk)
    response = upload(client, setting, HEADER + GOOD, name="list.txt")

    assert response.status_code == 200
    assert "Choose a CSV file" in response.context["form"].errors["file"][0]
    assert not PersonImport.objects.exists()


def test_the_form_refuses_a_file_over_the_limit(client, clerk, setting, monkeypatch):
    assert import_views.PersonImportForm.max_bytes == 50 * 2**20
    monkeypatch.setattr(import_views.PersonImportForm, "max_bytes", 2 * 2**20)
    client.force_login(clerk)
    response = upload(client, setting, HEADER + GOOD * 30_000)

    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "the limit is 2 MB. Split the list" in error
    assert not PersonImport.objects.exists() and not Person.objects.exists()


def test_the_status_is_json_for_the_progress_bar(client, clerk, job, django_assert_max_num_queries):
    client.force_login(clerk)
    # session, user, groups, user permissions, group permissions, the job
    with django_assert_max_num_queries(6):
        response = client.get(reverse("casualties:person_import_status", args=[job.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "state": "checking", "label": "Checking rows", "processed": 5, "total": 20,
        "imported": 0, "rejected": 0, "error_count": 0, "finished": False,
    }  # fmt: skip


def test_an_unfinished_job_page_shows_progress_and_loads_its_script(client, clerk, job):
    client.force_login(clerk)
    body = client.get(reverse("casualties:person_import_detail", args=[job.pk])).content.decode()

    assert '<progress value="5" max="20">' in body
    assert "js/import_progress.js" in body and 'http-equiv="refresh"' in body
    assert reverse("casualties:person_import_status", args=[job.pk]) in body


def test_no_rejects_means_404(client, clerk, job):
    PersonImport.objects.filter(pk=job.pk).update(rejects_csv="")
    client.force_login(clerk)

    assert client.get(reverse("casualties:person_import_rejects", args=[job.pk])).status_code == 404


def test_the_upload_waits_on_the_row_for_the_task_and_is_dropped_after(
    client, clerk, setting, queue
):
    client.force_login(clerk)
    data = {
        "conflict": setting["conflict"].pk,
        "party": setting["arm"].pk,
        "file": SimpleUploadedFile("list.csv", (HEADER + GOOD).encode(), content_type="text/csv"),
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(UPLOAD_URL, data)

    job = PersonImport.objects.get()
    [queued] = queue.jobs.values()
    assert (queued["task_name"], queued["args"]) == ("casualties.person_import", {"job_id": job.pk})
    assert (
        bytes(PersonImport.objects.values_list("upload", flat=True).get())
        == (HEADER + GOOD).encode()
    )
    assert job.state == "queued" and not Person.objects.exists()

    run_queued(queue)

    assert PersonImport.objects.values_list("state", "upload").get() == ("done", b"")
    assert Person.objects.count() == 2


def test_a_job_that_already_ended_is_not_imported_twice(client, clerk, setting, queue):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD)
    job = PersonImport.objects.get()
    queue.jobs[1]["status"] = "todo"  # the queue hands the finished job out again

    run_queued(queue)

    assert Person.objects.count() == 2
    assert PersonImport.objects.get().state == "done"
    assert job.pk == PersonImport.objects.get().pk


def test_an_error_in_the_import_fails_the_job_and_the_page_says_so(
    client, clerk, setting, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("casualties.importing.jobs.persons_import", broken)
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD)

    job = PersonImport.objects.get()
    assert (job.state, job.failure, job.finished_at is not None) == ("failed", "error", True)
    assert bytes(PersonImport.objects.values_list("upload", flat=True).get()) == b""
    page = client.get(reverse("casualties:person_import_detail", args=[job.pk])).content.decode()
    assert "stopped on an unexpected error and nothing was imported" in page


@pytest.fixture
def empty_queue():
    empty_the_queue()
    yield
    empty_the_queue()


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_import_and_records_who_imported(client, empty_queue):
    """With the queue in the database and a procrastinate worker, as in production."""
    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk", groups=["clerk"])
    setting = {"conflict": ConflictFactory(slug="sept-2022"), "arm": PartyFactory(code="ARM")}
    client.force_login(clerk)
    rows = "".join(f"Person {n},missing,2022-09-14,\n" for n in range(25_000))

    with procrastinate_app.replace_connector(DjangoConnector()):
        upload(client, setting, HEADER + rows)
        job = ProcrastinateJob.objects.get(task_name="casualties.person_import")
        assert (job.status, job.args) == ("todo", {"job_id": PersonImport.objects.get().pk})
        run_worker()

    job = PersonImport.objects.get()
    assert (job.state, job.imported, job.processed_rows) == ("done", 25_000, 25_000)
    assert Person.objects.count() == 25_000
    contexts = PersonEvent.objects.values_list("pgh_context__metadata", flat=True).distinct()
    assert [context["user"] for context in contexts] == [clerk.pk]
    assert not ProcrastinateJob.objects.filter(task_name="casualties.person_import").exists()


def test_import_now_imports_a_checked_list_once_without_a_second_upload(
    client, clerk, setting, queue
):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD, dry_run="on")
    checked = PersonImport.objects.get()
    page = client.get(reverse("casualties:person_import_detail", args=[checked.pk]))
    run_url = reverse("casualties:person_import_run", args=[checked.pk])
    assert f'action="{run_url}"' in page.content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(run_url)
    run_queued(queue)

    job = PersonImport.objects.exclude(pk=checked.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casualties:person_import_detail", args=[job.pk])
    assert (job.dry_run, job.state, job.imported, job.file_name) == (False, "done", 2, "list.csv")
    assert Person.objects.count() == 2
    # The check gave its file up: a second press imports nothing, and says why.
    assert PersonImport.objects.values_list("upload", flat=True).get(pk=checked.pk) == b""
    again = client.post(run_url, follow=True)
    assert "imported already" in again.content.decode()
    assert Person.objects.count() == 2 and PersonImport.objects.count() == 2
    page = client.get(reverse("casualties:person_import_detail", args=[checked.pk]))
    assert f'action="{run_url}"' not in page.content.decode()


def test_a_refused_check_offers_no_import(client, clerk, setting):
    client.force_login(clerk)
    upload(client, setting, HEADER + BAD, dry_run="on")
    checked = PersonImport.objects.get()

    page = client.get(reverse("casualties:person_import_detail", args=[checked.pk]))

    assert checked.state == "refused"
    assert (
        "person_import_run" not in page.content.decode()
        and "Import now" not in page.content.decode()
    )
    assert (
        client.post(reverse("casualties:person_import_run", args=[checked.pk])).status_code == 302
    )
    assert not Person.objects.exists()


def test_the_upload_page_lists_past_imports_with_who_when_and_counts(client, clerk, setting):
    client.force_login(clerk)
    upload(client, setting, HEADER + GOOD)

    body = client.get(UPLOAD_URL).content.decode()

    past = body[body.index('id="past-imports-heading"') :]
    assert "list.csv" in past and "clerk" in past and "Done" in past
    assert "2 new, 0 updated, 0 unchanged, 0 rejected" in past
