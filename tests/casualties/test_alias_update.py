"""``person_alias_update``: a recorded spelling changed, its key derived again by today's rules,
under the rules of adding one, and audited with who changed it."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from casualties.alias_services import (
    ALIAS_DUPLICATE,
    ALIAS_IS_NAME,
    ALIAS_NO_LETTERS,
    ALIAS_PUBLIC_NEEDS_PUBLIC_NAME,
    NOT_EDITABLE,
    person_alias_add,
    person_alias_update,
)
from casualties.models import PersonAlias
from tests.factories import PersonFactory

PersonAliasEvent = apps.get_model("casualties", "PersonAliasEvent")
pytestmark = pytest.mark.django_db


@pytest.fixture
def hovhannisyan():
    return PersonFactory(
        full_name="Հովհաննես Հովհաննիսյան", name_latin="Hovhannes Hovhannisyan", name_public=True
    )


def test_a_spelling_is_renamed_rekeyed_and_the_change_audited(hovhannisyan, clerk):
    alias = person_alias_add(person=hovhannisyan, name="Оганесян", user=clerk)

    changed = person_alias_update(
        alias=alias, data={"name": " Ованесян ", "note": "press", "public": True}, user=clerk
    )

    stored = PersonAlias.objects.get(pk=alias.pk)
    assert (stored.name, stored.note, stored.public) == ("Ованесян", "press", True)
    assert stored.search_key == changed.search_key == "ovanesyan"
    update = PersonAliasEvent.objects.get(pgh_obj_id=alias.pk, pgh_label="update")
    assert update.name == "Ованесян"
    assert update.pgh_context.metadata["user"] == clerk.pk


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "— ' —"}, "name", ALIAS_NO_LETTERS),
        ({"name": "Hovhannes Hovhannisyan"}, "name", ALIAS_IS_NAME),
        ({"name": "ОГАНОВ"}, "name", ALIAS_DUPLICATE),
        ({"person": 1}, "person", NOT_EDITABLE),
    ],
)
def test_it_refuses_what_adding_refuses_and_changes_nothing(hovhannisyan, data, field, message):
    person_alias_add(person=hovhannisyan, name="Оганов")
    alias = person_alias_add(person=hovhannisyan, name="Оганесян")

    with pytest.raises(ValidationError) as refused:
        person_alias_update(alias=alias, data=data)

    assert refused.value.message_dict == {field: [str(message)]}
    assert PersonAlias.objects.get(pk=alias.pk).name == "Оганесян"


def test_a_spelling_of_a_hidden_name_cannot_be_made_public():
    hidden = PersonFactory(full_name="Գագիկ Հովհաննիսյան", name_public=False)
    alias = person_alias_add(person=hidden, name="Оганесян")

    with pytest.raises(ValidationError) as refused:
        person_alias_update(alias=alias, data={"public": True})

    assert refused.value.message_dict == {"public": [str(ALIAS_PUBLIC_NEEDS_PUBLIC_NAME)]}
    assert not PersonAlias.objects.get(pk=alias.pk).public


def test_with_no_data_only_the_key_is_renewed(hovhannisyan):
    alias = person_alias_add(person=hovhannisyan, name="Оганесян")
    PersonAlias.objects.filter(pk=alias.pk).update(search_key="stale")

    person_alias_update(alias=alias, data={})

    assert PersonAlias.objects.get(pk=alias.pk).search_key == "oganesyan"
