"""Numbered releases (DESIGN §4): a frozen, citable copy of the public data (ledger/releases.py)."""

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """One published release: its files live under ``RELEASES_DIR/<number>/`` with a
    ``manifest.json`` of their SHA-256 sums; ``manifest_sha256`` is that manifest's own hash and
    ``previous_sha256`` the previous release's, so the releases form a chain that
    ``manage.py verify_releases`` re-hashes."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    published_at = models.DateTimeField(_("published at"), db_default=Now())
    data_version = models.BigIntegerField(_("data version"))
    manifest_sha256 = models.CharField(_("manifest SHA-256"), max_length=64)
    previous_sha256 = models.CharField(_("previous manifest SHA-256"), max_length=64, blank=True)
    # Per file: how many records are new, changed and removed against the previous release.
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gt=0), name="release_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(number=1, previous_sha256="")
                | (models.Q(number__gt=1) & ~models.Q(previous_sha256="")),
                name="release_chained_to_previous",
            ),
        ]

    def __str__(self) -> str:
        return f"Release {self.number}"
