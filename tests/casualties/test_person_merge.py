"""Duplicate candidates (``casualties.search.duplicates``) and ``person_merge``: what moves,
what the old id answers afterwards, the ledger's registry and the audit trail."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from casualties.merging import (
    MERGE_ACROSS_SCOPE,
    MERGE_GONE,
    MERGE_NEEDS_REASON,
    MERGE_WITH_ITSELF,
    person_merge,
)
from casualties.models import Person, PersonAlias, PersonMerge, StatusChange
from casualties.search.duplicates import DOB_BONUS, SERVICE_NUMBER_BONUS, duplicate_candidates
from casualties.services import person_change_status
from ledger.computation import ledger_for
from repatriation.choices import Identification
from repatriation.models import ReleasedPerson, Remains
from tests.factories import (
    ConflictFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
)

PersonEvent = apps.get_model("casualties", "PersonEvent")
StatusChangeEvent = apps.get_model("casualties", "StatusChangeEvent")
PersonMergeEvent = apps.get_model("casualties", "PersonMergeEvent")


@pytest.fixture
def scope(db):
    return {"conflict": ConflictFactory(slug="sept-2022"), "party": PartyFactory(code="ARM")}


def person(scope, name, **fields):
    return PersonFactory(conflict=scope["conflict"], party=scope["party"], full_name=name, **fields)


def pairs(**filters):
    found, _total = duplicate_candidates(**filters)
    return [(c.a_id, c.b_id) for c in found]


# Candidates


def test_alike_names_of_one_party_are_candidates_once(scope):
    dob = datetime.date(2001, 1, 1)
    a = person(scope, "Aram Sargsyan", date_of_birth=dob)
    b = person(scope, "Aram Sarkisyan", date_of_birth=dob)
    person(scope, "Davit Petrosyan", date_of_birth=dob)
    found, total = duplicate_candidates()
    assert [(c.a_id, c.b_id) for c in found] == [(a.pk, b.pk)]
    assert total == 1
    assert 0.5 <= found[0].similarity < 1
    assert (found[0].dob_agrees, found[0].service_number_agrees) == (True, None)
    assert found[0].reasons == ("dob",)


def test_alike_names_outside_any_block_are_not_compared(scope):
    person(scope, "Aram Sargsyan")
    person(scope, "Aram Sarkisyan")
    assert pairs() == []


def test_different_dates_of_birth_rule_a_pair_out(scope):
    person(scope, "Aram Sargsyan", date_of_birth=datetime.date(2001, 1, 1))
    person(scope, "Aram Sargsyan", date_of_birth=datetime.date(2002, 2, 2))
    assert pairs() == []


def test_different_service_numbers_rule_a_pair_out_but_case_does_not(scope):
    person(scope, "Aram Sargsyan", service_number="AM-1")
    person(scope, "Aram Sargsyan", service_number="AM-2")
    a = person(scope, "Tigran Hakobyan", service_number="am-7 ")
    b = person(scope, "Tigran Hakobyan", service_number="AM-7")
    assert pairs() == [(a.pk, b.pk)]


def test_another_party_or_conflict_is_never_a_candidate(scope):
    person(scope, "Aram Sargsyan")
    PersonFactory(
        conflict=scope["conflict"], party=PartyFactory(code="AZE"), full_name="Aram Sargsyan"
    )
    PersonFactory(conflict=ConflictFactory(), party=scope["party"], full_name="Aram Sargsyan")
    assert pairs() == []


def test_known_agreeing_details_rank_higher(scope):
    dob = datetime.date(2001, 1, 1)
    plain = (person(scope, "Aram Sargsyan"), person(scope, "Aram Sargsyan"))
    born = (
        person(scope, "Davit Hakobyan", date_of_birth=dob),
        person(scope, "Davit Hakobyan", date_of_birth=dob),
    )
    both = (
        person(scope, "Narek Avetisyan", date_of_birth=dob, service_number="N-1"),
        person(scope, "Narek Avetisyan", date_of_birth=dob, service_number="N-1"),
    )
    found, total = duplicate_candidates()
    assert [(c.a_id, c.b_id) for c in found] == [
        (both[0].pk, both[1].pk),
        (born[0].pk, born[1].pk),
        (plain[0].pk, plain[1].pk),
    ]
    assert [c.score for c in found] == pytest.approx(
        [1 + DOB_BONUS + SERVICE_NUMBER_BONUS, 1 + DOB_BONUS, 1]
    )
    assert total == 3


def test_candidates_filter_by_party_and_name_and_page(scope):
    other = PartyFactory(code="AZE")
    a = person(scope, "Aram Sargsyan")
    b = person(scope, "Aram Sargsyan")
    PersonFactory(conflict=scope["conflict"], party=other, full_name="Ivan Petrov")
    PersonFactory(conflict=scope["conflict"], party=other, full_name="Ivan Petrov")
    assert pairs(party_id=scope["party"].pk) == [(a.pk, b.pk)]
    assert pairs(name_key="sargs") == [(a.pk, b.pk)]
    assert len(pairs()) == 2
    page_two, total = duplicate_candidates(limit=1, offset=1)
    assert len(page_two) == 1 and total == 2
    assert duplicate_candidates(limit=1, offset=5) == ([], None)


def test_a_name_finds_a_pair_once_whichever_record_contains_it(scope):
    a = person(scope, "Aram Sargsyan", service_number="A-1")
    b = person(scope, "Aram Sarkisyan", service_number="A-1")
    assert pairs(name_key="sarkis") == [(a.pk, b.pk)]
    assert pairs(name_key="sargs") == [(a.pk, b.pk)]
    assert pairs(name_key="aram") == [(a.pk, b.pk)]
    assert pairs(name_key="davit") == []


def test_one_query_finds_a_page_whatever_the_number_of_persons(
    scope, django_assert_max_num_queries
):
    for _ in range(15):
        person(scope, "Aram Sargsyan")
    # savepoint; the page with its total; release
    with django_assert_max_num_queries(3):
        found, total = duplicate_candidates(limit=10)
    assert (len(found), total) == (10, 15 * 14 // 2)


# Merging


@pytest.fixture
def records(scope, clerk):
    """Two records of one soldier: the kept one missing, the other since found killed, with
    remains identified, a release listed and an alias."""
    keep = person(scope, "Արամ Սարգսյան", name_latin="Aram Sargsyan", unit="", rank="Private")
    drop = person(
        scope,
        "Арам Саркисян",
        name_latin="Aram Sarkisyan",
        unit="3rd battalion",
        rank="Sergeant",
        service_number="AM-77",
        status_date=datetime.date(2022, 9, 13),
    )
    person_change_status(
        person=drop, status="killed", effective_date=datetime.date(2022, 9, 20), user=clerk
    )
    handover = HandoverFactory(conflict=scope["conflict"], to_party=scope["party"])
    remains = RemainsFactory(
        handover=handover,
        person=drop,
        identification=Identification.CONFIRMED,
        identified_on=datetime.date(2022, 9, 21),
        method="dna",
    )
    prisoners = HandoverFactory(conflict=scope["conflict"], to_party=scope["party"])
    ReleasedPerson.objects.create(handover=prisoners, person=drop)
    ReleasedPerson.objects.create(handover=prisoners, person=keep)
    other_release = HandoverFactory(conflict=scope["conflict"], to_party=scope["party"])
    ReleasedPerson.objects.create(handover=other_release, person=drop)
    alias = PersonAlias(person=drop, name="Aram Sarkissian")
    alias.refresh_search_key()
    alias.save()
    return {
        "keep": keep,
        "drop": drop,
        "remains": remains,
        "alias": alias,
        "prisoners": prisoners,
        "other_release": other_release,
    }


def merge(records, user, reason="Same service number on both lists"):
    return person_merge(keep=records["keep"], drop=records["drop"], user=user, reason=reason)


def test_a_merge_moves_everything_and_deletes_the_duplicate(records, clerk):
    keep, drop = records["keep"], records["drop"]
    drop_id = drop.pk
    merge(records, clerk)

    assert not Person.objects.filter(pk=drop_id).exists()
    assert StatusChange.objects.filter(person=keep).count() == 3
    assert Remains.objects.get(pk=records["remains"].pk).person_id == keep.pk
    releases = ReleasedPerson.objects.filter(person=keep)
    assert sorted(r.handover_id for r in releases) == sorted(
        [records["prisoners"].pk, records["other_release"].pk]
    )
    aliases = set(PersonAlias.objects.filter(person=keep).values_list("name", flat=True))
    # The Latin name spells the same as the Cyrillic one, so one alias serves both.
    assert aliases == {"Aram Sarkissian", "Арам Саркисян"}
    record = PersonMerge.objects.get(merged_id=drop_id)
    assert (record.person_id, record.merged_name, record.merged_by) == (
        keep.pk,
        "Арам Саркисян",
        clerk,
    )
    assert record.reason == "Same service number on both lists"


def test_a_merge_recomputes_the_status_and_fills_only_blank_fields(records, clerk):
    kept = merge(records, clerk)
    kept.refresh_from_db()
    assert (kept.status, kept.status_date) == ("killed", datetime.date(2022, 9, 20))
    assert (kept.unit, kept.service_number) == ("3rd battalion", "AM-77")
    assert kept.rank == "Private"
    assert kept.full_name == "Արամ Սարգսյան"


def test_earlier_merges_into_the_dropped_record_follow_it(records, clerk, scope):
    older = person(scope, "Aram Sargsian")
    older_id = older.pk
    person_merge(keep=records["drop"], drop=older, user=clerk, reason="Typo")
    merge(records, clerk)
    assert PersonMerge.objects.get(merged_id=older_id).person_id == records["keep"].pk


@pytest.mark.parametrize(
    ("which", "reason", "field", "message"),
    [
        ("self", "Same", "drop", MERGE_WITH_ITSELF),
        ("other_party", "Same", "drop", MERGE_ACROSS_SCOPE),
        ("pair", "   ", "reason", MERGE_NEEDS_REASON),
    ],
)
def test_invalid_merges_are_refused_and_change_nothing(
    records, clerk, which, reason, field, message
):
    keep = records["keep"]
    drop = {
        "self": keep,
        "other_party": PersonFactory(conflict=keep.conflict, party=PartyFactory(code="AZE")),
        "pair": records["drop"],
    }[which]
    before = (Person.objects.count(), StatusChange.objects.count(), PersonAlias.objects.count())
    with pytest.raises(ValidationError) as error:
        person_merge(keep=keep, drop=drop, user=clerk, reason=reason)
    assert error.value.message_dict[field] == [str(message)]
    after = (Person.objects.count(), StatusChange.objects.count(), PersonAlias.objects.count())
    assert after == before
    assert not PersonMerge.objects.exists()


def test_merging_a_record_already_merged_is_refused(records, clerk):
    merge(records, clerk)
    with pytest.raises(ValidationError) as error:
        merge(records, clerk)
    assert error.value.message_dict["drop"] == [str(MERGE_GONE)]
    assert PersonMerge.objects.count() == 1


def test_the_ledger_counts_the_merged_person_once(records, clerk, scope):
    keep = records["keep"]
    person_change_status(
        person=keep, status="killed", effective_date=datetime.date(2022, 9, 18), user=clerk
    )
    before = ledger_for(conflict=scope["conflict"], party=scope["party"])["registry"]
    assert (before["killed"], before["total"]) == (2, 2)
    merge(records, clerk)
    after = ledger_for(conflict=scope["conflict"], party=scope["party"])["registry"]
    assert (after["killed"], after["total"]) == (1, 1)


def test_the_audit_trail_names_the_merging_user(records, clerk, verifier):
    drop_id = records["drop"].pk
    merge(records, verifier)
    deleted = PersonEvent.objects.get(pgh_obj_id=drop_id, pgh_label="delete")
    assert deleted.pgh_context.metadata["user"] == verifier.pk
    assert deleted.pgh_context.metadata["merged_person"] == drop_id
    moved = StatusChangeEvent.objects.filter(pgh_label="update", person_id=records["keep"].pk)
    assert moved.count() == 2
    assert {e.pgh_context.metadata["user"] for e in moved} == {verifier.pk}
    assert PersonMergeEvent.objects.get(pgh_label="insert").pgh_context_id == deleted.pgh_context_id


# The old id afterwards


def test_the_old_pages_redirect_to_the_kept_record(records, clerk, client):
    keep_id, drop_id = records["keep"].pk, records["drop"].pk
    merge(records, clerk)
    client.force_login(clerk)
    for name in ("casualties:person_detail", "casualties:person_edit", "casualties:person_status"):
        response = client.get(reverse(name, args=[drop_id]))
        assert response.status_code == 302
        assert response["Location"] == reverse(name, args=[keep_id])
    assert client.get(reverse("casualties:person_detail", args=[999_999])).status_code == 404


def test_anonymous_visitors_of_an_old_page_still_go_to_login(records, clerk, client):
    drop_id = records["drop"].pk
    merge(records, clerk)
    response = client.get(reverse("casualties:person_detail", args=[drop_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def publish(*persons, public=True):
    Person.objects.filter(pk__in=[p.pk for p in persons]).update(name_public=public)


@pytest.mark.parametrize("role", ["anonymous", "journalist", "clerk"])
def test_the_old_api_url_of_two_public_records_redirects_every_caller(
    records, clerk, api_for, role
):  # noqa: F811
    keep_id, drop_id = records["keep"].pk, records["drop"].pk
    publish(records["keep"], records["drop"])
    merge(records, clerk)
    response = api_for(role).get(f"/api/v1/persons/{drop_id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/api/v1/persons/{keep_id}/"
    assert b"Sark" not in response.content and b"AM-77" not in response.content
    assert api_for(role).get("/api/v1/persons/999999/").status_code == 404
    assert api_for(role).get(f"/api/v1/persons/{keep_id}/").status_code == 200


@pytest.mark.parametrize(("kept_public", "dropped_public"), [(True, False), (False, True)])
@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_the_old_id_is_unknown_to_the_public_unless_both_names_were_public(
    records, clerk, api_for, role, kept_public, dropped_public
):  # noqa: F811
    keep_id, drop_id = records["keep"].pk, records["drop"].pk
    publish(records["keep"], public=kept_public)
    publish(records["drop"], public=dropped_public)
    merge(records, clerk)

    public = api_for(role).get(f"/api/v1/persons/{drop_id}/")
    staff = api_for("clerk").get(f"/api/v1/persons/{drop_id}/")

    assert public.status_code == 404
    assert public.json() == api_for(role).get("/api/v1/persons/999999/").json()
    assert str(keep_id).encode() not in public.content
    assert (staff.status_code, staff["Location"]) == (302, f"/api/v1/persons/{keep_id}/")


def test_a_hidden_record_merged_into_a_public_one_is_found_by_staff_only(records, clerk, api_for):  # noqa: F811
    keep = records["keep"]
    publish(keep)
    PersonAlias.objects.filter(pk=records["alias"].pk).update(public=True)  # as if it once was
    merge(records, clerk)

    aliases = PersonAlias.objects.filter(person=keep)
    assert set(aliases.values_list("name", "public")) == {
        ("Aram Sarkissian", False),
        ("Арам Саркисян", False),
    }
    assert PersonMerge.objects.get(person=keep).merged_name_public is False
    for q in ("Саркисян", "Sarkisyan", "Sarkissian"):
        public = api_for("anonymous").get("/api/v1/persons/", {"q": q}).json()
        staff = api_for("clerk").get("/api/v1/persons/", {"q": q}).json()
        assert (public["count"], public["results"]) == (0, [])
        assert [row["id"] for row in staff["results"]] == [keep.pk]


def test_a_public_record_merged_into_a_public_one_gives_public_aliases(records, clerk, api_for):
    keep = records["keep"]
    publish(keep, records["drop"])
    merge(records, clerk)

    assert PersonAlias.objects.get(person=keep, name="Арам Саркисян").public is True
    found = api_for("anonymous").get("/api/v1/persons/", {"q": "Саркисян"}).json()["results"]
    assert [row["id"] for row in found] == [keep.pk]
