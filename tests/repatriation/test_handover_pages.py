"""The staff handover pages: batch entry, list, detail, and the verifier's review."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape

from repatriation.forms import PERSON_NAME_UNKNOWN
from repatriation.models import Handover, Remains
from repatriation.services import NO_VERIFY_PERMISSION, OWN_DRAFT, handover_send_back
from tests.factories import HandoverFactory, PersonFactory, RemainsFactory, UserFactory
from tests.web_helpers import DATE, batch_post, verify_form, verify_url

pytestmark = pytest.mark.django_db

NEW = "/handovers/new/"
CONFIRMED_NEEDS_PERSON = "Confirmed remains must name the person identified."


def row_html(page: str, index: int) -> str:
    """The markup of one batch row (its <tbody>), found by its fields' names."""
    rows = re.findall(r'<tbody class="remains-row">.*?</tbody>', page, re.S)
    return next(row for row in rows if f'name="remains-{index}-case_number"' in row)


def error_ids(page: str) -> set[str]:
    return set(re.findall(r'<ul class="errorlist" id="([^"]+)_error"', page))


@pytest.fixture
def logged_in_clerk(client, clerk):
    client.force_login(clerk)
    return client


def test_the_empty_form_has_a_visible_label_for_every_header_field(logged_in_clerk):
    page = logged_in_clerk.get(NEW).content.decode()

    for name in ("conflict", "kind", "date", "location", "from_party", "to_party", "mediator"):
        assert f'<label for="id_{name}">' in page, name
    for name in ("agreement", "reported_count", "reported_by", "citation"):
        assert f'<label for="id_{name}">' in page, name
    # One row to start with, each cell labelled, plus the template the script copies rows from.
    for name in ("case_number", "condition", "identification", "person", "identified_on"):
        assert f'<label for="id_remains-0-{name}" class="visually-hidden">' in page, name
    assert 'id="remains-row-template"' in page and "remains-__prefix__-person" in page
    assert 'name="rows_from_count"' in page


def test_one_invalid_row_of_three_is_marked_beside_it_and_nothing_is_saved(
    logged_in_clerk, setting
):
    rows = [{}, {"identification": "confirmed", "identified_on": "2022-10-01"}, {}]

    response = logged_in_clerk.post(NEW, batch_post(setting, rows))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert CONFIRMED_NEEDS_PERSON in row_html(page, 1)
    assert CONFIRMED_NEEDS_PERSON not in row_html(page, 0) + row_html(page, 2)
    # What was typed is shown again.
    assert 'value="2022-10-01"' in row_html(page, 1)
    assert (Handover.objects.count(), Remains.objects.count()) == (0, 0)


def test_the_fixed_batch_is_saved_as_one_draft_with_its_three_remains(
    logged_in_clerk, clerk, setting, missing_soldier
):
    rows = [
        {},
        {
            "identification": "confirmed",
            "person": f"Aram Sargsyan (#{missing_soldier.pk})",
            "method": "dna",
            "identified_on": "2022-10-01",
            "dna_sample_ref": "LAB-17",
        },
        {"condition": "partial", "notes": "Found with tags"},
    ]

    response = logged_in_clerk.post(NEW, batch_post(setting, rows))

    handover = Handover.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/handovers/{handover.pk}/"
    assert (handover.state, handover.entered_by, handover.reported_count) == ("draft", clerk, 3)
    remains = list(handover.remains.order_by("case_number"))
    assert [r.case_number for r in remains] == [
        "2022-09-20/001",
        "2022-09-20/002",
        "2022-09-20/003",
    ]
    assert (remains[1].person, remains[1].dna_sample_ref) == (missing_soldier, "LAB-17")
    assert (remains[2].condition, remains[2].notes) == ("partial", "Found with tags")
    page = logged_in_clerk.get(response["Location"]).content.decode()
    assert "Draft saved with 3 remains" in page


def test_a_person_may_be_typed_by_exact_name_in_either_script(
    logged_in_clerk, setting, missing_soldier
):
    rows = [
        {"identification": "presumptive", "person": "aram sargsyan"},
        {"identification": "presumptive", "person": "Արամ Սարգսյան"},
    ]

    logged_in_clerk.post(NEW, batch_post(setting, rows))

    assert list(Remains.objects.values_list("person", flat=True)) == [missing_soldier.pk] * 2


