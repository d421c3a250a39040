"""What a person's or a statement's change history includes (core/history.py): the record and
the rows that hang on it."""

from casualties.models import Figure, Person, PersonAlias, Statement, StatusChange
from core.history import Part


def person_history_parts(pk: int) -> list[Part]:
    return [
        Part(Person, {"pgh_obj_id": pk}),
        Part(StatusChange, {"person_id": pk}, label="status"),
        Part(PersonAlias, {"person_id": pk}, label="name"),
    ]


def statement_history_parts(pk: int) -> list[Part]:
    return [
        Part(Statement, {"pgh_obj_id": pk}),
        Part(Figure, {"statement_id": pk}, label="category"),
    ]
