"""Idempotency keys: a replayed API write returns its first result."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key`` header, so a client that
    retries (a lost connection, a double click) gets that response again instead of a second
    record. Keys are per user. Not audited: it records a conversation with a client, not the
    world, and a tracked write would also advance the data version and flush cached ledgers.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(
        _("request hash"),
        max_length=64,
        help_text=_("SHA-256 of the path and body as canonical JSON."),
    )
    response_status = models.PositiveSmallIntegerField(_("response status"))
    response_body = models.JSONField(_("response body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotencykey_unique_per_user",
                violation_error_message=_("This key has already been used."),
            ),
        ]

    def __str__(self):
        return self.key
