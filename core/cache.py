"""Results computed from the data (ledgers, public API pages), cached under the data version
they were computed from: the global one, or the scoped one of the ledger or conflict the result
is about (core.audit), which a write elsewhere does not advance.

Any committed write advances the versions of what it changed, so a cached result is never
stale: it is simply never asked for again. Nothing is cached inside a transaction, where
uncommitted (perhaps later rolled back) rows are visible.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.utils import translation

from core.audit import data_version

TIMEOUT_SECONDS = 24 * 60 * 60


def cached(compute: Callable, *, version: tuple | None = None, **kwargs):
    """``compute(**kwargs)``, from the cache when the data has not changed since."""
    if connection.in_atomic_block:
        return compute(**kwargs)
    number, changed_at = version or data_version()
    parts = [compute.__name__, number, changed_at.timestamp(), translation.get_language()]
    parts += [f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(kwargs.items())]
    key = "v:" + ":".join(str(part) for part in parts)
    result = cache.get(key)
    if result is None:
        result = compute(**kwargs)
        cache.set(key, result, TIMEOUT_SECONDS)
    return result
