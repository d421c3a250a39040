"""API tokens (django-rest-knox): issued by ``manage.py issue_token``, revoked by their owner
(``POST /api/v1/auth/logout/`` and ``…/logoutall/``) or by an admin.

A token's key is shown once, when it is issued, and stored only as a digest, which is also the
row's primary key. Neither is shown anywhere after that: a token is named by a short label
derived from the digest (``token_label``), which says nothing about the key.
"""

import datetime

import pghistory
from django.db import transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Left
from knox.models import AuthToken

LABEL_LENGTH = 10


class Sha256Hex(Func):
    """The hex SHA-256 of a text, in PostgreSQL: a token's label is computed where it is
    looked up, so a selection by label needs no digest in a page or a form."""

    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
    output_field = TextField()


def token_label_expression():
    return Left(Sha256Hex(F("digest")), Value(LABEL_LENGTH))


def with_labels(tokens):
    """``tokens`` annotated with ``label``: the non-secret name each is shown by."""
    return tokens.annotate(label=token_label_expression())


@transaction.atomic
def token_issue(
    *, user, days: int | None = None, issued_by=None, command: str = ""
) -> tuple[AuthToken, str]:
    """A new token for ``user`` and its key (shown once). It expires after ``days`` days, or
    after ``API_TOKEN_DAYS`` (knox's ``TOKEN_TTL``) when none is given: knox reads an explicit
    ``expiry=None`` as "never", so the argument is left out rather than passed as None."""
    context = {"user": getattr(issued_by, "pk", None)}
    if command:
        context["command"] = command
    with pghistory.context(**context):
        if days is None:
            return AuthToken.objects.create(user)
        return AuthToken.objects.create(user, expiry=datetime.timedelta(days=days))


@transaction.atomic
def token_revoke(*, tokens, revoked_by=None) -> int:
    """Delete ``tokens`` (a queryset): they answer 401 from now on. Returns how many went."""
    with pghistory.context(user=getattr(revoked_by, "pk", None)):
        deleted, _per_model = tokens.delete()
    return deleted
