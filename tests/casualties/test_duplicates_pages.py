"""Staff pages for duplicate records: ``/persons/duplicates/`` and ``/persons/merge/``."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from casualties.merging import MERGE_ACROSS_SCOPE, MERGE_NEEDS_REASON
from casualties.models import Person, PersonMerge, StatusChange
from casualties.views import merge as merge_views
from tests.factories import PersonFactory

DUPLICATES = reverse("casualties:duplicate_list")
MERGE = reverse("casualties:person_merge")
PersonEvent = apps.get_model("casualties", "PersonEvent")


@pytest.fixture
def twins(setting):
    """Two records of one soldier of ARM, and an unrelated AZE pair."""
    dob = datetime.date(2001, 5, 4)
    keep = PersonFactory(
        conflict=setting["conflict"],
        party=setting["arm"],
        full_name="Aram Sargsyan",
        date_of_birth=dob,
        service_number="AM-77",
    )
    drop = PersonFactory(
        conflict=setting["conflict"],
        party=setting["arm"],
        full_name="Aram Sarkisyan",
        date_of_birth=dob,
    )
    for _ in range(2):
        PersonFactory(conflict=setting["conflict"], party=setting["aze"], full_name="Ivan Petrov")
    return keep, drop


def merge_url(keep, drop):
    return f"{MERGE}?keep={keep.pk}&drop={drop.pk}"


def test_anonymous_visitors_are_sent_to_login(client, twins):
    for url in (DUPLICATES, merge_url(*twins)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(MERGE, {"keep": twins[0].pk, "drop": twins[1].pk}).status_code == 302
    assert Person.objects.count() == 4


def test_journalists_are_refused(client, journalist, twins):
    client.force_login(journalist)
    for url in (DUPLICATES, merge_url(*twins)):
        response = client.get(url)
        assert response.status_code == 403
        assert "AM-77" not in response.content.decode()
    response = client.post(MERGE, {"keep": twins[0].pk, "drop": twins[1].pk, "reason": "x"})
    assert response.status_code == 403
    assert Person.objects.count() == 4


def test_the_list_shows_pairs_with_restricted_details_and_a_merge_link(client, clerk, twins):
    keep, drop = twins
    client.force_login(clerk)
    response = client.get(DUPLICATES, {"party": "ARM"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Aram Sargsyan" in body and "Aram Sarkisyan" in body
    assert "Ivan Petrov" not in body
    assert "2001-05-04" in body and "AM-77" in body
    assert f"?keep={keep.pk}&amp;drop={drop.pk}" in body
    assert response.context["page"].paginator.count == 1
    assert "1 candidate pair" in body


def test_the_list_filters_by_name_and_reports_a_bad_filter(client, clerk, twins):
    client.force_login(clerk)
    response = client.get(DUPLICATES, {"name": "petrov"})
    assert [row["a"].full_name for row in response.context["rows"]] == ["Ivan Petrov"]
    response = client.get(DUPLICATES, {"conflict": "no-such-war", "page": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["conflict"]
    assert response.context["rows"] == []


def test_twins_are_listed_apart_as_possible_relatives(client, clerk, setting):
    dob = datetime.date(2001, 5, 4)
    twins = [
        PersonFactory(
            conflict=setting["conflict"],
            party=setting["arm"],
            full_name=f"{given} Hakobyan Gevorgi",
            date_of_birth=dob,
        )
        for given in ("Aram", "Armen")
    ]
    client.force_login(clerk)
    response = client.get(DUPLICATES, {"party": "ARM"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert [row["pair"] for row in response.context["relatives"]] == [tuple(twins)]
    body = response.content.decode()
    assert "1 pair of possible relatives" in body


def test_the_list_needs_the_same_queries_for_many_pairs(
    client, clerk, setting, django_assert_max_num_queries
):
    for _ in range(3):
        PersonFactory(conflict=setting["conflict"], party=setting["arm"], full_name="Aram Sargsyan")
    client.force_login(clerk)
    client.get(DUPLICATES)
    for _ in range(9):
        PersonFactory(conflict=setting["conflict"], party=setting["arm"], full_name="Aram Sargsyan")
    # session, user, groups, permissions (2); savepoint, candidates, release, and the persons
    # of the page, for the duplicates then the relatives; conflicts and parties for the filters
    with django_assert_max_num_queries(15):
        response = client.get(DUPLICATES)
    assert response.context["page"].paginator.count == 12 * 11 // 2
    assert len(response.context["rows"]) == merge_views.PAGE_SIZE


def test_the_merge_page_shows_both_records_and_a_swap_link(
    client, clerk, twins, django_assert_max_num_queries
):
    keep, drop = twins
    client.force_login(clerk)
    # session, user, groups, permissions (2), both records with their counts
    with django_assert_max_num_queries(6):
        response = client.get(merge_url(keep, drop))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Aram Sargsyan" in body and "Aram Sarkisyan" in body and "AM-77" in body
    assert f"?keep={drop.pk}&amp;drop={keep.pk}" in body
    assert response.context["keep"].n_changes == 1
    assert 'name="reason"' in body and '<label for="id_reason">' in body


def test_the_merge_page_names_what_is_wrong_with_the_numbers(client, clerk, setting, twins):
    keep, _drop = twins
    other = Person.objects.filter(party=setting["aze"]).first()
    client.force_login(clerk)
    response = client.get(merge_url(keep, other))
    assert str(MERGE_ACROSS_SCOPE) in response.content.decode()
    assert '<form method="post"' in response.content.decode()
    response = client.get(MERGE, {"keep": keep.pk, "drop": "abc"})
    assert response.status_code == 200
    assert str(merge_views.NO_SUCH_PERSON) in response.content.decode()
    assert '<form method="post"' not in response.content.decode()


def test_a_merge_without_a_reason_changes_nothing(client, clerk, twins):
    keep, drop = twins
    client.force_login(clerk)
    response = client.post(MERGE, {"keep": keep.pk, "drop": drop.pk, "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Person.objects.filter(pk=drop.pk).exists()
    assert not PersonMerge.objects.exists()
    assert str(MERGE_NEEDS_REASON) in response.content.decode()


def test_a_merge_across_parties_is_refused_beside_the_field(client, clerk, setting, twins):
    keep, _drop = twins
    other = Person.objects.filter(party=setting["aze"]).first()
    client.force_login(clerk)
    response = client.post(MERGE, {"keep": keep.pk, "drop": other.pk, "reason": "Same man"})
    assert response.status_code == 200
    assert response.context["form"].errors["drop"] == [str(MERGE_ACROSS_SCOPE)]
    assert Person.objects.filter(pk=other.pk).exists()


def test_a_clerk_merges_and_lands_on_the_kept_record(client, clerk, twins):
    keep, drop = twins
    drop_id = drop.pk
    client.force_login(clerk)
    response = client.post(
        MERGE, {"keep": keep.pk, "drop": drop_id, "reason": "Same date of birth and unit"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casualties:person_detail", args=[keep.pk])
    assert not Person.objects.filter(pk=drop_id).exists()
    assert StatusChange.objects.filter(person=keep).count() == 2
    merge = PersonMerge.objects.get(merged_id=drop_id)
    assert (merge.person, merge.merged_by, merge.reason) == (
        keep,
        clerk,
        "Same date of birth and unit",
    )
    page = client.get(response["Location"]).content.decode()
    assert f"#{drop_id}" in page
    deleted = PersonEvent.objects.get(pgh_obj_id=drop_id, pgh_label="delete")
    assert deleted.pgh_context.metadata["user"] == clerk.pk
    assert deleted.pgh_context.metadata["url"] == MERGE
