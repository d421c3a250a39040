"""References enough for kinship matching (DESIGN §9): a parent or a child, or two full
siblings, profiled; the share the ledger publishes and the staff list by region."""

import datetime
import random

import pytest

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from identification.choices import ConsentScope, LabStatus, Relationship, SampleSource
from identification.models import AnteMortem, Sample
from identification.selectors import (
    enough_references,
    missing_persons,
    missing_without_references,
    references_sufficient_share,
    regions_without_references,
)
from tests.factories import PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db
TAKEN = datetime.date(2023, 5, 1)


def reference(person, relationship, *, status=LabStatus.PROFILED, taken_on=TAKEN):
    return Sample.objects.create(
        source=SampleSource.FAMILY,
        person=person,
        relationship=relationship,
        consent_scope=ConsentScope.MINISTRY,
        reference=f"R-{Sample.objects.count() + 1}",
        taken_on=taken_on,
        lab_status=status,
    )


def share(setting, **kwargs):
    scope = {"conflict_id": setting["conflict"].pk, "party_id": setting["arm"].pk}
    missing = missing_persons(**scope, **kwargs).count()
    return references_sufficient_share(**scope, missing=missing, **kwargs)


def person(setting, **kwargs):
    return PersonFactory(conflict=setting["conflict"], party=setting["arm"], **kwargs)


def test_it_is_none_without_missing_persons(setting):
    person(setting, status=PersonStatus.KILLED)
    assert share(setting) is None


def test_a_parent_a_child_or_two_full_siblings_are_enough(setting):
    mother, child, siblings, one_sibling, spouse, unprofiled = (person(setting) for _ in range(6))
    reference(mother, Relationship.MOTHER)
    reference(child, Relationship.CHILD)
    reference(siblings, Relationship.FULL_SIBLING)
    reference(siblings, Relationship.FULL_SIBLING)
    reference(one_sibling, Relationship.FULL_SIBLING)
    reference(one_sibling, Relationship.HALF_SIBLING)
    reference(spouse, Relationship.SPOUSE)
    reference(unprofiled, Relationship.FATHER, status=LabStatus.SENT)
    assert share(setting) == pytest.approx(3 / 6)
    lacking = set(missing_without_references().values_list("pk", flat=True))
    assert lacking == {one_sibling.pk, spouse.pk, unprofiled.pk}


def test_as_of_counts_samples_taken_and_persons_missing_by_then(setting):
    early = person(setting, status_date=datetime.date(2022, 9, 14))
    reference(early, Relationship.FATHER, taken_on=datetime.date(2023, 6, 1))
    assert share(setting, as_of=datetime.date(2023, 1, 1)) == 0.0
    assert share(setting, as_of=datetime.date(2023, 7, 1)) == 1.0
    assert share(setting, as_of=datetime.date(2022, 9, 1)) is None


def test_the_staff_list_groups_by_region(setting):
    a, b, c = (person(setting, home_region=region) for region in ("Syunik", "Syunik", "Lori"))
    AnteMortem.objects.create(person=c, region="Tavush")
    reference(b, Relationship.MOTHER)
    assert regions_without_references() == [
        {"region": "Syunik", "persons": 1},
        {"region": "Tavush", "persons": 1},
    ]
    assert [p.region for p in missing_without_references()] == ["Syunik", "Tavush"]
    assert a.pk in {p.pk for p in missing_without_references()}


@pytest.mark.parametrize("seed", range(3))
def test_the_ledgers_share_counts_as_the_staff_definition_does(setting, seed):
    """The ledger's share is read in SQL from the references alone; the staff lists use
    ``enough_references``: on random references, statuses and days they count the same persons
    (another party's persons count for neither)."""
    rng = random.Random(seed)
    other = PartyFactory()
    persons = [
        PersonFactory(
            conflict=setting["conflict"],
            party=rng.choice([setting["arm"], setting["arm"], other]),
            status=rng.choice([PersonStatus.MISSING, PersonStatus.MISSING, PersonStatus.KILLED]),
            status_date=datetime.date(2022, 9, rng.randint(1, 28)),
        )
        for _ in range(30)
    ]
    for somebody in rng.sample(persons, 8):  # a later change: found dead, or missing again
        later = rng.choice([PersonStatus.KILLED, PersonStatus.MISSING])
        day = datetime.date(2023, rng.randint(1, 12), 1)
        StatusChange.objects.create(person=somebody, status=later, effective_date=day)
        Person.objects.filter(pk=somebody.pk).update(status=later, status_date=day)
    for _ in range(60):
        Sample.objects.create(
            source=SampleSource.FAMILY,
            person=rng.choice(persons),
            relationship=rng.choice(Relationship.values),
            consent_scope=ConsentScope.MINISTRY,
            reference=f"R-{Sample.objects.count() + 1}",
            taken_on=datetime.date(2022, rng.randint(9, 12), rng.randint(1, 28)),
            lab_status=rng.choice([LabStatus.PROFILED, LabStatus.PROFILED, LabStatus.SENT]),
        )
    scope = {"conflict_id": setting["conflict"].pk, "party_id": setting["arm"].pk}
    counted = set()
    for as_of in (None, datetime.date(2022, 10, 15), datetime.date(2023, 6, 15)):
        missing = missing_persons(**scope, as_of=as_of)
        enough = missing.filter(enough_references(as_of)).count()
        assert share(setting, as_of=as_of) == pytest.approx(enough / missing.count())
        counted.add(enough)
    assert len(counted) > 1, "the days should differ in what they count"
