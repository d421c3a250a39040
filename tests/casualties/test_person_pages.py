"""Staff pages for persons: list, registration, detail, edit and status changes."""

import datetime

import pytest
from django.urls import reverse

from casualties.models import Person, StatusChange
from casualties.services import FORBIDDEN_MOVE
from tests.factories import PersonFactory, RemainsFactory
from tests.html import unlabelled_fields

PAGES = ["casualties:person_list", "casualties:person_new"]
PERSON_PAGES = ["casualties:person_detail", "casualties:person_edit", "casualties:person_status"]


def _urls(person):
    return [reverse(name) for name in PAGES] + [
        reverse(name, args=[person.pk]) for name in PERSON_PAGES
    ]


def test_anonymous_visitors_are_sent_to_login(client, missing_soldier):
    for url in _urls(missing_soldier):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_journalists_are_refused(client, journalist, missing_soldier):
    client.force_login(journalist)
    for url in _urls(missing_soldier):
        assert client.get(url).status_code == 403


def test_the_list_shows_hidden_names_to_staff_and_filters(client, clerk, setting, missing_soldier):
    PersonFactory(conflict=setting["conflict"], party=setting["aze"], full_name="Other One")
    client.force_login(clerk)
    response = client.get(reverse("casualties:person_list"), {"party": "ARM", "q": "sarg"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Արամ Սարգսյան" in body and "Aram Sargsyan" in body
    assert "Other One" not in body


def test_the_list_needs_the_same_queries_for_many_persons(
    client, clerk, setting, django_assert_max_num_queries
):
    PersonFactory.create_batch(3, conflict=setting["conflict"], party=setting["arm"])
    client.force_login(clerk)
    client.get(reverse("casualties:person_list"))
    PersonFactory.create_batch(30, conflict=setting["conflict"], party=setting["arm"])
    # session, user, groups/perms, the planner's estimate then the exact count, page,
    # conflicts and parties for the filter lists
    with django_assert_max_num_queries(10):
        response = client.get(reverse("casualties:person_list"))
    assert response.context["page"].paginator.count == 33


def test_a_clerk_registers_a_person_with_a_first_status_change(client, clerk, setting):
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_new"),
        {
            "conflict": setting["conflict"].pk,
            "party": setting["arm"].pk,
            "full_name": "Հայկ Պետրոսյան",
            "status": "missing",
            "status_date": "2022-09-14",
            "source_note": "Ministry list of 15 September",
            "service_number": "AM-1",
        },
    )
    person = Person.objects.get(full_name="Հայկ Պետրոսյան")
    assert response.status_code == 302
    assert response["Location"] == reverse("casualties:person_detail", args=[person.pk])
    change = StatusChange.objects.get(person=person)
    assert (change.status, change.effective_date) == ("missing", datetime.date(2022, 9, 14))
    assert change.recorded_by == clerk
    assert change.source_note == "Ministry list of 15 September"
    assert person.name_latin


def test_the_detail_shows_restricted_fields_timeline_and_remains(client, clerk, missing_soldier):
    missing_soldier.service_number = "AM-77"
    missing_soldier.save()
    remains = RemainsFactory(person=missing_soldier, identification="presumptive")
    client.force_login(clerk)
    response = client.get(reverse("casualties:person_detail", args=[missing_soldier.pk]))
    body = response.content.decode()
    assert "AM-77" in body
    assert "2022-09-14" in body
    assert remains.case_number in body
    assert reverse("repatriation:handover_detail", args=[remains.handover_id]) in body


def test_a_clerk_edits_a_person(client, clerk, setting, missing_soldier):
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_edit", args=[missing_soldier.pk]),
        {
            "conflict": setting["conflict"].pk,
            "party": setting["arm"].pk,
            "full_name": missing_soldier.full_name,
            "name_latin": "Aram Sargsian",
            "unit": "3rd Battalion",
        },
    )
    assert response.status_code == 302
    missing_soldier.refresh_from_db()
    assert (missing_soldier.name_latin, missing_soldier.unit) == ("Aram Sargsian", "3rd Battalion")


def test_a_forbidden_move_shows_the_reason_and_saves_nothing(client, clerk, missing_soldier):
    missing_soldier.status = "killed"
    missing_soldier.save()
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_status", args=[missing_soldier.pk]),
        {"status": "captured", "effective_date": "2022-10-01"},
    )
    assert response.status_code == 200
    expected = FORBIDDEN_MOVE % {"current": "Killed", "new": "Captured"}
    assert response.context["form"].errors["status"] == [expected]
    assert expected in response.content.decode()
    missing_soldier.refresh_from_db()
    assert missing_soldier.status == "killed"
    assert StatusChange.objects.filter(person=missing_soldier).count() == 1


