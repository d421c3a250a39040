"""Each invariant of DESIGN §3 is a database constraint: it holds even when code bypasses the
forms and services, and the services report the same rule in words a clerk understands."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casualties.models import Conflict, Figure, StatusChange
from casualties.services import statement_create
from repatriation.choices import HandoverState, Identification
from repatriation.models import Agreement, Handover, Remains
from repatriation.services import handover_create
from tests.factories import (
    AgreementFactory,
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(constraint_name, write):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    assert constraint_name in str(excinfo.value)


def test_conflict_end_before_start_is_rejected_by_the_database():
    conflict = ConflictFactory(start_date=datetime.date(2022, 9, 13))
    assert_rejected_by_database(
        "conflict_end_after_start",
        lambda: Conflict.objects.filter(pk=conflict.pk).update(end_date=datetime.date(2022, 9, 1)),
    )


def test_negative_figure_is_rejected_by_the_database():
    figure = FigureFactory(value=5)
    assert_rejected_by_database(
        "figure_value_non_negative", lambda: Figure.objects.filter(pk=figure.pk).update(value=-1)
    )


def test_more_civilians_than_value_is_rejected_by_the_database():
    figure = FigureFactory(value=5, civilians=2)
    assert_rejected_by_database(
        "figure_civilians_within_value",
        lambda: Figure.objects.filter(pk=figure.pk).update(civilians=6),
    )


def test_duplicate_figure_in_a_statement_is_rejected_by_the_database():
    figure = FigureFactory()
    assert_rejected_by_database(
        "figure_unique_per_statement",
        lambda: Figure.objects.create(
            statement=figure.statement,
            subject_party=figure.subject_party,
            category=figure.category,
            value=1,
        ),
    )


def test_statement_describing_a_later_date_is_rejected_by_the_database():
    statement = StatementFactory()
    assert_rejected_by_database(
        "statement_as_of_not_after_issue",
        lambda: (
            type(statement)
            .objects.filter(pk=statement.pk)
            .update(as_of=statement.issued_on + datetime.timedelta(days=1))
        ),
    )


def test_handover_to_the_same_party_is_rejected_by_the_database():
    handover = HandoverFactory()
    assert_rejected_by_database(
        "handover_distinct_parties",
        lambda: Handover.objects.filter(pk=handover.pk).update(to_party=handover.from_party),
    )


def test_negative_reported_count_is_rejected_by_the_database():
    handover = HandoverFactory()
    assert_rejected_by_database(
        "handover_reported_count_non_negative",
        lambda: Handover.objects.filter(pk=handover.pk).update(reported_count=-3),
    )


def test_self_verification_is_rejected_by_the_database():
    handover = HandoverFactory()
    assert_rejected_by_database(
        "handover_four_eyes",
        lambda: Handover.objects.filter(pk=handover.pk).update(
            state=HandoverState.VERIFIED,
            verified_by=handover.entered_by,
            verified_at=datetime.datetime(2022, 9, 21, tzinfo=datetime.UTC),
        ),
    )


def test_verified_state_without_verifier_is_rejected_by_the_database():
    handover = HandoverFactory()
    assert_rejected_by_database(
        "handover_verified_has_verifier",
        lambda: Handover.objects.filter(pk=handover.pk).update(state=HandoverState.VERIFIED),
    )


def test_confirmed_remains_without_person_are_rejected_by_the_database():
    remains = RemainsFactory()
    assert_rejected_by_database(
        "remains_confirmed_has_person",
        lambda: Remains.objects.filter(pk=remains.pk).update(
            identification=Identification.CONFIRMED, identified_on=datetime.date(2022, 10, 1)
        ),
    )


def test_unidentified_remains_naming_a_person_are_rejected_by_the_database():
    remains = RemainsFactory()
    person = PersonFactory()
    assert_rejected_by_database(
        "remains_unidentified_has_no_person",
        lambda: Remains.objects.filter(pk=remains.pk).update(person=person),
    )


def test_duplicate_case_number_is_rejected_by_the_database():
    remains = RemainsFactory(case_number="2022-09-20/001")
    assert_rejected_by_database(
        "case_number",
        lambda: Remains.objects.create(handover=remains.handover, case_number="2022-09-20/001"),
    )


def test_correction_without_reason_is_rejected_by_the_database():
    person = PersonFactory()
    assert_rejected_by_database(
        "statuschange_correction_has_reason",
        lambda: StatusChange.objects.create(
            person=person,
            status="injured",
            effective_date=datetime.date(2022, 9, 20),
            is_correction=True,
        ),
    )


def test_agreement_between_a_party_and_itself_is_rejected_by_the_database():
    agreement = AgreementFactory()
    assert_rejected_by_database(
        "agreement_distinct_parties",
        lambda: Agreement.objects.filter(pk=agreement.pk).update(party_b=agreement.party_a),
    )


# The same rules, reported by the services in words (the constraint's violation message).


def test_statement_service_reports_civilians_above_value_and_saves_nothing():
    conflict, source, party = ConflictFactory(), SourceFactory(), PartyFactory()
    with pytest.raises(ValidationError) as excinfo:
        statement_create(
            conflict=conflict,
            source=source,
            issued_on=datetime.date(2022, 9, 19),
            as_of=datetime.date(2022, 9, 19),
            citation_title="Press release",
            figures=[
                {"subject_party": party, "category": "injured", "value": 296, "civilians": 3},
                {"subject_party": party, "category": "killed", "value": 5, "civilians": 9},
            ],
        )
    assert excinfo.value.message_dict == {
        "figures[1]": ["The number of civilians must be between 0 and the figure's value."]
    }
    assert not conflict.statements.exists()
    assert not Figure.objects.exists()


def test_statement_service_reports_a_duplicate_figure():
    conflict, source, party = ConflictFactory(), SourceFactory(), PartyFactory()
    figure = {"subject_party": party, "category": "captured", "value": 20}
    with pytest.raises(ValidationError) as excinfo:
        statement_create(
            conflict=conflict,
            source=source,
            issued_on=datetime.date(2022, 9, 19),
            as_of=datetime.date(2022, 9, 19),
            citation_title="Press release",
            figures=[figure, {**figure, "value": 21}],
        )
    assert excinfo.value.message_dict == {
        "figures[1]": ["This statement already has a figure of this category for this party."]
    }


@pytest.fixture
def arm_aze():
    return PartyFactory(code="ARM"), PartyFactory(code="AZE")


def handover_fields(conflict, from_party, to_party, **extra):
    return {
        "conflict": conflict,
        "date": datetime.date(2022, 9, 20),
        "from_party": from_party,
        "to_party": to_party,
        "reported_count": 1,
        **extra,
    }


def test_handover_service_reports_same_party_readably(clerk, arm_aze):
    arm, _aze = arm_aze
    with pytest.raises(ValidationError) as excinfo:
        handover_create(user=clerk, **handover_fields(ConflictFactory(), arm, arm))
    assert "A handover goes from one party to a different party." in excinfo.value.messages
    assert not Handover.objects.exists()


def test_handover_service_reports_negative_count_on_its_field(clerk, arm_aze):
    arm, aze = arm_aze
    fields = handover_fields(ConflictFactory(), aze, arm, reported_count=-1)
    with pytest.raises(ValidationError) as excinfo:
        handover_create(user=clerk, **fields)
    assert "reported_count" in excinfo.value.message_dict
    assert not Handover.objects.exists()


def test_handover_service_reports_confirmed_remains_without_person(clerk, arm_aze):
    arm, aze = arm_aze
    rows = [{"identification": "confirmed", "identified_on": datetime.date(2022, 10, 1)}]
    with pytest.raises(ValidationError) as excinfo:
        handover_create(user=clerk, remains=rows, **handover_fields(ConflictFactory(), aze, arm))
    assert excinfo.value.message_dict["remains[0]"] == [
        "Confirmed remains must name the person identified."
    ]


def test_handover_service_reports_a_case_number_already_used(clerk, arm_aze):
    arm, aze = arm_aze
    RemainsFactory(case_number="2022-09-20/007")
    rows = [{"case_number": "2022-09-20/007"}]
    with pytest.raises(ValidationError) as excinfo:
        handover_create(user=clerk, remains=rows, **handover_fields(ConflictFactory(), aze, arm))
    assert excinfo.value.message_dict["remains[0].case_number"] == [
        "Case number 2022-09-20/007 is already used by other remains."
    ]
    assert Handover.objects.count() == 1  # only the factory's


def test_entered_by_nobody_cannot_slip_past_four_eyes():
    """A verifier who is also the enterer is refused even through a model form's full_clean."""
    user = UserFactory()
    handover = HandoverFactory(entered_by=user)
    handover.state = HandoverState.VERIFIED
    handover.verified_by = user
    handover.verified_at = datetime.datetime(2022, 9, 21, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as excinfo:
        handover.full_clean()
    assert (
        "A handover must be verified by someone other than the person who entered it."
        in excinfo.value.messages
    )
