"""``rekey_unvocalised_names``: persons imported before Hebrew and Arabic names stopped being
transliterated lose the consonant-only Latin name and get today's search key (issue 16)."""

import io

import pytest
from django.core.management import call_command

from casualties.models import Person
from casualties.search.names import name_search
from tests.factories import PersonFactory

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
    assert out.getvalue() == "2 persons were rekeyed.\n"
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
        "1 persons were rekeyed.",
        "0 persons were rekeyed.",
    ]
