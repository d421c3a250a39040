"""Reads of person records that more than one page needs. Searching persons by name is
``casualties.search.names``."""

import re

from django.db.models import Prefetch, QuerySet

from casualties.models import Person, PersonAlias, StatusChange

# "Sargsyan Aram (#1234)", "#1234" or "1234": the number is the person's id.
PERSON_NUMBER = re.compile(r"^#?(\d+)$|\(#(\d+)\)$")


def person_label(person: Person) -> str:
    """How a person is offered and typed in a staff form: their names, then their number."""
    names = [person.full_name]
    if person.name_latin and person.name_latin != person.full_name:
        names.append(person.name_latin)
    return f"{' / '.join(names)} (#{person.pk})"


def person_number(text: str) -> int | None:
    """The id in a person reference typed or picked in a form, or None when it names no id."""
    match = PERSON_NUMBER.search(text.strip())
    return int(match[1] or match[2]) if match else None


def person_for_staff_page() -> QuerySet[Person]:
    """One person's page: conflict and party joined, then the status timeline with who
    recorded each change, the remains identified as them with their handovers, and the
    handovers that released them, and the other spellings of their name — five queries
    however long the history. Remains and handovers are repatriation's models, reached
    through Person's reverse relations rather than imported (that app builds on this one)."""
    remains = Person._meta.get_field("remains").related_model
    return Person.objects.select_related("conflict", "party").prefetch_related(
        Prefetch("aliases", queryset=PersonAlias.objects.select_related("created_by")),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("recorded_by").order_by(
                "effective_date", "recorded_at", "id"
            ),
        ),
        Prefetch(
            "remains",
            queryset=remains.objects.select_related(
                "handover__from_party", "handover__to_party"
            ).order_by("case_number", "id"),
        ),
        Prefetch("release_handovers", queryset=_release_handovers()),
    )


def _release_handovers():
    handover = Person._meta.get_field("release_handovers").related_model
    return handover.objects.select_related("from_party", "to_party").order_by("date", "id")
