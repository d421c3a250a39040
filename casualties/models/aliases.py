"""Other ways a person is found: spellings of their name, records merged into theirs."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from casualties.models.persons import Person
from casualties.models.scopes import OF_PERSON
from casualties.search.transliteration import search_key
from core.audit import audited


# public came in 0012, with a default: the events before it were hashed without it.
@audited(scopes=OF_PERSON, added_later=("public",))
class PersonAlias(models.Model):
    """Another spelling of a person's name that trigram search cannot bridge
    (Оганесян for Hovhannisyan), so a search for either finds the person.

    ``public``: the public search may find the person by it. Only an alias of a person whose
    name is public may be (DESIGN §3); that spans two tables, which no constraint can say, so
    ``person_alias_add`` and the merge enforce it, and the public search also requires the
    person's name to be public, so an alias stays hidden whenever its person's name is.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(_("search key"), max_length=500, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("The public search finds the person by this spelling too."),
    )
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


class PersonMergeQuerySet(models.QuerySet):
    def publicly_redirected(self):
        """The merges the public may see: both records' names public, the kept one still."""
        return self.filter(merged_name_public=True, person__name_public=True)


# merged_name_public came in 0012, with a default: older events were hashed without it.
@audited(scopes=OF_PERSON, added_later=("merged_name_public",))
class PersonMerge(models.Model):
    """A duplicate person record merged into another: the old id keeps answering, by
    redirecting to the person it became — for the public only when both records' names are
    public (``merged_name_public`` and the kept person's ``name_public``), or a hidden record
    would be tied to a published name; otherwise the old id is unknown to the public."""

    merged_id = models.BigIntegerField(_("merged person id"), unique=True)
    person = models.ForeignKey(
        Person, verbose_name=_("kept person"), on_delete=models.CASCADE, related_name="merges"
    )
    merged_name = models.CharField(_("merged person's name"), max_length=200)
    merged_name_public = models.BooleanField(_("merged person's name was public"), default=False)
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

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at", "id"]
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")

    def __str__(self):
        return f"{self.merged_id} → {self.person_id}"
