"""Candidates for unidentified remains (DESIGN §9): exclusion rules and ranking."""

import datetime
import random

import pytest

from casualties.choices import PersonStatus
from casualties.models import Person
from identification.candidates import candidates
from identification.choices import Sex
from identification.models import AnteMortem, PostMortem
from repatriation.choices import Identification
from tests.factories import PersonFactory, RemainsFactory

pytestmark = pytest.mark.django_db
LOST = datetime.date(2022, 9, 14)


@pytest.fixture
def examined(body):
    """Remains of a man of 30–40, 175–185 cm, recovered (handed over) on 2023-03-01."""
    PostMortem.objects.create(
        remains=body,
        sex=Sex.MALE,
        age_min=30,
        age_max=40,
        stature_min=175,
        stature_max=185,
        recovery_site="Jermuk, Syunik",
    )
    return body


def am(person, **kwargs):
    values = {
        "sex": Sex.MALE,
        "birth_year": 1987,
        "stature_min": 178,
        "stature_max": 182,
        "last_seen_on": LOST,
        "region": "Syunik",
    }
    return AnteMortem.objects.create(person=person, **(values | kwargs))


def ids(body):
    return [row["person_id"] for row in candidates(remains_id=body.pk)]


def missing_person(setting, **kwargs):
    return PersonFactory(conflict=setting["conflict"], party=setting["arm"], **kwargs)


def test_a_matching_person_is_a_candidate(examined, missing):
    am(missing)
    rows = candidates(remains_id=examined.pk)
    assert [row["person_id"] for row in rows] == [missing.pk]
    assert rows[0]["age_at_loss"] == 35


def test_a_sex_mismatch_is_excluded(examined, missing):
    am(missing, sex=Sex.FEMALE)
    assert ids(examined) == []


def test_an_undetermined_sex_excludes_nobody(examined, missing):
    am(missing, sex=Sex.UNDETERMINED)
    assert ids(examined) == [missing.pk]


@pytest.mark.parametrize(
    ("birth_year", "kept"), [(1977, True), (1976, False), (1997, True), (1998, False)]
)
def test_the_age_at_loss_may_miss_the_range_by_five_years(examined, missing, birth_year, kept):
    am(missing, birth_year=birth_year)  # aged 45, 46, 25, 24 when lost in 2022
    assert ids(examined) == ([missing.pk] if kept else [])


def test_stature_ranges_that_do_not_overlap_exclude(examined, missing):
    am(missing, stature_min=160, stature_max=170)
    assert ids(examined) == []


def test_last_seen_after_the_recovery_excludes(examined, missing):
    am(missing, last_seen_on=datetime.date(2023, 3, 2))
    assert ids(examined) == []


def test_another_party_or_a_returned_person_is_no_candidate(examined, missing, setting):
    am(missing)
    other = PersonFactory(conflict=setting["conflict"], party=setting["aze"])
    am(other)
    returned = missing_person(setting)
    am(returned)
    RemainsFactory(
        handover=examined.handover,
        person=returned,
        identification=Identification.CONFIRMED,
        identified_on=datetime.date(2023, 4, 1),
    )
    alive = missing_person(setting, status=PersonStatus.FOUND_ALIVE)
    am(alive)
    assert ids(examined) == [missing.pk]


def test_among_ten_thousand_the_true_person_ranks_first(examined, setting):
    rng = random.Random(18)
    persons = Person.objects.bulk_create(
        Person(
            conflict=setting["conflict"],
            party=setting["arm"],
            full_name=f"Missing {n}",
            status=PersonStatus.MISSING,
            status_date=LOST,
        )
        for n in range(10_000)
    )
    records = []
    for person in persons:
        low = rng.randint(150, 195)
        records.append(
            AnteMortem(
                person=person,
                sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                birth_year=rng.randint(1950, 2004),
                stature_min=low,
                stature_max=low + rng.randint(0, 8),
                last_seen_on=LOST - datetime.timedelta(days=rng.randint(0, 700)),
                region=rng.choice(["Lori", "Tavush", "Shirak", "Syunik", ""]),
            )
        )
    AnteMortem.objects.bulk_create(records)
    true = missing_person(setting, full_name="The one")
    am(true, last_seen_on=datetime.date(2023, 2, 27))
    rows = candidates(remains_id=examined.pk)
    assert rows[0]["person_id"] == true.pk
    assert len(rows) == 50
    assert rows[0]["score"] > rows[1]["score"]
