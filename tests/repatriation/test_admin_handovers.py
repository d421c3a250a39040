"""The handover admin: a batch is entered through handover_create, verified through
handover_verify, and frozen once verified."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import VERIFIER
from casualties.choices import PersonStatus
from repatriation.choices import HandoverState, Identification, IdentificationMethod
from repatriation.models import Handover, Remains
from repatriation.services import OWN_DRAFT, handover_verify
from tests.admin_forms import page_post_data
from tests.factories import (
    ConflictFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    UserFactory,
)

ADD_URL = reverse("admin:repatriation_handover_add")
LIST_URL = reverse("admin:repatriation_handover_changelist")


def change_url(handover):
    return reverse("admin:repatriation_handover_change", args=[handover.pk])


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def batch(db):
    """The handover fields of a batch of remains handed from AZE to ARM."""
    return {
        "conflict": ConflictFactory(slug="sept-2022").pk,
        "kind": "remains",
        "date": "2022-09-20",
        "from_party": PartyFactory(code="AZE").pk,
        "to_party": PartyFactory(code="ARM").pk,
        "reported_count": "3",
    }


def rows(*values):
    """Inline remains rows, each given by the fields that differ from a blank row."""
    return {
        f"remains-{index}-{field}": value
        for index, row in enumerate(values)
        for field, value in row.items()
    }


def test_adding_a_handover_creates_a_draft_with_numbered_remains(admin_client, admin_user, batch):
    page = admin_client.get(ADD_URL)
    remains = rows({"dna_sample_ref": "S-1"}, {"condition": "partial"}, {"notes": "Tag 17"})
    response = admin_client.post(ADD_URL, page_post_data(page, **batch, **remains))

    assert response.status_code == 302
    handover = Handover.objects.get()
    assert (handover.state, handover.entered_by) == (HandoverState.DRAFT, admin_user)
    assert list(handover.remains.order_by("case_number").values_list("case_number", flat=True)) == [
        "2022-09-20/001",
        "2022-09-20/002",
        "2022-09-20/003",
    ]
    assert handover.remains.get(case_number="2022-09-20/001").dna_sample_ref == "S-1"


def test_a_bad_remains_row_saves_nothing_and_shows_beside_the_row(admin_client, batch):
    stranger = PersonFactory(party=PartyFactory(code="XYZ"))
    page = admin_client.get(ADD_URL)
    remains = rows(
        {"dna_sample_ref": "S-1"},
        {"identification": Identification.PRESUMPTIVE, "person": stranger.pk},
        {"dna_sample_ref": "S-3"},
    )
    response = admin_client.post(ADD_URL, page_post_data(page, **batch, **remains))

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert "but these remains were handed to ARM" in inline.forms[1].errors["person"][0]
    assert not Handover.objects.exists()
    assert not Remains.objects.exists()


def test_duplicate_case_numbers_in_a_batch_are_refused(admin_client, batch):
    page = admin_client.get(ADD_URL)
    remains = rows({"case_number": "C-1"}, {"case_number": "C-1"})
    response = admin_client.post(ADD_URL, page_post_data(page, **batch, **remains))

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert "duplicate" in inline.non_form_errors()[0]
    assert inline.forms[1].non_field_errors() == ["Please correct the duplicate values below."]
    assert not Handover.objects.exists()


def test_a_service_refusal_is_shown_instead_of_a_server_error(admin_client, batch, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"reported_count": "Refused by the service."})

    monkeypatch.setattr("repatriation.admin.handovers.handover_create", refuse)
    page = admin_client.get(ADD_URL)
    response = admin_client.post(ADD_URL, page_post_data(page, **batch))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["reported_count"] == ["Refused by the service."]
    assert not Handover.objects.exists()


def test_a_service_refusal_about_rows_is_shown_beside_each_row(admin_client, batch, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError(
            {
                "remains[1].case_number": ["Number taken."],
                "remains[0]": ["Check this body."],
                "remains": ["Too many rows."],
                "location": ["Say where."],
            }
        )

    monkeypatch.setattr("repatriation.admin.handovers.handover_create", refuse)
    page = admin_client.get(ADD_URL)
    remains = rows({"dna_sample_ref": "S-1"}, {"case_number": "C-1"})
    response = admin_client.post(ADD_URL, page_post_data(page, **batch, **remains))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"location": ["Say where."]}
    inline = response.context["inline_admin_formsets"][0].formset
    assert inline.forms[1].errors == {"case_number": ["Number taken."]}
    assert inline.forms[0].errors == {"__all__": ["Check this body."]}
    assert inline.non_form_errors() == ["Too many rows."]
    assert not Handover.objects.exists()


def test_confirming_remains_in_a_draft_records_no_death_until_verified(
    admin_client, admin_user, batch
):
    handover = HandoverFactory(to_party_id=batch["to_party"], from_party_id=batch["from_party"])
    remains = RemainsFactory(handover=handover)
    person = PersonFactory(party_id=batch["to_party"], status=PersonStatus.MISSING)
    page = admin_client.get(change_url(handover))
    data = page_post_data(
        page,
        **rows(
            {
                "identification": Identification.CONFIRMED,
                "person": person.pk,
                "method": IdentificationMethod.DNA,
                "identified_on": "2022-10-01",
            }
        ),
    )
    response = admin_client.post(change_url(handover), data)

    assert response.status_code == 302
    remains.refresh_from_db()
    person.refresh_from_db()
    assert (remains.identification, remains.person) == (Identification.CONFIRMED, person)
    assert person.status == PersonStatus.MISSING
    revision = handover.revisions.get()
    assert (revision.kind, revision.revised_by, revision.changes) == (
        "edit",
        admin_user,
        {"changed": [remains.pk]},
    )

    handover_verify(handover=handover, user=UserFactory(groups=[VERIFIER]))

    person.refresh_from_db()
    assert (person.status, person.status_date) == (PersonStatus.KILLED, datetime.date(2022, 10, 1))


def verify(client, *handovers):
    data = {"action": "verify", "_selected_action": [h.pk for h in handovers]}
    return client.post(LIST_URL, data, follow=True)


def test_the_verify_action_refuses_your_own_draft(admin_client, admin_user):
    own = HandoverFactory(entered_by=admin_user)
    response = verify(admin_client, own)

    assert response.status_code == 200
    assert str(OWN_DRAFT) in response.content.decode()
    own.refresh_from_db()
    assert (own.state, own.verified_by) == (HandoverState.DRAFT, None)


def test_the_verify_action_verifies_someone_elses_draft(admin_client, admin_user):
    handover = HandoverFactory(entered_by=UserFactory())
    response = verify(admin_client, handover)

    assert "1 handover verified." in response.content.decode()
    handover.refresh_from_db()
    assert (handover.state, handover.verified_by) == (HandoverState.VERIFIED, admin_user)


def test_the_verify_action_is_offered_only_to_verifiers(client, clerk, verifier):
    HandoverFactory()
    clerk.is_staff = verifier.is_staff = True
    clerk.save()
    verifier.save()
    client.force_login(clerk)
    assert 'value="verify"' not in client.get(LIST_URL).content.decode()
    client.force_login(verifier)
    assert 'value="verify"' in client.get(LIST_URL).content.decode()


def verified_handover():
    handover = HandoverFactory(
        entered_by=UserFactory(),
        state=HandoverState.VERIFIED,
        verified_by=UserFactory(),
        verified_at=datetime.datetime(2022, 9, 21, tzinfo=datetime.UTC),
        reported_count=1,
        location="Sotk",
        citation="Ministry, 20 Sep",
    )
    return handover, RemainsFactory(handover=handover)


def test_a_clerk_cannot_change_a_verified_handover_in_the_admin(client, clerk):
    handover, remains = verified_handover()
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    page = client.get(change_url(handover))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="citation"' not in body and 'name="location"' not in body
    assert 'name="remains-0-case_number"' not in body
    assert remains.case_number in body

    data = page_post_data(page, location="Elsewhere", citation="Rewritten")
    data |= {"location": "Elsewhere", "citation": "Rewritten", "reported_count": "99"}
    response = client.post(change_url(handover), data)

    assert response.status_code == 403
    handover.refresh_from_db()
    assert (handover.location, handover.citation, handover.reported_count) == (
        "Sotk",
        "Ministry, 20 Sep",
        1,
    )
    assert not handover.revisions.exists()


def test_an_admin_correction_needs_a_reason_and_is_recorded(admin_client, admin_user):
    handover, remains = verified_handover()
    page = admin_client.get(change_url(handover))
    assert 'name="correction_reason"' in page.content.decode()

    data = page_post_data(page, reported_count="2", correction_reason="")
    response = admin_client.post(change_url(handover), data)

    assert response.status_code == 200
    assert "correction_reason" in response.context["adminform"].form.errors
    handover.refresh_from_db()
    assert handover.reported_count == 1

    reason = "The ministry's count was misread: two were announced."
    data = page_post_data(page, reported_count="2", correction_reason=reason)
    response = admin_client.post(change_url(handover), data)

    assert response.status_code == 302
    handover.refresh_from_db()
    assert (handover.reported_count, handover.state) == (2, HandoverState.VERIFIED)
    correction = handover.revisions.get()
    assert (correction.kind, correction.reason, correction.revised_by) == (
        "correction",
        reason,
        admin_user,
    )
    assert correction.changes == {"fields": ["reported_count"]}


def test_not_even_an_admin_deletes_a_verified_handover_or_its_remains(admin_client):
    handover, remains = verified_handover()

    pages = [
        reverse("admin:repatriation_handover_delete", args=[handover.pk]),
        reverse("admin:repatriation_remains_delete", args=[remains.pk]),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, {"post": "yes"}).status_code == 403

    assert Handover.objects.filter(pk=handover.pk).exists()
    assert Remains.objects.filter(pk=remains.pk).exists()


def test_delete_selected_with_a_verified_handover_among_them_deletes_nothing(
    admin_client, admin_user
):
    handover, remains = verified_handover()
    draft = HandoverFactory(entered_by=admin_user)
    action = {"action": "delete_selected", "_selected_action": [handover.pk, draft.pk]}

    response = admin_client.post(LIST_URL, action | {"post": "yes"})

    # Django's own check asks each selected handover (and its remains) for permission.
    assert response.status_code == 403
    assert Handover.objects.filter(pk__in=[handover.pk, draft.pk]).count() == 2

    remains_list = reverse("admin:repatriation_remains_changelist")
    response = admin_client.post(
        remains_list,
        {"action": "delete_selected", "_selected_action": [remains.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Remains.objects.filter(pk=remains.pk).exists()
