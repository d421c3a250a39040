"""Staff pages for importing person lists: upload, findings by line and column, progress as
JSON, the rejects download, the background thread, and who may use them."""

import csv
import io
import threading

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casualties.models import Person, PersonImport, StatusChange
from casualties.views import imports as import_views
from tests.factories import ConflictFactory, PartyFactory
from tests.html import unlabelled_fields

PersonEvent = apps.get_model("casualties", "PersonEvent")
HEADER = "full_name,status,status_date,service_number\n"
GOOD = "Արամ Սարգսյան,missing,2022-09-14,SN-1\nИван Петров,killed,2022-09-13,\n"
BAD = ",missing,2022-09-14,\nՀայկ Ավետիսյան,lost,2022-09-14,\n"
UPLOAD_URL = reverse("casualties:person_import")


@pytest.fixture(autouse=True)
def in_the_request(settings):
    settings.PERSON_IMPORT_IN_BACKGROUND = False


def upload(client, setting, text, name="list.csv", **options):
    data = {
        "conflict": setting["conflict"].pk,
        "party": setting["arm"].pk,
        "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
        **options,
    }
    return client.post(UPLOAD_URL, data)


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
    assert "2 persons imported" in page and "<progress" not in page


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
    assert import_views.MAX_UPLOAD_BYTES == 50 * 2**20
    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 2 * 2**20)
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


@pytest.mark.django_db(transaction=True)
def test_in_the_background_the_thread_imports_and_records_progress(client, settings, monkeypatch):
    settings.PERSON_IMPORT_IN_BACKGROUND = True
    started = []
    monkeypatch.setattr(import_views, "import_job_start", _recording(started))
    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk", groups=["clerk"])
    setting = {"conflict": ConflictFactory(slug="sept-2022"), "arm": PartyFactory(code="ARM")}
    client.force_login(clerk)
    rows = "".join(f"Person {n},missing,2022-09-14,\n" for n in range(25_000))

    upload(client, setting, HEADER + rows)
    started[0].join()

    job = PersonImport.objects.get()
    assert (job.state, job.imported, job.processed_rows) == ("done", 25_000, 25_000)
    assert Person.objects.count() == 25_000
    contexts = PersonEvent.objects.values_list("pgh_context__metadata", flat=True).distinct()
    assert [context["user"] for context in contexts] == [clerk.pk]


def _recording(started):
    from casualties.importing.jobs import import_job_start

    def start(**kwargs):
        thread = import_job_start(**kwargs)
        assert isinstance(thread, threading.Thread)
        started.append(thread)
        return thread

    return start
