"""Other spellings of a person's name (aliases) on the staff person page and in the admin:
added and removed through the services, refused with a message beside the field, audited."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from casualties.alias_services import (
    ALIAS_DUPLICATE,
    ALIAS_IS_NAME,
    ALIAS_NO_LETTERS,
    ALIAS_PUBLIC_NEEDS_PUBLIC_NAME,
    person_alias_add,
)
from casualties.models import PersonAlias
from tests.admin_forms import page_post_data
from tests.factories import PersonFactory

PersonAliasEvent = apps.get_model("casualties", "PersonAliasEvent")


@pytest.fixture
def hovhannisyan(setting):
    return PersonFactory(
        conflict=setting["conflict"],
        party=setting["arm"],
        full_name="Հովհաննես Հովհաննիսյան",
        name_latin="Hovhannes Hovhannisyan",
    )


def add_url(person):
    return reverse("casualties:alias_add", args=[person.pk])


def remove_url(alias):
    return reverse("casualties:alias_remove", args=[alias.person_id, alias.pk])


def detail_url(person):
    return reverse("casualties:person_detail", args=[person.pk])


def test_a_clerk_adds_a_spelling_and_the_page_lists_it(client, clerk, hovhannisyan):
    client.force_login(clerk)

    response = client.post(
        add_url(hovhannisyan), {"alias-name": " Оганесян ", "alias-note": "Russian press"}
    )

    assert response.status_code == 302 and response["Location"] == detail_url(hovhannisyan)
    alias = PersonAlias.objects.get(person=hovhannisyan)
    assert (alias.name, alias.note, alias.search_key) == ("Оганесян", "Russian press", "oganesyan")
    assert alias.created_by == clerk
    page = client.get(detail_url(hovhannisyan)).content.decode()
    assert "Оганесян" in page and "Russian press" in page
    assert remove_url(alias) in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ОГАНЕСЯН", ALIAS_DUPLICATE),  # the same spelling in other letters' case
        ("Hovhannisyan Hovhannes", None),  # word order differs from the name: accepted
        ("Hovhannes Hovhannisyan", ALIAS_IS_NAME),
        ("Հովհաննես Հովհաննիսյան", ALIAS_IS_NAME),
        ("— ' —", ALIAS_NO_LETTERS),
    ],
)
def test_a_useless_spelling_is_refused_beside_the_field(client, clerk, hovhannisyan, name, message):
    person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)
    client.force_login(clerk)

    response = client.post(add_url(hovhannisyan), {"alias-name": name})

    if message is None:
        assert response.status_code == 302
        assert PersonAlias.objects.filter(person=hovhannisyan).count() == 2
        return
    assert response.status_code == 200
    assert response.context["alias_form"].errors == {"name": [str(message)]}
    assert str(message) in response.content.decode()
    assert list(PersonAlias.objects.values_list("name", flat=True)) == ["Оганесян"]


@pytest.mark.parametrize("public", [True, False])
def test_staff_choose_whether_a_spelling_of_a_public_name_is_public(
    client, clerk, hovhannisyan, public
):
    hovhannisyan.name_public = True
    hovhannisyan.save()
    client.force_login(clerk)
    assert 'name="alias-public"' in client.get(detail_url(hovhannisyan)).content.decode()

    data = {"alias-name": "Оганесян", **({"alias-public": "on"} if public else {})}
    response = client.post(add_url(hovhannisyan), data)

    assert response.status_code == 302
    assert PersonAlias.objects.get(person=hovhannisyan).public is public


def test_a_spelling_of_a_hidden_name_is_never_public(client, clerk, hovhannisyan):
    client.force_login(clerk)
    assert 'name="alias-public"' not in client.get(detail_url(hovhannisyan)).content.decode()

    # Offered or not, a posted "public" is not taken for a hidden name.
    response = client.post(add_url(hovhannisyan), {"alias-name": "Оганесян", "alias-public": "on"})

    assert response.status_code == 302
    assert PersonAlias.objects.get(person=hovhannisyan).public is False
    with pytest.raises(ValidationError) as refused:
        person_alias_add(person=hovhannisyan, name="Ованесян", public=True, user=clerk)
    assert refused.value.message_dict == {"public": [str(ALIAS_PUBLIC_NEEDS_PUBLIC_NAME)]}
    assert PersonAlias.objects.filter(person=hovhannisyan).count() == 1


def test_a_blank_spelling_is_a_field_error(client, clerk, hovhannisyan):
    client.force_login(clerk)

    response = client.post(add_url(hovhannisyan), {"alias-name": "  ", "alias-note": "x"})

    assert response.status_code == 200
    assert response.context["alias_form"].errors == {"name": ["This field is required."]}
    assert not PersonAlias.objects.exists()


def test_a_clerk_removes_a_spelling_and_the_audit_trail_keeps_who(client, clerk, hovhannisyan):
    alias = person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)
    client.force_login(clerk)

    response = client.post(remove_url(alias))

    assert response.status_code == 302 and response["Location"] == detail_url(hovhannisyan)
    assert not PersonAlias.objects.exists()
    deleted = PersonAliasEvent.objects.get(pgh_obj_id=alias.pk, pgh_label="delete")
    assert deleted.name == "Оганесян"
    assert deleted.pgh_context.metadata["user"] == clerk.pk
    page = client.get(detail_url(hovhannisyan)).content.decode()
    assert "<td>Оганесян</td>" not in page and "Spelling “Оганесян” removed." in page


def test_a_spelling_of_another_person_is_not_removed_through_this_one(
    client, clerk, setting, hovhannisyan
):
    other = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    alias = person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)
    client.force_login(clerk)

    url = reverse("casualties:alias_remove", args=[other.pk, alias.pk])

    assert client.post(url).status_code == 404
    assert PersonAlias.objects.filter(pk=alias.pk).exists()


def test_adding_and_removing_need_a_post(client, clerk, hovhannisyan):
    alias = person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)
    client.force_login(clerk)

    assert client.get(add_url(hovhannisyan)).status_code == 405
    assert client.get(remove_url(alias)).status_code == 405
    assert PersonAlias.objects.count() == 1


def test_only_staff_may_add_or_remove(client, clerk, journalist, hovhannisyan):
    alias = person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)

    anonymous = client.post(add_url(hovhannisyan), {"alias-name": "Ованесян"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(journalist)
    assert client.post(add_url(hovhannisyan), {"alias-name": "Ованесян"}).status_code == 403
    assert client.post(remove_url(alias)).status_code == 403
    assert list(PersonAlias.objects.values_list("name", flat=True)) == ["Оганесян"]


def test_the_person_page_costs_the_same_queries_with_many_spellings(
    client, clerk, hovhannisyan, django_assert_max_num_queries
):
    for number in range(10):
        person_alias_add(person=hovhannisyan, name=f"Оганесян {number}", user=clerk)
    client.force_login(clerk)
    # session, user, groups/perms (2), the person with conflict and party, then status
    # changes, remains, release handovers and aliases with who added them (one each); the
    # change history: events of the person, its status changes and spellings (3), the users
    # and their roles (2), the conflict and party the events name (2); the identification
    # case's state (1).
    with django_assert_max_num_queries(18):
        response = client.get(detail_url(hovhannisyan))
    assert response.content.decode().count('data-label="Spelling" dir="auto">Оганесян ') == 10


def test_the_admin_inline_adds_and_removes_through_the_services(
    client, admin_user, clerk, hovhannisyan
):
    old = person_alias_add(person=hovhannisyan, name="Ованесян", user=clerk)
    client.force_login(admin_user)
    url = reverse("admin:casualties_person_change", args=[hovhannisyan.pk])
    data = page_post_data(
        client.get(url),
        **{"aliases-TOTAL_FORMS": 2, "aliases-0-DELETE": "on", "aliases-1-name": "Оганесян"},
    )

    response = client.post(url, data)

    assert response.status_code == 302
    alias = PersonAlias.objects.get(person=hovhannisyan)
    assert (alias.name, alias.search_key, alias.created_by) == ("Оганесян", "oganesyan", admin_user)
    assert not PersonAlias.objects.filter(pk=old.pk).exists()


def test_the_admin_inline_refuses_a_duplicate_and_saves_nothing(
    client, admin_user, clerk, hovhannisyan
):
    person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)
    client.force_login(admin_user)
    url = reverse("admin:casualties_person_change", args=[hovhannisyan.pk])
    data = page_post_data(
        client.get(url),
        **{"aliases-TOTAL_FORMS": 2, "aliases-1-name": "оганесян", "rank": "Major"},
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert f"оганесян: {ALIAS_DUPLICATE}" in response.content.decode()
    assert PersonAlias.objects.count() == 1
    hovhannisyan.refresh_from_db()
    assert hovhannisyan.rank != "Major"
