"""What the evidence refers to: conflicts, parties and sources."""

from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from casualties.choices import PartyKind, SourceKind
from core.audit import audited


class LocalNameMixin(models.Model):
    """A name that may also be given in Armenian and Russian, shown on pages in those languages
    (the API keeps ``name``, the English one, and offers the others beside it)."""

    name_hy = models.CharField(_("name in Armenian"), max_length=200, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return getattr(self, f"name_{language}", "") or self.name


class TimestampedModel(models.Model):
    """When a row was created and last saved; lets API readers sync by ``updated_since``."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


@audited()
class Conflict(LocalNameMixin, TimestampedModel):
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
        return self.local_name


@audited()
class Party(LocalNameMixin, TimestampedModel):
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
        return f"{self.local_name} ({self.code})"


@audited()
class Source(LocalNameMixin, TimestampedModel):
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
        return self.local_name
