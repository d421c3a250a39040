"""Reads of person records that more than one page needs."""

import re

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from casualties.models import Person, StatusChange

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


def person_search(text: str, *, conflict_id=None, party_id=None) -> QuerySet[Person]:
    """Persons whose native or Latin name contains ``text`` (any case), by Latin name."""
    persons = Person.objects.filter(Q(full_name__icontains=text) | Q(name_latin__icontains=text))
    if conflict_id:
        persons = persons.filter(conflict_id=conflict_id)
    if party_id:
        persons = persons.filter(party_id=party_id)
    return persons.order_by("name_latin", "id")


def persons_named(names: set[str], *, conflict, party) -> dict[str, list[Person]]:
    """Persons of ``party`` in ``conflict`` whose native or Latin name is exactly one of
    ``names`` (any case), keyed by the lower-cased name; one query for a whole batch."""
    lowered = {name.lower() for name in names}
    found: dict[str, list[Person]] = {}
    persons = (
        Person.objects.select_related("party")
        .annotate(native=Lower("full_name"), latin=Lower("name_latin"))
        .filter(conflict=conflict, party=party)
        .filter(Q(native__in=lowered) | Q(latin__in=lowered))
    )
    for person in persons:
        for key in {person.native, person.latin} & lowered:
            found.setdefault(key, []).append(person)
    return found


def person_for_staff_page() -> QuerySet[Person]:
    """One person's page: conflict and party joined, then the status timeline with who
    recorded each change, the remains identified as them with their handovers, and the
    handovers that released them — four queries however long the history."""
    from repatriation.models import Remains

    return Person.objects.select_related("conflict", "party").prefetch_related(
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.select_related("recorded_by").order_by(
                "effective_date", "recorded_at", "id"
            ),
        ),
        Prefetch(
            "remains",
            queryset=Remains.objects.select_related(
                "handover__from_party", "handover__to_party"
            ).order_by("case_number", "id"),
        ),
        Prefetch("release_handovers", queryset=_release_handovers()),
    )


def _release_handovers():
    from repatriation.models import Handover

    return Handover.objects.select_related("from_party", "to_party").order_by("date", "id")
