"""A generated list shaped like a real Armenian national list: surnames at a realistic
frequency (the eight commonest hold about a fifth of the persons), names in both orders
("given surname patronymic" and "given patronymic surname"), twins, and planted duplicates.

Used by the name-search and duplicate tests (a few thousand persons) and by
``bench/duplicates.py`` and ``bench/search.py`` (up to 200,000). Every name is invented from
common name words; the caller chooses the conflict and party to fill."""

import datetime
import random

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from casualties.search.transliteration import search_key

# The commonest surnames, most frequent first, then a long tail.
COMMON = [
    "Հովհաննիսյան", "Հակոբյան", "Ղազարյան", "Գևորգյան", "Հարությունյան", "Սարգսյան",
    "Գրիգորյան", "Խաչատրյան",
]  # fmt: skip
TAIL = [
    "Պետրոսյան", "Վարդանյան", "Մկրտչյան", "Ավետիսյան", "Մարտիրոսյան", "Կարապետյան",
    "Ստեփանյան", "Մանուկյան", "Աբրահամյան", "Դավթյան", "Ասատրյան", "Թովմասյան", "Բաղդասարյան",
    "Ալեքսանյան", "Մելքոնյան", "Սիմոնյան", "Առաքելյան", "Մինասյան", "Համբարձումյան",
    "Եղիազարյան", "Զաքարյան", "Մովսիսյան", "Ներսիսյան", "Պողոսյան", "Ռաֆայելյան", "Սահակյան",
    "Տոնոյան", "Օհանյան", "Ֆարմանյան", "Չոբանյան", "Շահինյան", "Ղուկասյան", "Նազարյան",
    "Բաբայան", "Ավագյան", "Ոսկանյան", "Հովսեփյան", "Մաթևոսյան", "Իսրայելյան", "Լալայան",
]  # fmt: skip
# Given names hold no Գևորգ: tests add a few persons so named, to compare with the surname.
GIVEN = [
    "Արմեն", "Դավիթ", "Տիգրան", "Նարեկ", "Արամ", "Հայկ", "Սամվել", "Արթուր", "Վահե", "Գոռ",
    "Էդգար", "Մհեր", "Ռոբերտ", "Կարեն", "Սերգեյ", "Վարդան", "Արսեն", "Հրայր", "Աշոտ", "Լևոն",
    "Սուրեն", "Գագիկ", "Մխիթար", "Էրիկ", "Ալեքս", "Հովհաննես", "Արտակ", "Վազգեն",
]  # fmt: skip
SIZE = 3000
COMMON_SHARE = 0.2


def _surname(rng: random.Random) -> str:
    if rng.random() < COMMON_SHARE:
        # Zipf-like inside the common eight: the first twice as likely as the eighth and so on.
        return rng.choices(COMMON, weights=[16 - i for i in range(len(COMMON))])[0]
    return rng.choice(TAIL)


def _full_name(given: str, surname: str, father: str, *, patronymic_last: bool) -> str:
    patronymic = father + "ի"
    parts = [given, patronymic, surname] if patronymic_last else [given, surname, patronymic]
    return " ".join(parts)


def _person(scope, full_name: str, dob) -> Person:
    person = Person(
        conflict=scope["conflict"],
        party=scope["party"],
        full_name=full_name,
        name_public=True,
        status=PersonStatus.KILLED,
        status_date=datetime.date(2020, 10, 1),
        date_of_birth=dob,
    )
    person.search_key = search_key(full_name, "")
    return person


# Rows per INSERT: a 200,000-person list is not built as one statement.
BATCH = 5_000


def armenian_list(scope, *, size: int = SIZE, seed: int = 2020) -> dict:
    """Creates the list in ``scope`` ({conflict, party}); returns the persons of each surname
    (by id), the planted duplicate pairs and the twin pairs (ids)."""
    rng = random.Random(seed)
    rows = []
    for i in range(size):
        dob = datetime.date(1975, 1, 1) + datetime.timedelta(days=rng.randrange(10_000))
        name = _full_name(
            rng.choice(GIVEN), _surname(rng), rng.choice(GIVEN), patronymic_last=i % 3 == 0
        )
        rows.append(_person(scope, name, dob))
    twins, duplicates = [], []
    for i in range(0, 40, 4):
        a, b = rows[i], rows[i + 1]
        given, patronymic_and_surname = a.full_name.split(" ", 1)
        other = next(g for g in GIVEN if g != given)
        rows.append(_person(scope, f"{other} {patronymic_and_surname}", a.date_of_birth))
        twins.append((a, rows[-1]))
        rows.append(_person(scope, b.full_name, b.date_of_birth))
        duplicates.append((b, rows[-1]))
    Person.objects.bulk_create(rows, batch_size=BATCH)
    # Each with the first status change person_create records: every person has one, and the
    # ledger's registry counts persons by their status history.
    StatusChange.objects.bulk_create(
        (
            StatusChange(person=person, status=person.status, effective_date=person.status_date)
            for person in rows
        ),
        batch_size=BATCH,
    )
    by_surname: dict[str, set[int]] = {}
    for person in rows:
        for word in person.full_name.split():
            by_surname.setdefault(word, set()).add(person.pk)
    return {
        "by_word": by_surname,
        "twins": [(min(a.pk, b.pk), max(a.pk, b.pk)) for a, b in twins],
        "duplicates": [(min(a.pk, b.pk), max(a.pk, b.pk)) for a, b in duplicates],
    }
