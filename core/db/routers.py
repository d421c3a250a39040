"""Scale-out: public reads from a PostgreSQL read replica, everything else on the primary.

Installed only when ``DATABASE_REPLICA_URL`` is set (config/database_settings.py). Which reads are
public, and why the rest stay on the primary, is said in core/db/replica.py.
"""

import math

import dj_database_url
from django.db import DEFAULT_DB_ALIAS

from core.db.replica import note_write, read_alias

# The app label Django's database cache gives its table (django.core.cache.backends.db).
DATABASE_CACHE_LABEL = "django_cache"


# libpq's smallest connect timeout, in whole seconds (a smaller value counts as 2).
LIBPQ_MIN_CONNECT_TIMEOUT = 2


def replica_database(url: str, primary: dict, *, timeout: float | None = None) -> dict:
    """The DATABASES entry of the replica: its URL, with the primary's connection handling.

    ``timeout`` (seconds) bounds the wait for a replica connection: the pool's checkout timeout,
    and libpq's connect timeout (two seconds at least) for a connection made without a pool.
    Past it the request reads the primary (core/db/replica.py)."""
    replica = dj_database_url.parse(url)
    replica["OPTIONS"] = {**primary.get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    if timeout is not None:
        pool = replica["OPTIONS"].get("pool")
        if isinstance(pool, dict):
            replica["OPTIONS"]["pool"] = {**pool, "timeout": timeout}
        replica["OPTIONS"].setdefault(
            "connect_timeout", max(LIBPQ_MIN_CONNECT_TIMEOUT, math.ceil(timeout))
        )
    for setting in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if setting in primary:
            replica[setting] = primary[setting]
    return replica


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        # Storing a computed answer in the database cache is no data the request reads back:
        # a page that caches one part and then computes the next keeps reading the replica.
        if model._meta.app_label != DATABASE_CACHE_LABEL:
            note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an object read from the replica may be saved on
        # the primary, or related to one read there.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by streaming replication; it is never migrated.
        return db == DEFAULT_DB_ALIAS
