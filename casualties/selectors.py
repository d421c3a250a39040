"""Reads of person records that more than one page needs."""

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest, Lower

from casualties.models import Person, PersonAlias, StatusChange
from casualties.transliteration import search_key

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


# The annotation that holds how well a person matched a name search (0–1, higher first).
SEARCH_RANK = "search_rank"
# pg_trgm's GIN index serves ``LIKE '%…%'`` only for patterns of at least one trigram.
MIN_SUBSTRING = 3
# Shorter words are matched only as substrings: "aram" is 0.6 word-similar to "araqelyan",
# so the similarity of a short word finds more noise than misspellings, and slowly.
MIN_FUZZY = 5
# A name has a few words; more only add index look-ups (a pasted paragraph would add hundreds).
MAX_WORDS = 6


class WordSimilar(Func):
    """``key <% search_key``: some extent of ``search_key`` is word-similar to ``key`` above
    ``pg_trgm.word_similarity_threshold`` (0.6). Written as the operator, not as a comparison
    of ``word_similarity()``, because only the operator is served by the trigram index."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


def _word_matches(word: str) -> Q:
    if len(word) < MIN_SUBSTRING:
        return Q(WordSimilar(Value(word), F("search_key")))
    if len(word) < MIN_FUZZY:
        return Q(search_key__contains=word)
    # The substring test comes first: PostgreSQL stops at it for most matches, and it is
    # far cheaper than the similarity it spares.
    return Q(search_key__contains=word) | Q(WordSimilar(Value(word), F("search_key")))


def _key_matches(key: str) -> Q:
    """A search key holding every word of ``key`` (of 3 letters or more: an initial says too
    little), each as a substring (a partial name) or, from 5 letters, as a similar word (a
    misspelling).

    Word by word, not the whole key at once: "aram sargsyan" is then an intersection of two
    index look-ups, instead of a similarity computed for every Sargsyan and every Aram."""
    words = [word for word in key.split() if len(word) >= MIN_SUBSTRING][:MAX_WORDS] or [key]
    matches = Q()
    for word in words:
        matches &= _word_matches(word)
    return matches


def name_search(persons: QuerySet[Person], text: str, *, public: bool) -> QuerySet[Person]:
    """``persons`` whose names or aliases match ``text`` in any script (Սարգսյան, Саргсян and
    Sargsyan are one name), word by word, annotated with ``search_rank``: the best word
    similarity of the whole ``text`` to the person's key or to any of their alias keys.
    Nothing when ``text`` has no letter or digit to compare.

    A ``public`` search sees only names that may be published, and aliases only of those, so
    neither results, order nor counts tell the public anything about a hidden name.
    """
    key = search_key(text)
    if not any(char.isalnum() for char in key):
        return persons.none()
    if public:
        persons = persons.filter(name_public=True)
    # The few persons an alias matches are read first (one query on the alias index), so
    # the search itself is one bitmap scan of the person table: trigram index OR primary
    # key. An IN (subquery) inside the OR would make PostgreSQL scan every person instead.
    aliased = list(
        PersonAlias.objects.filter(_key_matches(key))
        .values_list("person_id", flat=True)
        .distinct()
        .order_by()
    )
    rank = TrigramWordSimilarity(Value(key), "search_key")
    if aliased:
        best_alias = (
            PersonAlias.objects.filter(person=OuterRef("pk"))
            .annotate(rank=TrigramWordSimilarity(Value(key), "search_key"))
            .order_by("-rank")
            .values("rank")[:1]
        )
        alias_rank = Case(When(pk__in=aliased, then=Subquery(best_alias)), default=0.0)
        rank = Greatest(rank, alias_rank)
    matches = _key_matches(key) | Q(pk__in=aliased) if aliased else _key_matches(key)
    return persons.filter(matches).annotate(**{SEARCH_RANK: rank})


def person_search(text: str, *, conflict_id=None, party_id=None) -> QuerySet[Person]:
    """Staff look-up: persons whose name or alias matches ``text``, closest first."""
    persons = Person.objects.all()
    if conflict_id:
        persons = persons.filter(conflict_id=conflict_id)
    if party_id:
        persons = persons.filter(party_id=party_id)
    return name_search(persons, text, public=False).order_by(f"-{SEARCH_RANK}", "id")


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
    handovers that released them, and the other spellings of their name — five queries
    however long the history."""
    from repatriation.models import Remains

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
            queryset=Remains.objects.select_related(
                "handover__from_party", "handover__to_party"
            ).order_by("case_number", "id"),
        ),
        Prefetch("release_handovers", queryset=_release_handovers()),
    )


def _release_handovers():
    from repatriation.models import Handover

    return Handover.objects.select_related("from_party", "to_party").order_by("date", "id")
