"""The status lifecycle of DESIGN §3, enforced by ``person_change_status``."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from casualties.services import person_change_status, person_create
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("injured", "killed"),
    ("missing", "killed"),
    ("missing", "captured"),
    ("missing", "found_alive"),
    ("captured", "released"),
    ("captured", "killed"),
}
ALL_MOVES = [(a, b) for a, b in itertools.product(PersonStatus.values, repeat=2) if a != b]
FORBIDDEN = sorted(set(ALL_MOVES) - ALLOWED)
DAY = datetime.date(2022, 9, 14)
LATER = datetime.date(2022, 9, 20)


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_an_allowed_move_becomes_the_current_status(clerk, current, new):
    person = PersonFactory(status=current, status_date=DAY)

    change = person_change_status(
        person=person, status=new, effective_date=LATER, user=clerk, source_note="MoD"
    )

    person.refresh_from_db()
    assert (person.status, person.status_date) == (new, LATER)
    assert (change.status, change.recorded_by, change.is_correction) == (new, clerk, False)
    assert list(person.status_changes.values_list("status", flat=True)) == [current, new]


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_a_forbidden_move_is_refused_with_the_reason_and_saves_nothing(clerk, current, new):
    person = PersonFactory(status=current, status_date=DAY)

    with pytest.raises(ValidationError) as excinfo:
        person_change_status(person=person, status=new, effective_date=LATER, user=clerk)

    message = excinfo.value.message_dict["status"][0]
    assert str(PersonStatus(current).label) in message
    assert str(PersonStatus(new).label) in message
    assert "correction" in message
    person.refresh_from_db()
    assert (person.status, person.status_date) == (current, DAY)
    assert person.status_changes.count() == 1


def test_a_forbidden_move_with_a_written_reason_is_recorded_as_a_correction(clerk):
    person = PersonFactory(status="killed", status_date=DAY)

    change = person_change_status(
        person=person,
        status="captured",
        effective_date=LATER,
        user=clerk,
        reason="Seen alive in a video published by the other side.",
    )

    person.refresh_from_db()
    assert person.status == "captured"
    assert change.is_correction
    assert change.reason == "Seen alive in a video published by the other side."


def test_a_blank_reason_does_not_make_a_correction(clerk):
    person = PersonFactory(status="killed", status_date=DAY)
    with pytest.raises(ValidationError):
        person_change_status(
            person=person, status="missing", effective_date=LATER, user=clerk, reason="   "
        )
    assert StatusChange.objects.filter(person=person).count() == 1


def test_the_same_status_again_is_refused(clerk):
    person = PersonFactory(status="missing", status_date=DAY)
    with pytest.raises(ValidationError) as excinfo:
        person_change_status(person=person, status="missing", effective_date=LATER, user=clerk)
    assert excinfo.value.message_dict == {"status": ["The person's status is already “Missing”."]}


def test_a_change_dated_before_the_current_status_is_refused(clerk):
    person = PersonFactory(status="missing", status_date=LATER)
    with pytest.raises(ValidationError) as excinfo:
        person_change_status(person=person, status="killed", effective_date=DAY, user=clerk)
    assert excinfo.value.message_dict == {
        "effective_date": [
            "A status change cannot be dated before the person's current status (2022-09-20)."
        ]
    }


def test_a_change_dated_in_the_future_is_refused(clerk):
    person = PersonFactory(status="missing", status_date=DAY)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        person_change_status(person=person, status="killed", effective_date=tomorrow, user=clerk)
    assert "effective_date" in excinfo.value.message_dict
    person.refresh_from_db()
    assert person.status == "missing"


def test_an_unknown_status_is_refused(clerk):
    person = PersonFactory(status="missing", status_date=DAY)
    with pytest.raises(ValidationError) as excinfo:
        person_change_status(person=person, status="dead", effective_date=LATER, user=clerk)
    assert excinfo.value.message_dict == {"status": ["“dead” is not a known status."]}


def test_person_create_records_the_first_status_change_and_a_latin_name(clerk):
    person = person_create(
        conflict=ConflictFactory(),
        party=PartyFactory(),
        full_name="Արթուր Ոսկանյան",
        status="missing",
        status_date=DAY,
        user=clerk,
        source_note="Family report",
        dna_reference="DNA-1",
    )

    assert person.name_latin == "Artur Voskanyan"
    first = person.status_changes.get()
    assert (first.status, first.effective_date, first.recorded_by) == ("missing", DAY, clerk)
    assert Person.objects.get(pk=person.pk).dna_reference == "DNA-1"


def test_person_create_with_a_bad_field_saves_nothing(clerk):
    with pytest.raises(ValidationError) as excinfo:
        person_create(
            conflict=ConflictFactory(),
            party=PartyFactory(),
            full_name="",
            status="missing",
            status_date=DAY,
            user=clerk,
        )
    assert "full_name" in excinfo.value.message_dict
    assert not Person.objects.exists()
    assert not StatusChange.objects.exists()
