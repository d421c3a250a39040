"""Fixed queries that PostgreSQL plans once per connection: the ledger's, and the few reads
beside it.

Django binds parameters on the client (the values are written into the query text), so
PostgreSQL plans each query anew. The ledger's queries are few and always the same, and at
national scale planning them took about half of their time on the server (bench/README.md,
issue 19). ``fetch`` sends the values apart from the text (server-side binding), so psycopg
prepares each query text on a connection the first time it runs there (``prepare_threshold`` 0,
``config/database_settings.py``), and from the sixth run PostgreSQL keeps a generic plan when it
costs no more than planning each time. Every other query keeps Django's client-side binding.

A query run here must cast each parameter (``%(day)s::date``): the server no longer sees its
value in the text. Behind PgBouncer in transaction mode, prepared statements need PgBouncer
1.21 or later with ``max_prepared_statements``; otherwise set ``DATABASE_PREPARED=0`` and the
same queries run unprepared.
"""

import functools
import re

from django.db import connections
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.backends.utils import CursorWrapper

from core.db.replica import read_alias

# ``%(name)s::type IS NULL`` (or ``IS NOT NULL``): does the scope give this value?
SCOPE_TEST = re.compile(r"%\((\w+)\)s::\w+ IS (NOT )?NULL")


def fetch(query: str, params: dict) -> list[dict]:
    """The rows of ``query``, as dicts, from where this request reads (raw SQL bypasses the
    database router: a public read may use the replica, core/db/replica.py), prepared with its
    scope tests settled first (``for_scope``)."""
    with prepared_cursor(read_alias()) as cursor:
        cursor.execute(for_scope(query, params), params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def for_scope(query: str, params: dict) -> str:
    """``query`` with each scope test replaced by its answer for ``params``: ``true`` or
    ``false``, which the planner folds away, as it did the NULL tests when values were written
    into the text. A generic plan sees only ``$1``: without this it could not use an index
    behind ``$1 IS NULL OR conflict_id = $1`` for one ledger. One text per shape of scope (one
    ledger or all, with a day or not), whatever the values."""
    return _settled(query, frozenset(name for name, value in params.items() if value is None))


@functools.lru_cache(maxsize=512)
def _settled(query: str, absent: frozenset[str]) -> str:
    def answer(test: re.Match) -> str:
        is_null = test.group(1) in absent
        return "true" if is_null != bool(test.group(2)) else "false"

    return SCOPE_TEST.sub(answer, query)


def prepared_cursor(alias: str) -> CursorWrapper:
    """A cursor on ``alias`` with server-side binding, wrapped as Django wraps its own (query
    logging, execute wrappers, database errors)."""
    connection = connections[alias]
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log (tests, DEBUG) with each query's text as sent: Django reads it back
    from psycopg, which keeps none for a prepared query."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)
