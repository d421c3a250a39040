"""Which database a request reads from: a read replica for public reads, else the primary.

A *public read* is a GET or HEAD of the public API (``/api/``) or the ledger pages
(``/ledger/``) by someone outside the staff: anonymous, or a journalist. Such a request reads
from the replica until it writes anything (a cached answer, an expired token's deletion):
from then on it reads the primary, so it never misses its own write. Everything else — staff,
any other method or page, the admin, management commands, threads outside a request — reads the
primary, where a clerk sees what they have just saved.

Who the caller is can change during the request: the session's user is known here, but the
API learns of a token's user only in the view (DRF then sets ``request.user`` again). So the
caller is checked again whenever ``request.user`` is a different object; the reads made while
checking (session, user, groups) go to the primary.

A replica that does not answer is no reason to refuse a public read: the request reads the
primary instead, after at most ``DATABASE_REPLICA_TIMEOUT`` (the replica's connect timeout),
and the process then leaves the replica alone for ``DATABASE_REPLICA_RETRY_SECONDS`` so that
the next requests do not each wait for it again. The primary carries the public reads
meanwhile: slower under load, but an answer, where a 503 would be none. Only connecting is
guarded: a replica that dies in the middle of a request fails that request as the primary
would (core/db/unavailable.py).
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core.tiers import is_staff

REPLICA_DB_ALIAS = "replica"
PUBLIC_PREFIXES = ("/api/", "/ledger/")
READ_METHODS = ("GET", "HEAD")
DEFAULT_RETRY_SECONDS = 5.0
_END = object()
logger = logging.getLogger(__name__)
# Per process: until when (time.monotonic()) the replica is taken to be down.
_replica_down_until = 0.0


@dataclass
class PublicRead:
    """One public request's routing state."""

    request: object
    wrote: bool = False
    checked_user: object = None
    caller_is_public: bool = False


_public_read: ContextVar[PublicRead | None] = ContextVar("public_read", default=None)


def read_alias() -> str:
    """The database alias this moment's reads should use."""
    state = _public_read.get()
    if state is None or state.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # Inside a transaction on the primary, reads belong to that transaction.
        return DEFAULT_DB_ALIAS
    if _caller_is_public(state) and replica_answers():
        return REPLICA_DB_ALIAS
    return DEFAULT_DB_ALIAS


def replica_answers() -> bool:
    """Whether the replica can be read now: connected already, or connecting succeeds. A
    failure marks it down for ``DATABASE_REPLICA_RETRY_SECONDS``."""
    global _replica_down_until
    if replica_marked_down():
        return False
    replica = connections[REPLICA_DB_ALIAS]
    if replica.connection is not None:
        return True
    try:
        replica.ensure_connection()
    except DatabaseError as exc:
        retry = getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        _replica_down_until = time.monotonic() + retry
        logger.warning("Read replica unavailable, reading the primary for %s s: %s", retry, exc)
        return False
    return True


def replica_marked_down() -> bool:
    return time.monotonic() < _replica_down_until


def forget_replica_down() -> None:
    """Try the replica again at the next public read (tests, or an operator's shell)."""
    global _replica_down_until
    _replica_down_until = 0.0


def note_write() -> None:
    """Something is about to be written: this request reads the primary from now on."""
    state = _public_read.get()
    if state is not None:
        state.wrote = True


def _caller_is_public(state: PublicRead) -> bool:
    user = getattr(state.request, "user", None)
    if user is not state.checked_user:
        # Until decided, the deciding reads themselves (session, groups) go to the primary.
        state.checked_user, state.caller_is_public = user, False
        state.caller_is_public = not is_staff(user)
    return state.caller_is_public


def is_public_read(request) -> bool:
    return request.method in READ_METHODS and request.path_info.startswith(PUBLIC_PREFIXES)


class PublicReadMiddleware:
    """Marks public reads for ``core.db.routers.ReplicaRouter``; after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_read(request):
            return self.get_response(request)
        state = PublicRead(request)
        token = _public_read.set(state)
        try:
            response = self.get_response(request)
        finally:
            _public_read.reset(token)
        if response.streaming:
            # A CSV export's rows are read while the server sends it, after this returns.
            response.streaming_content = _reading_as(state, response.streaming_content)
        return response


def _reading_as(state: PublicRead, chunks):
    """The chunks, each produced as part of the public read ``state``."""
    chunks = iter(chunks)
    while True:
        token = _public_read.set(state)
        try:
            chunk = next(chunks, _END)
        finally:
            _public_read.reset(token)
        if chunk is _END:
            return
        yield chunk