def test_an_allowed_move_is_recorded(client, clerk, missing_soldier):
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_status", args=[missing_soldier.pk]),
        {"status": "killed", "effective_date": "2022-10-01", "source_note": "Remains found"},
    )
    assert response.status_code == 302
    change = StatusChange.objects.filter(person=missing_soldier).latest("id")
    assert (change.status, change.is_correction, change.recorded_by) == ("killed", False, clerk)


@pytest.mark.parametrize("reason", ["The earlier report named the wrong man."])
def test_a_correction_with_a_reason_is_recorded(client, clerk, missing_soldier, reason):
    missing_soldier.status = "killed"
    missing_soldier.save()
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_status", args=[missing_soldier.pk]),
        {"status": "captured", "effective_date": "2022-10-01", "reason": reason},
    )
    assert response.status_code == 302
    change = StatusChange.objects.filter(person=missing_soldier).latest("id")
    assert (change.status, change.is_correction, change.reason) == ("captured", True, reason)
    page = client.get(reverse("casualties:person_detail", args=[missing_soldier.pk]))
    assert reason in page.content.decode()


def test_a_change_dated_before_the_current_status_is_refused(client, clerk, missing_soldier):
    client.force_login(clerk)
    response = client.post(
        reverse("casualties:person_status", args=[missing_soldier.pk]),
        {"status": "killed", "effective_date": "2022-09-01"},
    )
    assert response.status_code == 200
    assert "effective_date" in response.context["form"].errors
    assert StatusChange.objects.filter(person=missing_soldier).count() == 1


def test_every_field_on_the_person_pages_has_a_label(client, clerk, missing_soldier):
    client.force_login(clerk)
    for url in _urls(missing_soldier):
        response = client.get(url)
        assert response.status_code == 200
        assert unlabelled_fields(response.content.decode()) == [], url


def test_a_name_in_a_right_to_left_script_is_set_apart_in_its_own_direction(client, clerk, setting):
    person = PersonFactory(
        conflict=setting["conflict"], party=setting["arm"], full_name="דוד כהן", name_latin=""
    )
    client.force_login(clerk)

    pages = [
        reverse("casualties:person_detail", args=[person.pk]),
        reverse("casualties:person_list"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert 'dir="auto">דוד כהן</' in body, url


def test_the_list_filters_read_any_sort_by_column_and_export_what_is_shown(client, clerk, setting):
    for name, date in [("Ani Abrahamyan", "2022-09-20"), ("Zara Zakaryan", "2022-09-14")]:
        PersonFactory(
            conflict=setting["conflict"],
            party=setting["arm"],
            name_latin=name,
            status_date=datetime.date.fromisoformat(date),
        )
    PersonFactory(conflict=setting["conflict"], party=setting["aze"], name_latin="Other Side")
    client.force_login(clerk)
    url = reverse("casualties:person_list")

    page = client.get(url, {"party": "ARM"})
    body = page.content.decode()

    assert '<option value="" selected>Any</option>' in body  # civilian: not "Unknown"
    sorting = page.context["sorting"]
    assert sorting["name_latin"]["state"] == "ascending"
    assert 'aria-sort="ascending"' in body
    by_date = client.get(url + sorting["status_date"]["url"])
    names = [person.name_latin for person in by_date.context["page"].object_list]
    assert names == ["Zara Zakaryan", "Ani Abrahamyan"]
    assert by_date.context["sorting"]["status_date"]["state"] == "ascending"
    again = client.get(url + by_date.context["sorting"]["status_date"]["url"])
    assert [p.name_latin for p in again.context["page"].object_list] == names[::-1]

    export = client.get(page.context["export_url"])
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert len(text.splitlines()) == 3 and "Other Side" not in text


def test_the_status_form_offers_the_usual_next_statuses_first(client, clerk, missing_soldier):
    client.force_login(clerk)

    body = client.get(reverse("casualties:person_status", args=[missing_soldier.pk])).content
    body = body.decode()

    usual = body[body.index('<optgroup label="Usual next">') : body.index("</optgroup>")]
    assert 'value="killed"' in usual and 'value="captured"' in usual
    assert 'value="released"' not in usual
    correction = body[body.index('<optgroup label="Correction') :]
    assert 'value="released"' in correction
    assert 'value="missing"' not in body  # the current status is no move at all
