"""``manage.py rekey_unvocalised_names [--dry-run]``: persons recorded before Hebrew and Arabic
names stopped being transliterated get today's Latin name and search key.

Before that rule a Hebrew name got a Latin name of its consonants (הדר גולדין → "hdr gvldyn"),
published and searched. For each person whose name holds Hebrew or Arabic letters: a Latin name
equal to that old derivation is cleared (one typed by a clerk is kept), and the search key is
derived again. Each change goes through ``person_update``, so it is audited. Persons already
right are left alone: running it twice changes nothing.
"""

import pghistory
from anyascii import anyascii
from django.core.management.base import BaseCommand

from casualties import services
from casualties.models import Person
from casualties.search import transliteration
from casualties.search.transliteration import search_key, to_latin


def _old_latin(name: str) -> str:
    """The Latin name derived before the rule: every word through anyascii."""
    return " ".join(anyascii(name).replace("'", "").split())


class Command(BaseCommand):
    help = "Clear Latin names derived from Hebrew/Arabic consonants and refresh search keys."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        # The same letters as ``to_latin`` leaves out.
        pattern = transliteration._UNVOCALISED.pattern
        persons = Person.objects.filter(full_name__regex=pattern).order_by("pk")
        changed = 0
        with pghistory.context(command="rekey_unvocalised_names"):
            for person in persons.iterator(chunk_size=2000):
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
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{changed} persons {verb} rekeyed.")
