"""``statement_update``: fields and figures change together, or not at all."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casualties.models import Statement
from casualties.services import statement_update
from tests.factories import FigureFactory, PartyFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement():
    statement = StatementFactory(note="first")
    FigureFactory(statement=statement, subject_party=PartyFactory(code="ARM"), value=207)
    return statement


def figures_of(statement):
    return sorted(statement.figures.values_list("subject_party__code", "category", "value"))


def test_it_changes_fields_and_keeps_figures_when_none_are_given(statement):
    statement_update(statement=statement, data={"note": "second"})

    statement.refresh_from_db()
    assert statement.note == "second"
    assert figures_of(statement) == [("ARM", "killed_or_missing", 207)]


def test_a_list_revises_changed_figures_and_adds_new_ones(statement):
    arm = PartyFactory(code="ARM")

    statement_update(
        statement=statement,
        data={},
        figures=[
            {"subject_party": arm, "category": "killed_or_missing", "value": 210},
            {"subject_party": arm, "category": "injured", "value": 296, "civilians": 3},
        ],
    )

    assert figures_of(statement) == [
        ("ARM", "injured", 296),
        ("ARM", "killed_or_missing", 207),
        ("ARM", "killed_or_missing", 210),
    ]


def test_a_bad_figure_changes_nothing(statement):
    arm = PartyFactory(code="ARM")

    with pytest.raises(ValidationError) as excinfo:
        statement_update(
            statement=statement,
            data={"note": "second"},
            figures=[
                {"subject_party": arm, "category": "killed", "value": 1},
                {"subject_party": arm, "category": "killed", "value": 2},
            ],
        )

    assert list(excinfo.value.message_dict) == ["figures[1]"]
    assert Statement.objects.get(pk=statement.pk).note == "first"
    assert figures_of(statement) == [("ARM", "killed_or_missing", 207)]


def test_it_checks_the_statement_itself(statement):
    with pytest.raises(ValidationError):
        statement_update(statement=statement, data={"as_of": datetime.date(2030, 1, 1)})

    assert Statement.objects.get(pk=statement.pk).as_of == datetime.date(2022, 9, 19)


def test_it_refuses_fields_that_are_not_the_statements_own(statement):
    with pytest.raises(ValidationError) as excinfo:
        statement_update(statement=statement, data={"created_at": None})

    assert list(excinfo.value.message_dict) == ["created_at"]