def test_a_name_that_matches_no_one_is_refused_beside_the_person_field(logged_in_clerk, setting):
    rows = [{"identification": "presumptive", "person": "Nobody Known"}]

    page = logged_in_clerk.post(NEW, batch_post(setting, rows)).content.decode()

    expected = PERSON_NAME_UNKNOWN % {"party": "ARM", "name": "Nobody Known"}
    assert escape(str(expected)) in row_html(page, 0)
    assert "id_remains-0-person" in error_ids(page)
    assert 'aria-describedby="id_remains-0-person_error"' in page
    assert not Handover.objects.exists()


def test_an_unknown_person_and_another_row_s_error_show_at_once(logged_in_clerk, setting):
    rows = [{"identification": "confirmed"}, {"identification": "presumptive", "person": "#999999"}]

    page = logged_in_clerk.post(NEW, batch_post(setting, rows)).content.decode()

    assert CONFIRMED_NEEDS_PERSON in row_html(page, 0)
    assert "No person has the number 999999." in row_html(page, 1)
    assert CONFIRMED_NEEDS_PERSON not in row_html(page, 1)
    assert (Handover.objects.count(), Remains.objects.count()) == (0, 0)


def test_a_batch_with_an_unknown_person_is_not_saved_even_if_all_else_is_valid(
    logged_in_clerk, setting
):
    rows = [{}, {"identification": "presumptive", "person": "Nobody Known"}]

    response = logged_in_clerk.post(NEW, batch_post(setting, rows))

    assert response.status_code == 200
    assert (Handover.objects.count(), Remains.objects.count()) == (0, 0)


def test_a_person_of_another_party_gets_the_service_s_error_on_that_row(logged_in_clerk, setting):
    theirs = PersonFactory(conflict=setting["conflict"], party=setting["aze"])
    rows = [{}, {}, {"identification": "presumptive", "person": f"#{theirs.pk}"}]

    page = logged_in_clerk.post(NEW, batch_post(setting, rows)).content.decode()

    assert "but these remains were handed to ARM" in row_html(page, 2)
    assert error_ids(page) == {"id_remains-2-person"}
    assert not Handover.objects.exists()


def test_a_case_number_already_used_is_marked_on_its_row_and_field(logged_in_clerk, setting):
    RemainsFactory(case_number="2022-09-20/001")
    rows = [{}, {"case_number": "2022-09-20/001"}]

    page = logged_in_clerk.post(NEW, batch_post(setting, rows)).content.decode()

    assert error_ids(page) == {"id_remains-1-case_number"}
    assert "already used by other remains" in row_html(page, 1)
    assert Handover.objects.count() == 1  # only the factory's


def test_header_errors_appear_beside_the_header_field(logged_in_clerk, setting):
    data = batch_post(setting, [{}], to_party=setting["aze"].pk, date="")

    page = logged_in_clerk.post(NEW, data).content.decode()

    assert "id_date" in error_ids(page)
    assert "A handover goes from one party to a different party." in page
    assert not Handover.objects.exists()


def test_rows_marked_for_removal_are_not_saved(logged_in_clerk, setting):
    rows = [{}, {"DELETE": "on", "identification": "confirmed"}, {"notes": "kept"}]

    logged_in_clerk.post(NEW, batch_post(setting, rows))

    assert list(Remains.objects.values_list("notes", flat=True).order_by("case_number")) == [
        "",
        "kept",
    ]


