"""Issue 15: typed case numbers that would break the automatic series, capped batches, a
large batch saved within its time budget, and plausible dates (DESIGN §3) — through the API,
the batch form and the admin."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from repatriation.models import Handover, Remains
from repatriation.models.remains import CASE_NUMBER_OUT_OF_SERIES
from tests.admin_forms import page_post_data
from tests.factories import ConflictFactory, PartyFactory, PersonFactory
from tests.web_helpers import batch_post

OVERFLOW = "2022-09-30/99999999999999999999"
URL = "/api/v1/handovers/"
NEW = "/handovers/new/"
ADMIN_ADD = reverse("admin:repatriation_handover_add")
# The factory conflict began on 2022-09-13; 30 days earlier is the earliest date accepted.
TOO_EARLY = datetime.date(2022, 8, 13)

# What one batch costs, whatever its length (a query per row would be thousands).
QUERIES_FOR_ANY_BATCH = 45


@pytest.fixture
def setting(db):
    """The scenery of the batch form (``tests.web_helpers.batch_post``) and of the API."""
    return {
        "conflict": ConflictFactory(slug="sept-2022", start_date=datetime.date(2022, 9, 13)),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
        "icrc": PartyFactory(code="ICRC", kind="mediator"),
    }


@pytest.fixture
def soldier(setting):
    return PersonFactory(conflict=setting["conflict"], party=setting["arm"])


@pytest.fixture
def clerk_page(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def admin_page(client, admin_user):
    client.force_login(admin_user)
    return client


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def confirmed(person, identified_on: datetime.date) -> dict:
    return {
        "identification": "confirmed",
        "method": "dna",
        "identified_on": identified_on.isoformat(),
    }


ROW = {"condition": "complete", "identification": "unidentified"}


def admin_post(client, setting, rows: list[dict], **header) -> dict:
    """The admin's add page as a browser posts it: the handover, then its inline rows (each
    with a note: the admin skips a row left as shown)."""
    shown = client.get(ADMIN_ADD)
    fields = {
        "conflict": setting["conflict"].pk,
        "kind": "remains",
        "date": "2022-09-30",
        "from_party": setting["aze"].pk,
        "to_party": setting["arm"].pk,
        "reported_count": len(rows),
        "remains-TOTAL_FORMS": len(rows),
        **header,
    }
    cells = {
        f"remains-{index}-{name}": value
        for index, row in enumerate(rows)
        for name, value in {**ROW, "notes": f"body {index}", **row}.items()
    }
    return page_post_data(shown, **fields, **cells)


def admin_rows(response):
    return response.context["inline_admin_formsets"][0].formset


def body(rows: list[dict], **extra) -> dict:
    return {
        "conflict": "sept-2022",
        "date": "2022-09-30",
        "from_party": "AZE",
        "to_party": "ARM",
        "reported_count": len(rows),
        "remains": rows,
        **extra,
    }


def test_an_overflowing_case_number_is_refused_and_blank_numbers_still_save(setting, clerk_api):
    refused = clerk_api.post(URL, body([{"case_number": OVERFLOW}]), format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["remains[0].case_number"] == [str(CASE_NUMBER_OUT_OF_SERIES)]
    assert not Remains.objects.exists()

    saved = clerk_api.post(URL, body([{}, {"case_number": "2022-09-30/000007"}]), format="json")
    assert saved.status_code == 201, saved.json()
    numbers = sorted(Remains.objects.values_list("case_number", flat=True))
    assert numbers == ["2022-09-30/000007", "2022-09-30/008"]


@override_settings(MAX_REMAINS_PER_HANDOVER=10)
def test_a_batch_past_the_cap_is_refused_naming_it(setting, clerk_api):
    response = clerk_api.post(URL, body([{}] * 11), format="json")
    assert response.status_code == 400
    assert "at most 10 remains" in response.json()["errors"]["remains"][0]
    assert not Handover.objects.exists()


def test_a_batch_past_the_default_cap_is_refused(setting, clerk_api):
    response = clerk_api.post(URL, body([{}] * 5001), format="json")
    assert response.status_code == 400
    assert "5000" in response.json()["errors"]["remains"][0]
    assert not Handover.objects.exists()


def test_a_1500_row_batch_saves_in_a_constant_number_of_queries(
    setting, clerk_api, django_assert_max_num_queries
):
    # Rows are checked set-wise, never a query per row (bench/batch.py times it: issue 15).
    with django_assert_max_num_queries(QUERIES_FOR_ANY_BATCH):
        response = clerk_api.post(
            URL, body([{"notes": f"row {i}"} for i in range(1500)]), format="json"
        )
    assert response.status_code == 201
    assert Remains.objects.count() == 1500


@pytest.mark.parametrize("day", [datetime.date(2099, 1, 1), datetime.date(2020, 1, 1)])
def test_an_implausible_handover_date_is_refused(setting, clerk_api, day):
    response = clerk_api.post(URL, body([{}], date=day.isoformat()), format="json")
    assert response.status_code == 400
    assert "date" in response.json()["errors"]
    assert not Handover.objects.exists()


# --- The batch form and the admin: case numbers and the cap ----------------------------------


def test_the_batch_form_refuses_an_overflowing_case_number_beside_its_row(clerk_page, setting):
    rows = [{}, {"case_number": OVERFLOW}]
    response = clerk_page.post(NEW, batch_post(setting, rows, date="2022-09-30"))

    assert response.status_code == 200
    row = response.context["rows"].forms[1]
    assert row.errors["case_number"] == [str(CASE_NUMBER_OUT_OF_SERIES)]
    assert not response.context["rows"].forms[0].errors
    assert not Handover.objects.exists()

    saved = clerk_page.post(NEW, batch_post(setting, [{}], date="2022-09-30"))
    assert saved.status_code == 302
    assert list(Remains.objects.values_list("case_number", flat=True)) == ["2022-09-30/001"]


def test_the_admin_refuses_an_overflowing_case_number_beside_its_row(admin_page, setting):
    response = admin_page.post(
        ADMIN_ADD, admin_post(admin_page, setting, [{}, {"case_number": OVERFLOW}])
    )

    assert response.status_code == 200
    assert admin_rows(response).forms[1].errors["case_number"] == [str(CASE_NUMBER_OUT_OF_SERIES)]
    assert not Handover.objects.exists()

    saved = admin_page.post(ADMIN_ADD, admin_post(admin_page, setting, [{}]))
    assert saved.status_code == 302
    assert list(Remains.objects.values_list("case_number", flat=True)) == ["2022-09-30/001"]


def test_the_batch_form_refuses_5001_rows_naming_the_cap(clerk_page, setting):
    response = clerk_page.post(NEW, batch_post(setting, [{}] * 5001))

    assert response.status_code == 400
    assert (
        response.context["count_problem"]
        == "A batch holds at most 5000 rows; enter the rest as another handover."
    )
    assert "at most 5000 rows" in response.content.decode()
    assert not Handover.objects.exists()


@override_settings(MAX_REMAINS_PER_HANDOVER=10)
def test_the_admin_refuses_rows_past_the_cap_naming_it(admin_page, setting):
    response = admin_page.post(ADMIN_ADD, admin_post(admin_page, setting, [{}] * 11))

    assert response.status_code == 200
    assert "at most 10 remains" in admin_rows(response).non_form_errors()[0]
    assert not Handover.objects.exists() and not Remains.objects.exists()


def test_a_1500_row_batch_saves_through_the_form(clerk_page, setting):
    response = clerk_page.post(
        NEW, batch_post(setting, [{"notes": f"row {i}"} for i in range(1500)])
    )

    assert response.status_code == 302
    assert Handover.objects.get().remains.count() == 1500


# --- Plausible dates: the handover's date and a row's identification date --------------------


@pytest.mark.parametrize("day", [tomorrow, lambda: TOO_EARLY])
def test_the_batch_form_refuses_an_implausible_handover_date(clerk_page, setting, day):
    response = clerk_page.post(NEW, batch_post(setting, [{}], date=day().isoformat()))

    assert response.status_code == 200
    assert "date" in response.context["header"].errors
    assert not Handover.objects.exists()


@pytest.mark.parametrize("day", [tomorrow, lambda: TOO_EARLY])
def test_the_admin_refuses_an_implausible_handover_date(admin_page, setting, day):
    response = admin_page.post(
        ADMIN_ADD, admin_post(admin_page, setting, [{}], date=day().isoformat())
    )

    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert not Handover.objects.exists()


def test_the_earliest_plausible_handover_date_is_accepted(clerk_api, setting):
    response = clerk_api.post(URL, body([{}], date="2022-08-14"), format="json")

    assert response.status_code == 201, response.json()


def test_the_api_refuses_an_identification_dated_in_the_future(clerk_api, soldier):
    row = {**confirmed(soldier, tomorrow()), "person": soldier.pk}
    response = clerk_api.post(URL, body([{}, row]), format="json")

    assert response.status_code == 400
    assert "future" in response.json()["errors"]["remains[1].identified_on"][0]
    assert not Handover.objects.exists()


def test_the_batch_form_refuses_an_identification_dated_in_the_future(clerk_page, setting, soldier):
    row = {**confirmed(soldier, tomorrow()), "person": f"#{soldier.pk}"}
    response = clerk_page.post(NEW, batch_post(setting, [{}, row]))

    assert response.status_code == 200
    assert "future" in response.context["rows"].forms[1].errors["identified_on"][0]
    assert not Handover.objects.exists()


def test_the_admin_refuses_an_identification_dated_in_the_future(admin_page, setting, soldier):
    row = {**confirmed(soldier, tomorrow()), "person": soldier.pk}
    response = admin_page.post(ADMIN_ADD, admin_post(admin_page, setting, [{}, row]))

    assert response.status_code == 200
    assert "future" in admin_rows(response).forms[1].errors["identified_on"][0]
    assert not Handover.objects.exists()


def test_the_admin_refuses_5001_rows_naming_the_cap_without_reading_them(
    admin_page, setting, django_assert_max_num_queries
):
    data = admin_post(admin_page, setting, [{}] * 5001)
    # Refused before any row is checked: no query per row.
    with django_assert_max_num_queries(QUERIES_FOR_ANY_BATCH):
        response = admin_page.post(ADMIN_ADD, data)

    assert response.status_code == 200
    assert "at most 5000 remains" in admin_rows(response).non_form_errors()[0]
    assert not Handover.objects.exists() and not Remains.objects.exists()
