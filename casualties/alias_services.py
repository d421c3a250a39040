"""Changing a recorded spelling of a person's name. Adding and removing one are in
``casualties.services`` (``person_alias_add``, ``person_alias_remove``); this module holds the
change because that one is at the size a module may reach. Same rules, same messages."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, PersonAlias
from casualties.search.transliteration import search_key
from casualties.services import (
    ALIAS_DUPLICATE,
    ALIAS_IS_NAME,
    ALIAS_NO_LETTERS,
    ALIAS_PUBLIC_NEEDS_PUBLIC_NAME,
)

ALIAS_EDITABLE_FIELDS = ("name", "note", "public")
NOT_EDITABLE = _("This field cannot be changed here.")


@transaction.atomic
def person_alias_update(*, alias: PersonAlias, data: dict, user=None) -> PersonAlias:
    """Change a spelling's name, note or ``public`` flag, and derive its search key again by
    today's rules (with no ``data``, only the key: how keys made by older rules are renewed).

    The rules of ``person_alias_add`` hold: letters, not the person's own name, not a
    spelling the person already has, public only when the person's name is.
    """
    unknown = set(data) - set(ALIAS_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), NOT_EDITABLE))
    # Lock the person, as ``person_alias_add`` does: an edit and an addition of the same
    # spelling queue here, and the second gets the message, not an IntegrityError.
    person = Person.objects.select_for_update().get(pk=alias.person_id)
    locked = PersonAlias.objects.get(pk=alias.pk)
    for field, value in data.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.refresh_search_key()
    _check(locked, person)
    locked.full_clean(exclude={"search_key"})
    with pghistory.context(user=user.pk if user else None):
        locked.save()
    return locked


def _check(alias: PersonAlias, person: Person) -> None:
    if not any(char.isalnum() for char in alias.search_key):
        raise ValidationError({"name": ALIAS_NO_LETTERS})
    if alias.search_key in {search_key(person.full_name), search_key(person.name_latin)}:
        raise ValidationError({"name": ALIAS_IS_NAME})
    if alias.public and not person.name_public:
        raise ValidationError({"public": ALIAS_PUBLIC_NEEDS_PUBLIC_NAME})
    others = PersonAlias.objects.filter(person=person, search_key=alias.search_key)
    if others.exclude(pk=alias.pk).exists():
        raise ValidationError({"name": ALIAS_DUPLICATE})
