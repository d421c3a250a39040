"""``Idempotency-Key`` on POST: a retried request gets the first response and creates nothing.

Shaped by the race it must survive: a client whose connection dropped retries at once, so two
requests with one key can arrive together. ``SELECT … FOR UPDATE`` cannot help, because before
the first request finishes there is no row to lock. Instead each request takes a transaction
advisory lock named by (user, key): the second one waits there until the first has committed
the record and its stored response, then finds the record and replays it. The record, the
response and the work it stands for commit in one transaction, so a stored response always
names data that exists; a failed request (4xx, or an error) leaves no record and may be retried
with the same key. The unique constraint on (user, key) stays as the last guard.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from repatriation.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEY_REUSED = _("This Idempotency-Key was already used with a different request.")
KEY_INVALID = _("An Idempotency-Key is 1 to %(max)d printable characters.")


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = KEY_REUSED
    default_code = "idempotency_key_reused"


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict
    replayed: bool


def request_hash(*, path: str, body) -> str:
    """SHA-256 of the request as canonical JSON (sorted keys, no spaces): the same request
    sent twice hashes the same whatever the order of its keys."""
    if hasattr(body, "lists"):  # a form-encoded QueryDict
        body = dict(body.lists())
    canonical = json.dumps(
        {"path": path, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def checked_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError({HEADER: [KEY_INVALID % {"max": MAX_KEY_LENGTH}]})
    return key


def once(*, user, key: str, path: str, body, run: Callable[[], tuple[int, dict]]) -> Outcome:
    """``run()`` once per (user, key): the first call runs it and keeps what it answered,
    later calls with the same request get that answer back; with another request, 422."""
    key = checked_key(key)
    digest = request_hash(path=path, body=body)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"idempotency:{user.pk}:{key}"],
            )
        stored = IdempotencyKey.objects.filter(user=user, key=key).first()
        if stored is not None:
            if stored.request_hash != digest:
                raise KeyReused()
            return Outcome(stored.response_status, stored.response_body, replayed=True)
        response_status, response_body = run()
        IdempotencyKey.objects.create(
            user=user,
            key=key,
            request_hash=digest,
            response_status=response_status,
            response_body=response_body,
        )
    return Outcome(response_status, response_body, replayed=False)


# A client retries within minutes, not weeks.
KEEP_DAYS = 7


def idempotency_keys_purge(*, days: int = KEEP_DAYS) -> int:
    """Forget the stored first responses to keyed POSTs older than ``days``; return how many.
    A key used again after it was purged is treated as new."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
