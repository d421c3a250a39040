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
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from core.tiers import is_staff

REPLICA_DB_ALIAS = "replica"
PUBLIC_PREFIXES = ("/api/", "/ledger/")
READ_METHODS = ("GET", "HEAD")
_END = object()


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
    return REPLICA_DB_ALIAS if _caller_is_public(state) else DEFAULT_DB_ALIAS


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
