"""Public API answers are cached under the data version: repeated reads skip the work, and
the first read after a committed change sees it. Staff answers are never cached."""

import pytest
from rest_framework.test import APIClient

from casualties.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/persons/"


def test_a_repeated_public_page_comes_from_the_cache_until_a_change_commits(
    django_assert_max_num_queries,
):
    person = PersonFactory(full_name="Anna", name_public=True, unit="1st")
    client = APIClient()
    assert client.get(URL).json()["results"][0]["unit"] == "1st"

    # throttle count, data version, the cached page: no count, no persons query
    with django_assert_max_num_queries(3):
        assert client.get(URL).json()["results"][0]["unit"] == "1st"

    Person.objects.filter(pk=person.pk).update(unit="2nd")
    assert client.get(URL).json()["results"][0]["unit"] == "2nd"


def test_staff_answers_are_not_cached_and_never_reach_the_public(clerk):
    PersonFactory(full_name="Hidden", name_public=False, dna_reference="SECRET-DNA-1")
    staff = APIClient()
    staff.force_authenticate(clerk)
    assert staff.get(URL).json()["results"][0]["dna_reference"] == "SECRET-DNA-1"

    public = APIClient().get(URL)
    assert "SECRET-DNA-1" not in public.content.decode()
    assert public.json()["results"][0]["full_name"] is None