def test_rows_from_count_makes_as_many_rows_as_announced_keeping_what_was_typed(
    logged_in_clerk, setting
):
    data = batch_post(setting, [{"notes": "first body"}], reported_count=7, location="Lachin")
    data["rows_from_count"] = "1"

    response = logged_in_clerk.post(NEW, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tbody class="remains-row">') == 7 + 1  # and the template's
    assert 'name="remains-TOTAL_FORMS" value="7"' in page
    assert 'value="first body"' in row_html(page, 0)
    assert 'value="Lachin"' in page
    assert "errorlist" not in page
    assert not Handover.objects.exists()


def test_rows_from_count_without_a_count_says_what_is_missing(logged_in_clerk, setting):
    data = {**batch_post(setting, [{}], reported_count=""), "rows_from_count": "1"}

    page = logged_in_clerk.post(NEW, data).content.decode()

    assert 'id="rows-from-count-problem"' in page
    assert page.count('<tbody class="remains-row">') == 1 + 1


def test_a_batch_of_100_rows_saves_in_one_request(logged_in_clerk, setting, missing_soldier):
    rows = [{"notes": f"body {n}"} for n in range(99)]
    rows.append(
        {
            "identification": "confirmed",
            "person": f"#{missing_soldier.pk}",
            "method": "dna",
            "identified_on": "2022-10-01",
        }
    )

    response = logged_in_clerk.post(NEW, batch_post(setting, rows))

    assert response.status_code == 302
    handover = Handover.objects.get()
    assert handover.remains.count() == 100
    missing_soldier.refresh_from_db()
    assert missing_soldier.status == "missing"  # recorded only when the draft is verified


def test_a_journalist_cannot_post_a_batch(client, journalist, setting):
    client.force_login(journalist)

    assert client.post(NEW, batch_post(setting, [{}])).status_code == 403
    assert not Handover.objects.exists()


@pytest.fixture
def clerks_draft(clerk, setting):
    handover = HandoverFactory(
        entered_by=clerk,
        conflict=setting["conflict"],
        from_party=setting["aze"],
        to_party=setting["arm"],
        date=DATE,
    )
    RemainsFactory(handover=handover, dna_sample_ref="LAB-99", notes="restricted note")
    return handover


def test_the_detail_page_shows_every_field_to_staff(logged_in_clerk, clerks_draft):
    page = logged_in_clerk.get(f"/handovers/{clerks_draft.pk}/").content.decode()

    assert "LAB-99" in page and "restricted note" in page
    assert "clerk" in page and "Not yet verified" in page
    assert "Review this draft" not in page  # a clerk does not verify


def test_a_clerk_cannot_verify_their_own_draft(logged_in_clerk, clerks_draft):
    page = logged_in_clerk.get(verify_url(clerks_draft)).content.decode()
    assert escape(str(NO_VERIFY_PERMISSION)) in page
    assert 'value="verify"' not in page

    response = logged_in_clerk.post(verify_url(clerks_draft), {"action": "verify"})

    assert response.status_code == 403
    clerks_draft.refresh_from_db()
    assert (clerks_draft.state, clerks_draft.verified_by) == ("draft", None)


def test_a_verifier_is_told_they_cannot_verify_their_own_draft(client, verifier, setting):
    own = HandoverFactory(entered_by=verifier, conflict=setting["conflict"])
    client.force_login(verifier)

    page = client.get(verify_url(own)).content.decode()
    assert escape(str(OWN_DRAFT)) in page
    assert 'value="verify"' not in page and 'value="send_back"' not in page

    response = client.post(verify_url(own), {"action": "verify"})
    assert response.status_code == 403
    assert escape(str(OWN_DRAFT)) in response.content.decode()
    own.refresh_from_db()
    assert own.state == "draft"


def test_a_verifier_verifies_someone_else_s_draft(client, verifier, clerks_draft):
    client.force_login(verifier)
    page = client.get(verify_url(clerks_draft)).content.decode()
    assert 'value="verify"' in page and "LAB-99" in page
    assert page.index("LAB-99") < page.index('value="verify"')  # the decision after the rows
    assert "I checked every row against the source: 1 logged of 1 announced" in page
    unticked = client.post(
        verify_url(clerks_draft), {**verify_form(client, clerks_draft), "checked": ""}
    )
    assert unticked.status_code == 200
    assert "id_checked" in error_ids(unticked.content.decode())
    clerks_draft.refresh_from_db()
    assert clerks_draft.state == "draft"

    response = client.post(verify_url(clerks_draft), verify_form(client, clerks_draft))

    assert response["Location"] == f"/handovers/{clerks_draft.pk}/"
    clerks_draft.refresh_from_db()
    assert (clerks_draft.state, clerks_draft.verified_by) == ("verified", verifier)
    again = client.post(verify_url(clerks_draft), {"action": "verify"})
    assert again.status_code == 409
    assert "already been verified by verifier." in again.content.decode()


def test_a_verifier_sends_a_draft_back_and_the_clerk_sees_why(
    client, verifier, clerk, clerks_draft
):
    client.force_login(verifier)
    response = client.post(
        verify_url(clerks_draft),
        {"action": "send_back", "review_comment": "Row 1: the case number is the lab's."},
    )

    assert response.status_code == 302
    clerks_draft.refresh_from_db()
    assert (clerks_draft.state, clerks_draft.sent_back_by) == ("sent_back", verifier)
    client.force_login(clerk)
    comment = escape("Row 1: the case number is the lab's.")
    assert comment in client.get(f"/handovers/{clerks_draft.pk}/").content.decode()
    assert comment in client.get("/handovers/").content.decode()


def test_sending_back_needs_a_comment(client, verifier, clerks_draft):
    client.force_login(verifier)

    response = client.post(verify_url(clerks_draft), {"action": "send_back", "review_comment": ""})

    assert response.status_code == 200
    assert "id_review_comment" in error_ids(response.content.decode())
    clerks_draft.refresh_from_db()
    assert (clerks_draft.review_comment, clerks_draft.sent_back_by) == ("", None)


def test_the_list_filters_by_state_and_puts_drafts_first_for_verifiers(client, verifier, setting):
    author = UserFactory()
    verified = HandoverFactory(entered_by=author, conflict=setting["conflict"], date=DATE)
    verified.state, verified.verified_by = "verified", verifier
    verified.verified_at = verified.created_at
    verified.save()
    older_draft = HandoverFactory(
        entered_by=author, conflict=setting["conflict"], date=DATE.replace(day=1)
    )
    client.force_login(verifier)

    page = client.get("/handovers/").content.decode()
    links = re.findall(r'href="/handovers/(\d+)/"', page)
    assert links == [str(older_draft.pk), str(verified.pk)]

    page = client.get("/handovers/?state=verified").content.decode()
    assert re.findall(r'href="/handovers/(\d+)/"', page) == [str(verified.pk)]


def test_the_list_filters_by_conflict_and_party(logged_in_clerk, setting):
    arm = HandoverFactory(conflict=setting["conflict"], to_party=setting["arm"])
    HandoverFactory(to_party=setting["icrc"])

    page = logged_in_clerk.get("/handovers/?conflict=sept-2022&party=ARM").content.decode()

    assert re.findall(r'href="/handovers/(\d+)/"', page) == [str(arm.pk)]
    assert '<label for="id_party">' in page


def test_the_person_lookup_offers_persons_of_the_receiving_party(
    logged_in_clerk, setting, missing_soldier
):
    PersonFactory(conflict=setting["conflict"], party=setting["aze"], name_latin="Aram Other")

    response = logged_in_clerk.get("/persons/lookup/", {"q": "aram", "party": setting["arm"].pk})

    assert response.json() == {
        "results": [
            {
                "id": missing_soldier.pk,
                "label": f"Արամ Սարգսյան / Aram Sargsyan (#{missing_soldier.pk})",
                "detail": "Missing · 2022-09-14",
            }
        ]
    }
    assert logged_in_clerk.get("/persons/lookup/", {"q": "a"}).json() == {"results": []}


def test_nobody_sends_back_their_own_draft(verifier, setting):
    own = HandoverFactory(entered_by=verifier, conflict=setting["conflict"])

    with pytest.raises(ValidationError) as refused:
        handover_send_back(handover=own, user=verifier, comment="Looks wrong")

    assert refused.value.code == "own_draft"
    own.refresh_from_db()
    assert (own.review_comment, own.sent_back_by) == ("", None)


def test_the_database_refuses_a_send_back_by_the_author(clerk, setting):
    own = HandoverFactory(entered_by=clerk, conflict=setting["conflict"])

    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.filter(pk=own.pk).update(sent_back_by=clerk, review_comment="x")
