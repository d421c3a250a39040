"""The name postings (``NamePosting``) equal the persons' words after every kind of write, and a
search counted and ranked from them (``postings.NameHits``) equals the same search read
through the persons, for the public and for staff, without a hidden name."""

import io

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casualties.alias_services import person_alias_add
from casualties.importing import persons as importing
from casualties.importing.persons import persons_import
from casualties.merging import person_merge
from casualties.models import NamePosting, Person
from casualties.models.postings import ALL_POSTINGS
from casualties.search.names import SEARCH_RANK, name_search
from casualties.search.paging import SearchPaginator
from casualties.search.postings import posted_hits
from casualties.services import person_update
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, UserFactory

URL = "/api/v1/persons/"


@pytest.fixture
def scope(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}


def person(scope, name, *, public=True, **fields):
    return PersonFactory(**scope, full_name=name, name_public=public, **fields)


def postings() -> set[tuple]:
    return set(NamePosting.objects.values_list("name_public", "word", "person_id"))


def recomputed() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(ALL_POSTINGS)
        return set(cursor.fetchall())


def assert_postings_are_the_words():
    assert postings() == recomputed()


def test_created_persons_post_each_distinct_word_once(scope):
    aram = person(scope, "Aram Aram Sargsyan")
    hidden = person(scope, "Davit Petrosyan", public=False)

    assert postings() == {
        (True, "aram", aram.pk),
        (True, "sargsyan", aram.pk),
        (False, "davit", hidden.pk),
        (False, "petrosyan", hidden.pk),
    }
    assert_postings_are_the_words()


def test_renames_publications_bulk_updates_and_deletes_rewrite_the_postings(scope):
    aram, davit, hidden = (
        person(scope, "Aram Sargsyan"),
        person(scope, "Davit Petrosyan"),
        person(scope, "Hayk Vardanyan", public=False),
    )
    person_update(person=aram, data={"full_name": "Aram Sarkisyan", "name_latin": ""})
    person_update(person=hidden, data={"name_public": True})
    assert (True, "sarkisyan", aram.pk) in postings()
    assert (True, "sargsyan", aram.pk) not in postings()
    assert (True, "vardanyan", hidden.pk) in postings()
    assert_postings_are_the_words()

    # Set-wise, and an update that changes neither the key nor the publication.
    Person.objects.filter(pk__in=[aram.pk, davit.pk]).update(name_public=False)
    Person.objects.update(rank="private")
    assert {public for public, _, pk in postings() if pk in (aram.pk, davit.pk)} == {False}
    assert_postings_are_the_words()

    davit.delete()
    assert not NamePosting.objects.filter(person_id=davit.pk).exists()
    Person.objects.filter(pk=aram.pk).delete()
    assert {pk for _, _, pk in postings()} == {hidden.pk}
    assert_postings_are_the_words()


def test_a_merge_leaves_the_postings_of_the_kept_person_only(scope):
    keep = person(scope, "Aram Sargsyan")
    drop = person(scope, "Aram Sarkisyan", public=False)

    person_merge(keep=keep, drop=drop, user=UserFactory(), reason="one man")

    assert {pk for _, _, pk in postings()} == {keep.pk}
    assert_postings_are_the_words()


def test_an_import_in_many_chunks_posts_every_imported_person(scope, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 3)
    person(scope, "Aram Sargsyan")
    rows = "".join(f"Narek Hakobyan {n},missing,2022-09-14,{n % 2}\n" for n in range(8))
    text = "full_name,status,status_date,name_public\n" + rows

    result = persons_import(file=io.BytesIO(text.encode()), **scope, user=UserFactory())

    assert result.imported == 8
    assert NamePosting.objects.filter(word="hakobyan").count() == 8
    assert NamePosting.objects.filter(word="hakobyan", name_public=True).count() == 4
    assert_postings_are_the_words()


@pytest.fixture
def crowd(scope):
    """Exact and near names, hidden ones among them, and aliases public and hidden."""
    people = [
        person(scope, "Aram Sargsyan"),
        person(scope, "Aram Sargsyann"),
        person(scope, "Narek Sargsyan"),
        person(scope, "Sargis Sargsyanyan"),
        person(scope, "Aram Sargsyan", public=False),
        person(scope, "Sargsyan Secret", public=False),
        person(scope, "Davit Petrosyan"),
        person(scope, "Hayk Hovhannisyan"),
        person(scope, "Hayk Hovhannisyan", public=False),
    ]
    person_alias_add(person=people[6], name="Sargsyan Davit", public=True)
    person_alias_add(person=people[7], name="Oganesyan", public=True)
    person_alias_add(person=people[8], name="Sargsyan Hidden", public=False)
    return people


SEARCHES = ["Sargsyan", "Aram Sargsyan", "aram", "Sargsyan Davit", "Oganesyan", "Hovhannisyan"]


@pytest.mark.parametrize("public", [True, False])
@pytest.mark.parametrize("text", SEARCHES)
def test_counted_from_the_postings_a_search_equals_the_search_through_the_persons(
    crowd, text, public
):
    search = name_search(Person.objects.all(), text, public=public)
    search = search.order_by(f"-{SEARCH_RANK}", "id")
    assert posted_hits(search) is not None
    through_persons = list(search.values_list("pk", SEARCH_RANK))

    ours = SearchPaginator(search, 2)
    pages = [ours.page(number) for number in range(1, ours.num_pages + 1)]

    found = [(row.pk, row.search_rank) for page in pages for row in page]
    assert found == through_persons
    assert ours.count == len(through_persons) == Paginator(search, 2).count
    if public:
        assert not {pk for pk, _ in found} & {p.pk for p in crowd if not p.name_public}


def test_the_public_count_comes_from_the_postings_and_excludes_hidden_names(crowd):
    api = APIClient()
    with CaptureQueriesContext(connection) as queries:
        public = api.get(URL, {"q": "Sargsyan"}).json()
    # Read before the next request, which empties the log.
    counting = [q["sql"] for q in queries.captured_queries if "count(*) OVER ()" in q["sql"]]
    hidden = api.get(URL, {"q": "Secret"}).json()

    assert len(counting) == 1
    assert "casualties_nameposting" in counting[0] and "casualties_person" not in counting[0]
    hidden_ids = {p.pk for p in crowd if not p.name_public}
    assert public["count"] == len(public["results"]) == 5
    assert not {row["id"] for row in public["results"]} & hidden_ids
    assert hidden["count"] == 0 and hidden["results"] == []
    # Staff see the hidden ones, by name and by hidden alias.
    staff = name_search(Person.objects.all(), "Sargsyan", public=False)
    assert set(staff.values_list("pk", flat=True)) >= hidden_ids - {crowd[7].pk}


def test_a_filtered_search_reads_the_persons_and_finds_the_same(crowd, scope):
    other = PersonFactory(full_name="Aram Sargsyan", name_public=True)
    api = APIClient()

    everyone = api.get(URL, {"q": "Aram Sargsyan"}).json()
    filtered = api.get(URL, {"q": "Aram Sargsyan", "conflict": "sept-2022"}).json()

    assert other.pk in {row["id"] for row in everyone["results"]}
    assert [row["id"] for row in filtered["results"]] == [
        row["id"] for row in everyone["results"] if row["id"] != other.pk
    ]
    assert filtered["count"] == everyone["count"] - 1
