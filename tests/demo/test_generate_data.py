"""``manage.py generate_data`` builds a consistent synthetic conflict, once, set-based."""

import re
from io import StringIO

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from casualties.alias_services import person_alias_add
from casualties.choices import PersonStatus
from casualties.models import Figure, Person, PersonAlias, Statement, StatusChange
from casualties.search.transliteration import search_key
from demo.management.commands.generate_data import HAS_DATA, NOT_SYNTHETIC
from demo.synthetic import NOTE, SYNTHETIC_MARK
from repatriation.choices import HandoverState, Identification, RemainsCondition
from repatriation.models import Handover, Remains
from tests.factories import ConflictFactory

SMALL = {"persons": 200, "handovers": 10, "remains_per_handover": 5, "statements": 8}
CASE_NUMBER = re.compile(r"^\d{4}-\d{2}-\d{2}/\d{3,}$")


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_data", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def counts(slug: str = "synthetic") -> dict[str, int]:
    return {
        "Person": Person.objects.filter(conflict__slug=slug).count(),
        "StatusChange": StatusChange.objects.filter(person__conflict__slug=slug).count(),
        "Handover": Handover.objects.filter(conflict__slug=slug).count(),
        "Remains": Remains.objects.filter(handover__conflict__slug=slug).count(),
        "Statement": Statement.objects.filter(conflict__slug=slug).count(),
        "Figure": Figure.objects.filter(statement__conflict__slug=slug).count(),
    }


@pytest.fixture
def generated(db, settings):
    settings.DEBUG = True
    return generate()


def test_a_small_run_creates_exactly_the_requested_rows(generated):
    found = counts()

    assert {key: found[key] for key in ("Person", "Handover", "Remains", "Statement")} == {
        "Person": 200,
        "Handover": 10,
        "Remains": 50,
        "Statement": 8,
    }
    assert found["StatusChange"] > 200  # one per person, plus earlier steps for some
    assert found["Figure"] >= 8
    assert "casualties_person" in generated and "seconds" in generated


def test_every_persons_status_is_their_latest_status_change(generated):
    with connection.cursor() as cursor:
        # One query: persons whose latest change (or lack of one) disagrees with their status.
        cursor.execute(
            """
            SELECT count(*) FROM casualties_person AS p
            JOIN casualties_conflict AS c ON c.id = p.conflict_id AND c.slug = 'synthetic'
            LEFT JOIN LATERAL (
                SELECT status, effective_date FROM casualties_statuschange AS sc
                WHERE sc.person_id = p.id
                ORDER BY effective_date DESC, recorded_at DESC, id DESC LIMIT 1
            ) AS latest ON true
            WHERE (latest.status, latest.effective_date) IS DISTINCT FROM (p.status, p.status_date)
            """
        )
        assert cursor.fetchone()[0] == 0


def test_persons_cover_every_status_within_the_conflict_and_are_labelled(generated):
    persons = Person.objects.filter(conflict__slug="synthetic")
    conflict = persons.first().conflict

    assert set(persons.values_list("status", flat=True)) == set(PersonStatus.values)
    assert set(persons.values_list("party__code", flat=True)) == {"SYN-A", "SYN-B"}
    assert persons.filter(party__code="SYN-A").count() > persons.filter(party__code="SYN-B").count()
    assert not persons.filter(status_date__lt=conflict.start_date).exists()
    assert not persons.filter(status_date__gt=conflict.end_date).exists()
    assert not persons.filter(name_latin="").exists()
    assert set(persons.values_list("notes", flat=True)) == {NOTE}
    assert persons.exclude(service_number="").filter(service_number__startswith="SYN-").exists()
    assert conflict.description.startswith(SYNTHETIC_MARK)
    two_step = StatusChange.objects.filter(person__in=persons).values("person")
    assert two_step.annotate(n=Count("id")).filter(n=2).exists()


def test_search_keys_are_those_the_services_would_derive_from_the_names(generated):
    persons = Person.objects.filter(conflict__slug="synthetic")
    names = persons.values_list("full_name", "name_latin", "search_key")

    wrong = [row for row in names if row[2] != search_key(row[0], row[1])]
    assert wrong == []
    assert persons.exclude(search_key="").count() == 200
    # Armenian names carry their Russian forms: Հակոբյան is found as Akopyan.
    assert persons.filter(full_name__contains="Հակոբյան", search_key__contains="akopyan").exists()


def test_case_numbers_are_unique_and_carry_their_handovers_date(generated):
    remains = Remains.objects.filter(handover__conflict__slug="synthetic").select_related(
        "handover"
    )
    numbers = [item.case_number for item in remains]

    assert len(set(numbers)) == len(numbers) == 50
    for item in remains:
        assert CASE_NUMBER.match(item.case_number), item.case_number
        assert item.case_number.startswith(f"{item.handover.date.isoformat()}/")


