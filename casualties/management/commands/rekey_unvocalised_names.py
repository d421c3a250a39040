"""``manage.py rekey_unvocalised_names [--dry-run]``: persons and name aliases recorded before
Hebrew and Arabic names stopped being transliterated get today's Latin name and search key.

Before that rule a Hebrew name got a Latin name of its consonants (הדר גולדין → "hdr gvldyn"),
published and searched. For each person whose name holds Hebrew or Arabic letters: a Latin name
equal to that old derivation is cleared (one typed by a clerk is kept), and the search key is
derived again. Each alias holding such letters whose key is not today's gets today's. Each change
goes through ``person_update`` or ``person_alias_update``, so it is audited. Records already
right are left alone: running it twice changes nothing.
"""

import pghistory
from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from casualties import services
from casualties.alias_services import person_alias_update
from casualties.models import Person, PersonAlias
from casualties.search import transliteration
from casualties.search.transliteration import search_key, to_latin

CHUNK = 2000


def _old_latin(name: str) -> str:
    """The Latin name derived before the rule: every word through anyascii."""
    return " ".join(anyascii(name).replace("'", "").split())


class Command(BaseCommand):
    help = "Clear Latin names derived from Hebrew/Arabic consonants and refresh search keys."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        verb = "would be" if dry_run else "were"
        with pghistory.context(command="rekey_unvocalised_names"):
            persons = self._rekey_persons(dry_run)
            aliases = self._rekey_aliases(dry_run)
        self.stdout.write(f"{persons} persons {verb} rekeyed.")
        self.stdout.write(f"{aliases} aliases {verb} rekeyed.")

    def _rekey_persons(self, dry_run: bool) -> int:
        # The same letters as ``to_latin`` leaves out.
        pattern = transliteration._UNVOCALISED.pattern
        persons = Person.objects.filter(full_name__regex=pattern).order_by("pk")
        changed = 0
        for person in persons.iterator(chunk_size=CHUNK):
            data = {}
            if person.name_latin and person.name_latin == _old_latin(person.full_name):
                data["name_latin"] = ""
            latin = "" if data else person.name_latin
            if not data and person.search_key == search_key(
                person.full_name, latin or to_latin(person.full_name)
            ):
                continue
            changed += 1
            if not dry_run:
                services.person_update(person=person, data=data)
        return changed

    def _rekey_aliases(self, dry_run: bool) -> int:
        """Aliases keep their name (a spelling someone recorded); only the key is renewed. One
        the rules now refuse (it spells the person's own name) is named and left as it is."""
        pattern = transliteration._UNVOCALISED.pattern
        aliases = PersonAlias.objects.filter(name__regex=pattern).order_by("pk")
        changed = 0
        for alias in aliases.iterator(chunk_size=CHUNK):
            if alias.search_key == search_key(alias.name):
                continue
            if not dry_run:
                try:
                    person_alias_update(alias=alias, data={})
                except ValidationError as refused:
                    reasons = "; ".join(refused.messages)
                    self.stderr.write(f"Alias {alias.pk} ({alias.name}) left as it is: {reasons}")
                    continue
            changed += 1
        return changed
