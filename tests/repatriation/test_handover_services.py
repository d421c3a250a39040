"""Handover batches: created whole or not at all, verified by a second person, identified."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import VERIFIER
from repatriation.models import Handover, Remains
from repatriation.services import (
    ALREADY_VERIFIED,
    OWN_DRAFT,
    handover_create,
    handover_verify,
    remains_identify,
)
from tests.factories import (
    AgreementFactory,
    ConflictFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DATE = datetime.date(2022, 9, 20)
IDENTIFIED = datetime.date(2022, 10, 5)


@pytest.fixture
def setting():
    conflict = ConflictFactory(slug="sept-2022")
    return conflict, PartyFactory(code="ARM"), PartyFactory(code="AZE")


def create(user, setting, remains=(), **extra):
    conflict, arm, aze = setting
    fields = {
        "conflict": conflict,
        "date": DATE,
        "from_party": aze,
        "to_party": arm,
        "reported_count": len(remains),
        **extra,
    }
    return handover_create(user=user, remains=list(remains), **fields)


def test_a_batch_saves_as_a_draft_with_case_numbers_assigned_in_order(clerk, setting):
    handover = create(clerk, setting, remains=[{}, {"condition": "partial"}, {}])

    assert (handover.state, handover.entered_by) == ("draft", clerk)
    assert list(handover.remains.order_by("case_number").values_list("case_number", flat=True)) == [
        "2022-09-20/001",
        "2022-09-20/002",
        "2022-09-20/003",
    ]


def test_case_numbers_continue_after_the_highest_used_that_day(clerk, setting):
    create(clerk, setting, remains=[{}, {}])
    second = create(clerk, setting, remains=[{"case_number": "2022-09-20/010"}, {}])

    assert set(second.remains.values_list("case_number", flat=True)) == {
        "2022-09-20/010",
        "2022-09-20/011",
    }


def test_one_invalid_row_saves_no_handover_and_no_remains(clerk, setting):
    rows = [{}, {"identification": "confirmed", "identified_on": IDENTIFIED}, {}]

    with pytest.raises(ValidationError) as excinfo:
        create(clerk, setting, remains=rows)

    assert excinfo.value.message_dict == {
        "remains[1]": ["Confirmed remains must name the person identified."]
    }
    assert Handover.objects.count() == 0
    assert Remains.objects.count() == 0


def test_every_bad_row_is_reported_at_once(clerk, setting):
    rows = [{"condition": "burnt"}, {}, {"case_number": "X/1"}, {"case_number": "X/1"}]

    with pytest.raises(ValidationError) as excinfo:
        create(clerk, setting, remains=rows)

    errors = excinfo.value.message_dict
    assert set(errors) == {"remains[0].condition", "remains[3].case_number"}
    assert errors["remains[3].case_number"] == [
        "Case number X/1 appears more than once in this batch."
    ]


def test_remains_of_another_partys_person_are_refused(clerk, setting):
    _conflict, _arm, aze = setting
    soldier = PersonFactory(party=aze, full_name="Someone Else")
    rows = [{"person": soldier, "identification": "presumptive"}]

    with pytest.raises(ValidationError) as excinfo:
        create(clerk, setting, remains=rows)

    assert excinfo.value.message_dict == {
        "remains[0].person": ["Someone Else belongs to AZE, but these remains were handed to ARM."]
    }


def test_an_agreement_between_other_parties_is_refused(clerk, setting):
    conflict, arm, _aze = setting
    agreement = AgreementFactory(conflict=conflict, party_a=arm, party_b=PartyFactory(code="XYZ"))

    with pytest.raises(ValidationError) as excinfo:
        create(clerk, setting, agreement=agreement)

    assert list(excinfo.value.message_dict) == ["agreement"]
    assert not Handover.objects.exists()


def test_a_prisoners_handover_cannot_carry_remains(clerk, setting):
    with pytest.raises(ValidationError) as excinfo:
        create(clerk, setting, remains=[{}], kind="prisoners")
    assert excinfo.value.message_dict == {
        "remains": ["A prisoners handover lists persons released, not remains."]
    }


def test_a_prisoners_handover_lists_the_persons_released(clerk, setting):
    _conflict, arm, _aze = setting
    prisoners = [PersonFactory(party=arm, status="captured") for _ in range(2)]

    handover = create(clerk, setting, kind="prisoners", released_persons=prisoners)

    assert set(handover.released_persons.all()) == set(prisoners)


def test_confirmed_remains_make_the_person_killed_only_when_verified(clerk, verifier, setting):
    _conflict, arm, _aze = setting
    person = PersonFactory(party=arm, status="missing", status_date=datetime.date(2022, 9, 13))
    row = {
        "person": person,
        "identification": "confirmed",
        "method": "dna",
        "identified_on": IDENTIFIED,
    }

    handover = create(clerk, setting, remains=[row])

    person.refresh_from_db()
    assert (person.status, person.status_date) == ("missing", datetime.date(2022, 9, 13))
    assert person.status_changes.count() == 1

    handover_verify(handover=handover, user=verifier)

    person.refresh_from_db()
    assert (person.status, person.status_date) == ("killed", IDENTIFIED)
    last = person.status_changes.last()
    assert last.recorded_by == verifier
    assert "2022-09-20/001" in last.source_note and "DNA" in last.source_note
    assert last.basis == "dna"


def test_a_death_named_by_other_means_than_dna_rests_on_no_basis_of_its_own(
    clerk, verifier, setting
):
    _conflict, arm, _aze = setting
    person = PersonFactory(party=arm, status="missing", status_date=datetime.date(2022, 9, 13))
    row = {"person": person, "identification": "confirmed", "method": "dental"}
    handover = create(clerk, setting, remains=[row | {"identified_on": IDENTIFIED}])

    handover_verify(handover=handover, user=verifier)

    last = person.status_changes.last()
    assert (last.status, last.basis) == ("killed", "other")


def test_presumptive_remains_leave_the_status_alone(clerk, setting):
    _conflict, arm, _aze = setting
    person = PersonFactory(party=arm, status="missing")

    create(clerk, setting, remains=[{"person": person, "identification": "presumptive"}])

    person.refresh_from_db()
    assert person.status == "missing"


def test_remains_of_a_person_recorded_as_released_do_not_rewrite_history(clerk, setting):
    """The contradiction is left for the ledger to report, not hidden by a silent correction."""
    _conflict, arm, _aze = setting
    person = PersonFactory(party=arm, status="released")
    row = {"person": person, "identification": "confirmed", "identified_on": IDENTIFIED}

    handover = create(clerk, setting, remains=[row])
    handover_verify(handover=handover, user=UserFactory(groups=[VERIFIER]))

    person.refresh_from_db()
    assert person.status == "released"
    assert person.remains.get().identification == "confirmed"


def test_remains_identify_confirms_a_drafts_remains_and_verification_kills(
    clerk, verifier, setting
):
    _conflict, arm, _aze = setting
    handover = create(clerk, setting, remains=[{}])
    remains = handover.remains.get()
    person = PersonFactory(party=arm, status="captured")

    remains_identify(
        remains=remains,
        person=person,
        identification="confirmed",
        method="dental",
        identified_on=IDENTIFIED,
        user=clerk,
    )

    remains.refresh_from_db()
    person.refresh_from_db()
    assert (remains.person, remains.identification) == (person, "confirmed")
    assert person.status == "captured"
    assert handover.revisions.get().changes == {"changed": [remains.pk]}
    handover_verify(handover=handover, user=verifier)
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("killed", IDENTIFIED)


def test_remains_identify_refuses_confirmation_without_person(clerk, setting):
    handover = create(clerk, setting, remains=[{}])
    remains = handover.remains.get()
    with pytest.raises(ValidationError):
        remains_identify(
            remains=remains,
            person=None,
            identification="confirmed",
            identified_on=IDENTIFIED,
            user=clerk,
        )
    remains.refresh_from_db()
    assert remains.identification == "unidentified"


def test_remains_of_a_verified_handover_are_final(clerk, verifier, setting):
    _conflict, arm, _aze = setting
    handover = create(clerk, setting, remains=[{}])
    handover_verify(handover=handover, user=verifier)
    remains = handover.remains.get()

    with pytest.raises(ValidationError) as excinfo:
        remains_identify(
            remains=remains,
            person=PersonFactory(party=arm),
            identification="confirmed",
            identified_on=IDENTIFIED,
            user=clerk,
        )

    assert excinfo.value.code == "verified"
    remains.refresh_from_db()
    assert remains.identification == "unidentified"


def test_a_verifier_verifies_someone_elses_draft(clerk, verifier, setting):
    handover = create(clerk, setting, remains=[{}])

    verified = handover_verify(handover=handover, user=verifier)

    handover.refresh_from_db()
    assert (handover.state, handover.verified_by) == ("verified", verifier)
    assert handover.verified_at is not None
    assert verified.pk == handover.pk


def test_a_verifier_cannot_verify_their_own_batch(verifier, setting):
    handover = create(verifier, setting, remains=[{}])

    with pytest.raises(ValidationError) as excinfo:
        handover_verify(handover=handover, user=verifier)

    assert excinfo.value.messages == [str(OWN_DRAFT)]
    handover.refresh_from_db()
    assert (handover.state, handover.verified_by) == ("draft", None)


def test_a_clerk_cannot_verify(clerk, other_clerk, setting):
    handover = create(other_clerk, setting)
    with pytest.raises(PermissionDenied):
        handover_verify(handover=handover, user=clerk)
    handover.refresh_from_db()
    assert handover.state == "draft"


def test_a_handover_is_verified_once(clerk, verifier, setting):
    handover = create(clerk, setting)
    handover_verify(handover=handover, user=verifier)
    with pytest.raises(ValidationError) as excinfo:
        handover_verify(handover=handover, user=verifier)
    assert excinfo.value.messages == [str(ALREADY_VERIFIED % {"user": "verifier"})]


def test_an_existing_case_number_elsewhere_is_not_reused_by_auto_numbering(clerk, setting):
    RemainsFactory(case_number="2022-09-20/004")
    handover = create(clerk, setting, remains=[{}])
    assert handover.remains.get().case_number == "2022-09-20/005"


def test_auto_numbering_skips_numbers_typed_into_the_same_batch(clerk, setting):
    handover = create(clerk, setting, remains=[{"case_number": "2022-09-20/001"}, {}])
    assert set(handover.remains.values_list("case_number", flat=True)) == {
        "2022-09-20/001",
        "2022-09-20/002",
    }
