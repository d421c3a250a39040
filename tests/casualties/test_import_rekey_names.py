"""``rekey_unvocalised_names``: persons imported before Hebrew and Arabic names stopped being
transliterated lose the consonant-only Latin name and get today's search key, and so do their
aliases imported with consonant keys (issue 16)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from casualties.alias_services import ALIAS_IS_NAME
from casualties.models import Person, PersonAlias
from casualties.search.names import name_search
from tests.factories import PersonFactory

PersonAliasEvent = apps.get_model("casualties", "PersonAliasEvent")

pytestmark = pytest.mark.django_db


def old_person(full_name, name_latin, old_key=None):
    # As the import left them before the rule: Latin name and key from the consonants.
    return PersonFactory(
        full_name=full_name, name_latin=name_latin, search_key=old_key or name_latin
    )


def test_consonant_latin_names_are_cleared_and_typed_ones_kept():
    derived = old_person("הדר גולדין", "hdr gvldyn")
    typed = old_person("ירדן ביבס", "Yarden Bibas", "yrdn bybs yarden bibas")
    armenian = PersonFactory(full_name="Արամ Սարգսյան", name_latin="Aram Sargsyan")
    out = io.StringIO()

    call_command("rekey_unvocalised_names", stdout=out)

    derived.refresh_from_db()
    typed.refresh_from_db()
    assert out.getvalue() == "2 persons were rekeyed.\n0 aliases were rekeyed.\n"
    assert (derived.name_latin, derived.search_key) == ("", "הדר גולדין")
    assert (typed.name_latin, typed.search_key) == ("Yarden Bibas", "ירדן ביבס yarden bibas")
    assert Person.objects.get(pk=armenian.pk).search_key == armenian.search_key
    assert not name_search(Person.objects.all(), "gvldyn", public=False).exists()
    assert list(name_search(Person.objects.all(), "גולדין", public=False)) == [derived]


def test_a_second_run_and_a_dry_run_change_nothing():
    person = old_person("הדר גולדין", "hdr gvldyn")
    out = io.StringIO()

    call_command("rekey_unvocalised_names", dry_run=True, stdout=out)
    assert Person.objects.get(pk=person.pk).name_latin == "hdr gvldyn"
    call_command("rekey_unvocalised_names", stdout=out)
    call_command("rekey_unvocalised_names", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 persons would be rekeyed.",
        "0 aliases would be rekeyed.",
        "1 persons were rekeyed.",
        "0 aliases were rekeyed.",
        "0 persons were rekeyed.",
        "0 aliases were rekeyed.",
    ]


def old_alias(person, name, old_key):
    # As the import left them before the rule: the key from the consonants.
    return PersonAlias.objects.create(person=person, name=name, search_key=old_key)


def test_aliases_with_consonant_keys_get_todays_key_through_the_service():
    person = PersonFactory(full_name="Hadar Goldin", name_latin="Hadar Goldin")
    hebrew = old_alias(person, "הדר גולדין", "hdr gvldyn")
    arabic = old_alias(person, "هدار غولدين", "hdr ghwldyn")
    russian = old_alias(person, "Гольдин", "goldin")
    out = io.StringIO()

    call_command("rekey_unvocalised_names", stdout=out)

    assert out.getvalue().splitlines()[-1] == "2 aliases were rekeyed."
    assert PersonAlias.objects.get(pk=hebrew.pk).search_key == "הדר גולדין"
    assert PersonAlias.objects.get(pk=arabic.pk).search_key == "هدار غولدين"
    assert PersonAlias.objects.get(pk=russian.pk).search_key == "goldin"
    assert list(name_search(Person.objects.all(), "גולדין", public=False)) == [person]
    rekeyed = PersonAliasEvent.objects.filter(pgh_label="update")
    assert sorted(rekeyed.values_list("pgh_obj_id", flat=True)) == [hebrew.pk, arabic.pk]
    assert {e.pgh_context.metadata["command"] for e in rekeyed} == {"rekey_unvocalised_names"}


def test_alias_rekeying_is_counted_by_a_dry_run_and_done_once():
    alias = old_alias(PersonFactory(full_name="Hadar Goldin"), "גולדין", "gvldyn")
    out = io.StringIO()

    call_command("rekey_unvocalised_names", dry_run=True, stdout=out)
    assert PersonAlias.objects.get(pk=alias.pk).search_key == "gvldyn"
    call_command("rekey_unvocalised_names", stdout=out)
    call_command("rekey_unvocalised_names", stdout=out)

    aliases = [line for line in out.getvalue().splitlines() if "aliases" in line]
    assert aliases == [
        "1 aliases would be rekeyed.",
        "1 aliases were rekeyed.",
        "0 aliases were rekeyed.",
    ]
    assert PersonAliasEvent.objects.filter(pgh_obj_id=alias.pk, pgh_label="update").count() == 1


def test_an_alias_spelling_the_persons_own_name_is_named_and_left():
    person = old_person("הדר גולדין", "Hadar Goldin", "הדר גולדין hadar goldin")
    alias = old_alias(person, "הדר גולדין", "hdr gvldyn")
    out, err = io.StringIO(), io.StringIO()

    call_command("rekey_unvocalised_names", stdout=out, stderr=err)

    assert out.getvalue().splitlines()[-1] == "0 aliases were rekeyed."
    assert err.getvalue() == f"Alias {alias.pk} (הדר גולדין) left as it is: {ALIAS_IS_NAME}\n"
    assert PersonAlias.objects.get(pk=alias.pk).search_key == "hdr gvldyn"
