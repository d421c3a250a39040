"""Persons, and the vocabulary of their names' words that search reads."""

import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Case, CharField, F, Func, Q, TextField, Value, When
from django.utils.translation import gettext_lazy as _

from casualties.choices import PersonStatus
from casualties.models.postings import posting_triggers
from casualties.models.reference import Conflict, Party, TimestampedModel
from casualties.models.scopes import PERSON_ROW
from casualties.search.transliteration import search_key
from core.audit import audited


def public_sort_name():
    """The name the public may sort by: a hidden name sorts as null (after every published
    one, then by id), so a list's order cannot tell where it falls in the alphabet."""
    return Case(
        When(name_public=True, then=F("name_latin")), default=Value(None), output_field=CharField()
    )


class NameWords(Func):
    """The words of a search key, as a text array (what the name postings hold, a row each)."""

    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(TextField())


# Every word of the persons' search keys goes into NameWord, set-wise per statement, whatever
# writes them (a form, the admin, an UPDATE, raw SQL). The person import adds its words itself.
ADD_NAME_WORDS = """
    INSERT INTO casualties_nameword (word)
    SELECT DISTINCT word FROM new_rows, unnest(string_to_array(new_rows.search_key, ' ')) AS word
    WHERE word <> ''
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
"""


def _name_words_trigger(name: str, operation) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func=ADD_NAME_WORDS,
    )


# external_id came in 0015, with a default: the events before it were hashed without it.
@audited(set_wise_inserts=True, scopes=PERSON_ROW, added_later=("external_id",))
class Person(TimestampedModel):
    """One named individual of a party harmed in a conflict, with their current status.

    ``status``/``status_date`` mirror the latest StatusChange; only services change them.
    Fields marked restricted in DESIGN §5 never leave the staff interface.
    """

    # Not indexed alone: the (conflict, party, status) index serves every look-up by conflict.
    conflict = models.ForeignKey(
        Conflict,
        verbose_name=_("conflict"),
        on_delete=models.PROTECT,
        related_name="persons",
        db_index=False,
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="persons"
    )
    # The source list's own id for the person: imports match their rows on it.
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, default="", db_default=""
    )
    full_name = models.CharField(_("full name"), max_length=200, help_text=_("In native script."))
    name_latin = models.CharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("Derived from the full name when left blank."),
    )
    name_public = models.BooleanField(_("name may be published"), default=False)
    is_civilian = models.BooleanField(_("civilian"), default=False)
    rank = models.CharField(_("rank"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    home_region = models.CharField(_("home region"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices)
    status_date = models.DateField(_("status date"))
    # Restricted fields (DESIGN §5).
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    service_number = models.CharField(_("service number"), max_length=64, blank=True)
    next_of_kin = models.CharField(_("next of kin"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    dna_reference = models.CharField(_("DNA reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Derived by ``refresh_search_key`` from the two names; what ``q=`` compares against.
    search_key = models.CharField(_("search key"), max_length=500, blank=True, editable=False)

    public_sort_name = staticmethod(public_sort_name)

    RESTRICTED_FIELDS = (
        "date_of_birth",
        "service_number",
        "next_of_kin",
        "contact",
        "dna_reference",
        "notes",
    )

    class Meta:
        ordering = ["name_latin", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(fields=["conflict", "party", "status"]),
            models.Index(fields=["status_date"]),
            # The default orders of the person lists, so a page is read from the index
            # instead of sorting every person: staff by name, the public by published name.
            # A deep page skips its offset in the index alone (an index-only scan), then reads
            # its rows by id (``deferred_rows``), also when filtered by conflict or party:
            # the index holds every column those need. (PostgreSQL reads an expression's
            # value from an index only when the columns it is computed from are in it too.)
            models.Index(
                "name_latin", "id", name="person_name_sort", include=["conflict", "party"]
            ),
            models.Index(
                public_sort_name(),
                "id",
                name="person_public_sort",
                include=["name_public", "name_latin", "conflict", "party"],
            ),
            # Similar names (duplicates) by trigram. A name search reads the name postings
            # (``NamePosting``) instead.
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="person_search_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "external_id"],
                condition=~Q(external_id=""),
                name="person_unique_external_id",
                violation_error_message=_("Another person of this conflict has this external id."),
            ),
        ]
        triggers = [
            _name_words_trigger("add_name_words_insert", pgtrigger.Insert),
            _name_words_trigger("add_name_words_update", pgtrigger.Update),
            *posting_triggers(),
        ]

    def __str__(self):
        return self.name_latin or self.full_name

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.full_name, self.name_latin)


class NameWord(models.Model):
    """One word that occurs in some person's search key ("sargsyan"): the vocabulary a name
    search matches its words against, by substring or similarity, before it looks up the
    persons holding the words found. Words stay when their persons go (a stale word matches
    nobody)."""

    word = models.CharField(_("word"), max_length=500, unique=True)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")
        indexes = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="nameword_search_trgm"),
        ]

    def __str__(self):
        return self.word
