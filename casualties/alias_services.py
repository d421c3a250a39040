"""A person's other spellings (DESIGN §3, PersonAlias): adding, changing and removing one.
The rules hold on every path: letters, not the person's own name, not a spelling the person
already has, public only when the person's name is."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties.models import Person, PersonAlias
from casualties.search.transliteration import search_key

ALIAS_NO_LETTERS = _("Enter a spelling with at least one letter.")
ALIAS_DUPLICATE = _("This person already has this spelling.")
ALIAS_IS_NAME = _("This spelling already finds the person by their own name.")
ALIAS_PUBLIC_NEEDS_PUBLIC_NAME = _(
    "Only a spelling of a name that may be published can be public: this person's name is not."
)
ALIAS_EDITABLE_FIELDS = ("name", "note", "public")
NOT_EDITABLE = _("This field cannot be changed here.")


def _locked_person(person_id: int) -> Person:
    # Two clerks adding (or changing to) the same spelling at once queue here, and the second
    # gets the message instead of the unique constraint's IntegrityError.
    fields = ("pk", "full_name", "name_latin", "name_public")
    return Person.objects.select_for_update().only(*fields).get(pk=person_id)


def _check(alias: PersonAlias, person: Person) -> None:
    """The rules, on the locked person; the public search also requires a public name,
    as the rule spans two tables and no database constraint can hold it."""
    if not any(char.isalnum() for char in alias.search_key):
        raise ValidationError({"name": ALIAS_NO_LETTERS})
    if alias.search_key in {search_key(person.full_name), search_key(person.name_latin)}:
        raise ValidationError({"name": ALIAS_IS_NAME})
    if alias.public and not person.name_public:
        raise ValidationError({"public": ALIAS_PUBLIC_NEEDS_PUBLIC_NAME})
    others = PersonAlias.objects.filter(person=person, search_key=alias.search_key)
    if others.exclude(pk=alias.pk).exists():
        raise ValidationError({"name": ALIAS_DUPLICATE})


@transaction.atomic
def person_alias_add(
    *, person: Person, name: str, note: str = "", public: bool = False, user=None
) -> PersonAlias:
    """Record another spelling of a person's name, so a search for it finds them; a
    ``public`` one the public search too. Spellings are compared by search key:
    "Hovhannisyan" and "HOVHANNISYAN" are one spelling."""
    alias = PersonAlias(
        person=person, name=name.strip(), note=note.strip(), public=public, created_by=user
    )
    alias.refresh_search_key()
    _check(alias, _locked_person(person.pk))
    alias.full_clean(exclude={"search_key"})
    alias.save()
    return alias


@transaction.atomic
def person_alias_update(*, alias: PersonAlias, data: dict, user=None) -> PersonAlias:
    """Change a spelling's name, note or ``public`` flag, and derive its search key again by
    today's rules (with no ``data``, only the key: how keys made by older rules are renewed)."""
    unknown = set(data) - set(ALIAS_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), NOT_EDITABLE))
    person = _locked_person(alias.person_id)
    locked = PersonAlias.objects.get(pk=alias.pk)
    for field, value in data.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.refresh_search_key()
    _check(locked, person)
    locked.full_clean(exclude={"search_key"})
    with pghistory.context(user=user.pk if user else None):
        locked.save()
    return locked


@transaction.atomic
def person_alias_remove(*, alias: PersonAlias, user=None) -> None:
    """Forget a spelling; the audit trail keeps it, and who removed it."""
    with pghistory.context(user=user.pk if user else None):
        alias.delete()
