"""The person upload page with a file's own header (column mapping), the counts of a re-run
and rows that look like persons already recorded (issue 16)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from procrastinate.contrib.django import procrastinate_app as django_app
from procrastinate.testing import InMemoryConnector

from casualties.importing.columns import suggest
from casualties.models import Person, PersonImport
from tests.casualties.task_queue import run_queued
from tests.factories import ConflictFactory, PartyFactory, PersonFactory
from tests.html import unlabelled_fields

pytestmark = pytest.mark.django_db
UPLOAD_URL = reverse("casualties:person_import")
THEIRS = "ID,Name,Status,Date,Kibbutz\nH-1,הדר גולדין,captured,2022-09-14,Be'eri\n"


@pytest.fixture(autouse=True)
def queue():
    with django_app.current_app.replace_connector(InMemoryConnector()) as app:
        yield app.connector


@pytest.fixture
def target(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}


def post(client, url, data, queue):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    run_queued(queue)
    return response


def upload(client, target, text, queue, **options):
    data = {
        "conflict": target["conflict"].pk,
        "party": target["party"].pk,
        "file": SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv"),
        **options,
    }
    return post(client, UPLOAD_URL, data, queue)


def test_known_header_words_are_suggested_in_any_language():
    header = ["ID", "Name", "ФИО", "Կոչում", "Date of birth", "Kibbutz", "status"]

    assert suggest(header) == {
        "ID": "external_id",
        "Name": "full_name",
        "ФИО": "",  # full_name is taken by the first column that means it
        "Կոչում": "rank",
        "Date of birth": "date_of_birth",
        "Kibbutz": "",
        "status": "status",
    }


def test_a_foreign_header_waits_for_the_mapping_then_imports(client, clerk, target, queue):
    client.force_login(clerk)

    response = upload(client, target, THEIRS, queue)

    job = PersonImport.objects.get()
    columns_url = reverse("casualties:person_import_columns", args=[job.pk])
    assert (response.status_code, response["Location"]) == (302, columns_url)
    assert job.state == "mapping" and not Person.objects.exists()
    page = client.get(columns_url).content.decode()
    assert unlabelled_fields(page) == []
    assert '<option value="external_id" selected>' in page
    assert '<option value="status_date" selected>' in page

    choices = {"column_0": "external_id", "column_1": "full_name", "column_2": "status"}
    response = post(client, columns_url, {**choices, "column_3": "status_date"}, queue)

    job.refresh_from_db()
    assert response["Location"] == reverse("casualties:person_import_detail", args=[job.pk])
    assert (job.state, str(job.errors)) == ("done", "[]") and job.column_map[4] == ["Kibbutz", ""]
    person = Person.objects.get()
    assert (person.external_id, person.full_name, person.name_latin) == ("H-1", "הדר גולדין", "")
    detail = client.get(response["Location"]).content.decode()
    assert "1 new, 0 updated, 0 unchanged, 0 rejected" in detail


def test_a_mapping_without_a_required_column_is_refused_beside_the_form(
    client, clerk, target, queue
):
    client.force_login(clerk)
    upload(client, target, THEIRS, queue)
    job = PersonImport.objects.get()
    url = reverse("casualties:person_import_columns", args=[job.pk])

    response = post(client, url, {"column_0": "external_id", "column_1": "full_name"}, queue)

    assert response.status_code == 200
    body = response.content.decode()
    assert "“status” : it is required" not in body
    assert "Choose a column of the file for “status”: it is required." in body
    assert PersonImport.objects.get().state == "mapping" and not Person.objects.exists()


def test_a_second_run_shows_unchanged_and_updated_counts_formatted(client, clerk, target, queue):
    client.force_login(clerk)
    rows = "".join(f"A-{n},Person {n},missing,2022-09-14,Private\n" for n in range(1200))
    header = "external_id,full_name,status,status_date,rank\n"
    upload(client, target, header + rows, queue)

    upload(
        client,
        target,
        header
        + rows.replace(
            "Person 7,missing,2022-09-14,Private", "Person 7,missing,2022-09-14,Corporal"
        ),
        queue,
    )

    job = PersonImport.objects.order_by("pk").last()
    assert (job.imported, job.updated, job.unchanged) == (0, 1, 1199)
    page = client.get(reverse("casualties:person_import_detail", args=[job.pk])).content.decode()
    assert "0 new, 1 updated, 1,199 unchanged, 0 rejected" in page


def test_rows_without_an_id_that_look_like_recorded_persons_are_listed(
    client, clerk, target, queue
):
    known = PersonFactory(
        **target, full_name="Արամ Սարգսյան", name_latin="", date_of_birth=datetime.date(1990, 5, 1)
    )
    known.refresh_search_key()
    known.save()
    client.force_login(clerk)
    text = "full_name,status,status_date,date_of_birth\n" + (
        "Արամ Սարգսյան,missing,2022-09-14,1990-05-01\n"
        "Արամ Սարգսյան,missing,2022-09-14,1991-05-01\n"
        "Դավիթ Հակոբյան,missing,2022-09-14,1990-05-01\n"
    )

    upload(client, target, text, queue, dry_run="on")

    job = PersonImport.objects.get()
    assert job.duplicates == [{"line": 2, "person": known.pk, "name": "Արամ Սարգսյան"}]
    page = client.get(reverse("casualties:person_import_detail", args=[job.pk])).content.decode()
    assert "1 row looks like an existing person" in page
    assert f'href="{reverse("casualties:person_detail", args=[known.pk])}"' in page
    assert "3 new, 0 updated, 0 unchanged, 0 rejected" in page
    assert Person.objects.count() == 1


def test_a_real_import_does_not_report_its_own_rows(client, clerk, target, queue):
    PersonFactory(**target, full_name="Someone Else")
    client.force_login(clerk)
    text = "full_name,status,status_date\nԱրամ Սարգսյան,missing,2022-09-14\n"

    upload(client, target, text, queue)

    job = PersonImport.objects.get()
    assert (job.state, job.imported, job.duplicates) == ("done", 1, [])