def test_confirmed_remains_are_killed_persons_of_the_receiving_party(generated):
    confirmed = Remains.objects.filter(
        handover__conflict__slug="synthetic", identification=Identification.CONFIRMED
    )

    assert confirmed.exists()
    assert not confirmed.exclude(person__party=F("handover__to_party")).exists()
    assert set(confirmed.values_list("person__status", flat=True)) == {PersonStatus.KILLED}
    assert not confirmed.filter(identified_on__lt=F("handover__date")).exists()
    assert not confirmed.filter(person__status_date__gt=F("handover__date")).exists()
    complete = confirmed.filter(condition=RemainsCondition.COMPLETE)
    assert complete.count() == complete.values("person").distinct().count()


def test_handovers_are_mostly_verified_by_a_second_user_and_some_counts_are_off(db, settings):
    settings.DEBUG = True
    generate(persons=300, handovers=60, remains_per_handover=3)
    handovers = Handover.objects.filter(conflict__slug="synthetic")
    verified = handovers.filter(state=HandoverState.VERIFIED)

    assert handovers.filter(state=HandoverState.DRAFT).exists()
    assert verified.count() > handovers.count() // 2
    assert set(verified.values_list("verified_by__username", flat=True)) == {"generator-verifier"}
    assert set(handovers.values_list("entered_by__username", flat=True)) == {"generator"}
    assert set(handovers.values_list("mediator__code", flat=True)) == {"SYN-M"}
    off = handovers.exclude(reported_count=3).values_list("reported_count", flat=True)
    assert off and set(off) <= {1, 2, 4, 5}
    assert handovers.filter(from_party__code="SYN-B", to_party__code="SYN-A").count() > 30


def test_party_sources_state_growing_figures_about_their_own_party(generated):
    figures = Figure.objects.filter(statement__conflict__slug="synthetic").select_related(
        "statement__source", "subject_party"
    )
    series: dict[tuple, list] = {}
    for figure in figures.order_by("statement__as_of", "statement__issued_on"):
        party = figure.statement.source.party
        assert party is None or party == figure.subject_party
        key = (figure.statement.source_id, figure.subject_party_id, figure.category)
        series.setdefault(key, []).append(figure.value)

    assert all(values == sorted(values) for values in series.values())
    assert figures.filter(statement__source__name="Synthetic observer").exists()
    assert figures.filter(category="remains_returned").exists()


def test_the_audit_trail_records_the_rows_under_the_commands_context(generated):
    context = pghistory.models.Context.objects.get(metadata__command="generate_data")
    person_events = apps.get_model("casualties", "PersonEvent").objects.filter(pgh_context=context)

    assert person_events.count() == 200


def test_a_second_run_without_replace_refuses_and_changes_nothing(generated):
    before = counts()

    with pytest.raises(CommandError) as refused:
        generate(persons=5)

    assert str(refused.value) == HAS_DATA % {"slug": "synthetic"}
    assert counts() == before


def snapshot() -> tuple[list, list]:
    persons = Person.objects.values_list("full_name", "party__code", "status", "status_date")
    remains = Remains.objects.values_list(
        "case_number", "condition", "identification", "person__full_name"
    )
    return sorted(persons), sorted(remains, key=str)


def test_replace_generates_the_same_data_again_from_the_same_seed(generated):
    before, first = counts(), snapshot()
    first_ids = set(Person.objects.values_list("id", flat=True))

    out = generate(replace=True)

    assert counts() == before
    assert snapshot() == first
    assert not first_ids & set(Person.objects.values_list("id", flat=True))
    assert "previous data deleted" in out


def test_replace_also_deletes_the_aliases_of_the_persons_it_deletes(generated):
    person_alias_add(person=Person.objects.filter(conflict__slug="synthetic").first(), name="X")

    generate(replace=True)

    assert not PersonAlias.objects.exists()
    assert counts()["Person"] == 200


def test_tiny_and_empty_sizes_still_load(db, settings):
    settings.DEBUG = True

    generate(persons=0, handovers=3, remains_per_handover=0, statements=1)

    assert counts() == {
        "Person": 0,
        "StatusChange": 0,
        "Handover": 3,
        "Remains": 0,
        "Statement": 1,
        "Figure": 4,
    }


def test_it_never_writes_into_a_conflict_that_is_not_synthetic(db, settings):
    settings.DEBUG = True
    ConflictFactory(slug="real-war", description="A real conflict.")

    with pytest.raises(CommandError) as refused:
        generate(conflict="real-war", replace=True)

    assert str(refused.value) == NOT_SYNTHETIC % {"slug": "real-war"}
    assert counts("real-war")["Person"] == 0


def test_it_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        generate()
    assert counts()["Person"] == 0

    generate(force=True)
    assert counts()["Person"] == 200
