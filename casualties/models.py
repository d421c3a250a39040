import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, CharField, F, Func, Q, TextField, Value, When
from django.utils.translation import gettext_lazy as _

from casualties.choices import FigureCategory, PartyKind, PersonStatus, Qualifier, SourceKind
from casualties.search.transliteration import search_key
from core.audit import audited


class TimestampedModel(models.Model):
    """When a row was created and last saved; lets API readers sync by ``updated_since``."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


@audited()
class Conflict(TimestampedModel):
    """A named episode of hostilities, e.g. the September 2022 attack on Armenia."""

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start_date", "slug"]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="conflict_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.name


@audited()
class Party(TimestampedModel):
    """A state, armed force or mediator that loses people, hands them over, or brokers it."""

    code = models.CharField(
        _("code"), max_length=16, unique=True, help_text=_("e.g. ARM, AZE, ICRC")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return f"{self.name} ({self.code})"


@audited()
class Source(TimestampedModel):
    """An authority or outlet that states figures (a ministry, a council, a newspaper)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text=_("The party this source speaks for, if any."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name


@audited()
class Statement(TimestampedModel):
    """One announcement of figures by a source on a date, with its citation."""

    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="statements"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="statements"
    )
    issued_on = models.DateField(_("issued on"))
    as_of = models.DateField(_("as of"), help_text=_("The date the figures describe."))
    citation_title = models.CharField(_("citation title"), max_length=300)
    citation_url = models.URLField(_("citation URL"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-as_of", "-issued_on", "-id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [models.Index(fields=["conflict", "as_of", "issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(as_of__lte=F("issued_on")),
                name="statement_as_of_not_after_issue",
                violation_error_message=_(
                    "A statement cannot describe a date after the day it was issued."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.source} — {self.issued_on:%Y-%m-%d}"


@audited()
class Figure(TimestampedModel):
    """One number in a statement: e.g. 207 of Armenia's people killed or missing, 5 civilians."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="figures"
    )
    subject_party = models.ForeignKey(
        Party,
        verbose_name=_("subject party"),
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_("Whose losses the number counts."),
    )
    category = models.CharField(_("category"), max_length=24, choices=FigureCategory.choices)
    value = models.IntegerField(_("value"), validators=[MinValueValidator(0)])
    civilians = models.IntegerField(
        _("of which civilians"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )

    class Meta:
        ordering = ["statement", "subject_party", "category"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [models.Index(fields=["subject_party", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_non_negative",
                violation_error_message=_("A figure cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(civilians__isnull=True)
                | (Q(civilians__gte=0) & Q(civilians__lte=F("value"))),
                name="figure_civilians_within_value",
                violation_error_message=_(
                    "The number of civilians must be between 0 and the figure's value."
                ),
            ),
            models.UniqueConstraint(
                fields=["statement", "subject_party", "category"],
                name="figure_unique_per_statement",
                violation_error_message=_(
                    "This statement already has a figure of this category for this party."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.value}"


def public_sort_name():
    """The name the public may sort by: a hidden name sorts as null (after every published
    one, then by id), so a list's order cannot tell where it falls in the alphabet."""
    return Case(
        When(name_public=True, then=F("name_latin")), default=Value(None), output_field=CharField()
    )


class NameWords(Func):
    """The words of a search key, as the text array the name-word indexes of persons hold
    (``person_public_words``, ``person_unpublished_words``)."""

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


@audited()
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
            models.Index("name_latin", "id", name="person_name_order"),
            models.Index(public_sort_name(), "id", name="person_public_name_order"),
            # Similar names (duplicates) by trigram; a name search by whole words of the key,
            # in two halves by whether the name may be published: a public search reads only
            # the persons it may show, and a staff search both halves (each person is in one,
            # so an import maintains no more than one index would).
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="person_search_trgm"),
            GinIndex(
                NameWords("search_key"),
                name="person_public_words",
                condition=Q(name_public=True),
            ),
            GinIndex(
                NameWords("search_key"),
                name="person_unpublished_words",
                condition=Q(name_public=False),
            ),
        ]
        triggers = [
            _name_words_trigger("add_name_words_insert", pgtrigger.Insert),
            _name_words_trigger("add_name_words_update", pgtrigger.Update),
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


@audited()
class StatusChange(models.Model):
    """One dated change of a person's status (missing → killed …), who recorded it and why.

    A move outside the normal lifecycle is a correction and carries a written reason.
    """

    # Not indexed alone: the (person, effective_date, recorded_at) index serves it.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="status_changes",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=PersonStatus.choices)
    effective_date = models.DateField(_("effective date"))
    source_note = models.TextField(_("source"), blank=True)
    is_correction = models.BooleanField(_("correction"), default=False)
    reason = models.TextField(_("reason for correction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["person", "effective_date", "recorded_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["person", "effective_date", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_correction=False) | ~Q(reason=""),
                name="statuschange_correction_has_reason",
                violation_error_message=_("A correction needs a written reason."),
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.effective_date:%Y-%m-%d})"


@audited()
class PersonAlias(models.Model):
    """Another spelling of a person's name that trigram search cannot bridge
    (Оганесян for Hovhannisyan), so a search for either finds the person."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(_("search key"), max_length=500, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["person", "name", "id"]
        verbose_name = _("name alias")
        verbose_name_plural = _("name aliases")
        indexes = [
            GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name="alias_search_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "search_key"],
                name="personalias_unique_per_person",
                violation_error_message=_("This person already has this spelling."),
            ),
        ]

    def __str__(self):
        return self.name

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.name)


@audited()
class PersonMerge(models.Model):
    """A duplicate person record merged into another: the old id keeps answering, by
    redirecting to the person it became."""

    merged_id = models.BigIntegerField(_("merged person id"), unique=True)
    person = models.ForeignKey(
        Person, verbose_name=_("kept person"), on_delete=models.CASCADE, related_name="merges"
    )
    merged_name = models.CharField(_("merged person's name"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "id"]
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")

    def __str__(self):
        return f"{self.merged_id} → {self.person_id}"


class PersonImport(models.Model):
    """One upload of a person list from the staff page: who sent what, with which options,
    how far it has got, and what it found (errors by line and column, rejected rows)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking rows")
        LOADING = "loading", _("Loading")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused: nothing imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="queued")
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    rejects_csv = models.TextField(_("rejected rows (CSV)"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("person import")
        verbose_name_plural = _("person imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REFUSED, self.State.FAILED}
