"""``import_status_events``: status histories from a file, one row per event (issue 16)."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from casualties.importing.common import ImportRefused
from casualties.importing.status_events import status_events_import
from casualties.models import Person, StatusChange
from ledger.computation import ledger_for
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

StatusChangeEvent = apps.get_model("casualties", "StatusChangeEvent")
HEADER = "external_id,status,status_date,basis,source_note\n"
EVENTS = HEADER + (
    "H-1,released,2023-11-24,exchange,Released in the November exchange\n"
    "H-2,released,2023-11-25,exchange,\n"
    "H-3,rescued,2024-06-08,,Rescued by the army\n"
    "H-4,killed,2024-01-10,official_notice,\n"
)


@pytest.fixture
def conflict():
    return ConflictFactory(slug="oct-2023", start_date=datetime.date(2023, 10, 7))


@pytest.fixture
def party():
    return PartyFactory(code="ISR")


@pytest.fixture
def captives(conflict, party):
    return [
        PersonFactory(
            conflict=conflict,
            party=party,
            external_id=f"H-{n}",
            status="captured",
            status_date=datetime.date(2023, 10, 7),
        )
        for n in range(1, 5)
    ]


def run(conflict, party, text, **options):
    return status_events_import(
        file=io.BytesIO(text.encode()), conflict=conflict, party=party, **options
    )


def errors_of(conflict, party, text) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        run(conflict, party, text)
    return [str(error) for error in refused.value.errors]


def history(person) -> list[tuple]:
    changes = StatusChange.objects.filter(person=person).order_by("effective_date", "id")
    return list(changes.values_list("status", "basis"))


def test_three_released_and_one_killed_and_the_registry_counts_them(conflict, party, captives):
    user = UserFactory()

    result = run(conflict, party, EVENTS, user=user, file_name="captives.csv")

    assert (result.applied, result.corrections, result.unchanged) == (4, 0, 0)
    assert result.summary() == "4 applied (0 corrections), 0 unchanged"
    assert history(captives[0]) == [("captured", "other"), ("released", "exchange")]
    # "rescued": released, with the basis rescue.
    assert history(captives[2]) == [("captured", "other"), ("released", "rescue")]
    assert history(captives[3]) == [("captured", "other"), ("killed", "official_notice")]
    assert StatusChange.objects.get(person=captives[0], status="released").recorded_by == user
    registry = ledger_for(conflict=conflict, party=party)["registry"]
    assert (registry["released"], registry["killed"], registry["captured"]) == (3, 1, 0)
    assert Person.objects.get(pk=captives[2].pk).status_date == datetime.date(2024, 6, 8)


def test_importing_the_same_file_again_changes_nothing(conflict, party, captives):
    run(conflict, party, EVENTS)
    changes = StatusChange.objects.count()
    events = StatusChangeEvent.objects.count()

    again = run(conflict, party, EVENTS)

    assert (again.applied, again.unchanged) == (0, 4)
    assert StatusChange.objects.count() == changes
    assert StatusChangeEvent.objects.count() == events


def test_the_history_page_shows_the_basis(client, clerk, conflict, party, captives):
    run(conflict, party, EVENTS)
    client.force_login(clerk)

    page = client.get(f"/persons/{captives[2].pk}/").content.decode()

    assert "Rescue" in page and "Rescued by the army" in page


def test_events_apply_in_date_order_whatever_the_file_order(conflict, party):
    person = PersonFactory(
        conflict=conflict,
        party=party,
        external_id="M-1",
        status="missing",
        status_date=datetime.date(2023, 10, 7),
    )
    text = "external_id,status,status_date\nM-1,released,2024-02-01\nM-1,captured,2023-10-08\n"

    result = run(conflict, party, text)

    assert result.applied == 2
    assert history(person) == [("missing", "other"), ("captured", "other"), ("released", "other")]


def test_a_rescued_missing_person_is_found_alive(conflict, party):
    person = PersonFactory(conflict=conflict, party=party, external_id="M-2", status="missing")

    run(conflict, party, "external_id,status,status_date\nM-2,rescued,2023-12-01\n")

    assert history(person)[-1] == ("found_alive", "rescue")


def test_a_forbidden_move_is_a_line_error_and_nothing_is_saved(conflict, party, captives):
    text = HEADER + "H-1,released,2023-11-24,,\nH-2,found_alive,2023-11-25,,\n"

    errors = errors_of(conflict, party, text)

    assert len(errors) == 1 and errors[0].startswith("line 3, status: ")
    assert StatusChange.objects.count() == 4


def test_a_reason_makes_a_forbidden_move_a_correction(conflict, party, captives):
    text = "external_id,status,status_date,reason\nH-2,found_alive,2023-11-25,Never captured\n"

    result = run(conflict, party, text)

    assert (result.applied, result.corrections) == (1, 1)
    change = StatusChange.objects.get(person=captives[1], status="found_alive")
    assert (change.is_correction, change.reason) == (True, "Never captured")


def test_every_bad_cell_is_reported_by_line_and_column(conflict, party, captives):
    text = HEADER + (
        "H-1,freed,2023-11-24,,\n"
        ",released,2023-11-24,,\n"
        "H-2,released,24/11/2023,,\n"
        "H-3,released,2023-11-24,luck,\n"
        "NOBODY,released,2023-11-24,,\n"
        "H-4,released,2099-01-01,,\n"
    )

    errors = errors_of(conflict, party, text)

    assert [error.split(":")[0] for error in errors] == [
        "line 2, status",
        "line 3, external_id",
        "line 4, status_date",
        "line 5, basis",
    ]
    # The cells are read first; persons and dates only when every cell reads.
    text = HEADER + "NOBODY,released,2023-11-24,,\nH-4,released,2099-01-01,,\n"
    later = [error.split(":")[0] for error in errors_of(conflict, party, text)]
    assert later == ["line 2, external_id", "line 3, status_date"]
    assert StatusChange.objects.count() == 4


def test_the_same_event_twice_in_a_file_names_the_first_line(conflict, party, captives):
    text = HEADER + "H-1,released,2023-11-24,,\nH-1,released,2023-11-24,,\n"

    assert errors_of(conflict, party, text) == ["line 3, status: The same event as line 2."]


def test_a_person_of_another_party_is_unknown(conflict, party, captives):
    stranger = PersonFactory(conflict=conflict, external_id="X-1", status="captured")
    text = "person,status,status_date\n"
    text += f"{stranger.pk},released,2023-11-24\n{captives[0].pk},released,2023-11-24\n"

    errors = errors_of(conflict, party, text)

    assert errors == ["line 2, person: No person of this conflict and party has this person."]


def test_a_dry_run_applies_nothing(conflict, party, captives):
    result = run(conflict, party, EVENTS, dry_run=True)

    assert result.applied == 4
    assert StatusChange.objects.count() == 4


def test_the_command_maps_columns_and_prints_the_counts(tmp_path, conflict, party, captives):
    path = tmp_path / "events.csv"
    path.write_text("ID,Event,Date\nH-1,released,2023-11-24\n", encoding="utf-8")
    out = io.StringIO()
    maps = ["ID=external_id", "Event=status", "Date=status_date"]

    for _ in range(2):
        call_command(
            "import_status_events", path, conflict="oct-2023", party="ISR", map=maps, stdout=out
        )

    first, second = out.getvalue().splitlines()
    assert first.startswith("1 events read; imported: 1 applied (0 corrections), 0 unchanged; ")
    assert second.startswith("1 events read; imported: 0 applied (0 corrections), 1 unchanged; ")


def test_the_command_refuses_a_bad_file_naming_the_line(tmp_path, conflict, party, captives):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "H-1,freed,2023-11-24,,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 2, status"):
        call_command("import_status_events", path, conflict="oct-2023", party="ISR")
    assert StatusChange.objects.count() == 4
