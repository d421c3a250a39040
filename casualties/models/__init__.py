"""The casualties app's models: one module per kind of record, all importable from here."""

from casualties.models.aliases import PersonAlias, PersonMerge
from casualties.models.imports import PersonImport
from casualties.models.persons import NameWord, NameWords, Person, public_sort_name
from casualties.models.postings import NamePosting
from casualties.models.reference import Conflict, Party, Source, TimestampedModel
from casualties.models.statements import Figure, Statement
from casualties.models.statuses import StatusChange

__all__ = [
    "Conflict",
    "Figure",
    "NameWord",
    "NamePosting",
    "NameWords",
    "Party",
    "Person",
    "PersonAlias",
    "PersonImport",
    "PersonMerge",
    "Source",
    "Statement",
    "StatusChange",
    "TimestampedModel",
    "public_sort_name",
]
