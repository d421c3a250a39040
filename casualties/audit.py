"""The audit trail: which models are tracked, and how.

Tracking is done by PostgreSQL triggers (django-pghistory), so inserts, updates and deletes are
recorded whatever made them: a form, the admin, ``QuerySet.update()``, ``bulk_create`` or raw SQL.
The event tables are append-only (``PGHISTORY_APPEND_ONLY``): the database refuses to change them.

Every write statement on a tracked table also advances the ``ledger_data_version`` sequence,
so "has anything changed?" is one cheap read (``data_version()``): the ETag of API responses.
Sequences are not transactional, so a rolled-back write advances it too — a harmless miss.
"""

import pghistory
import pgtrigger
from django.db import connections

DATA_VERSION_SEQUENCE = "ledger_data_version"


def audited():
    """Class decorator recording every insert, update and delete of a domain model."""
    # Fresh tracker instances per model: pghistory binds each instance to one model.
    track = pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )
    bump = pgtrigger.register(
        pgtrigger.Trigger(
            name="bump_data_version",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            func=f"PERFORM nextval('{DATA_VERSION_SEQUENCE}'); RETURN NULL;",
        )
    )

    def decorate(model):
        return bump(track(model))

    return decorate


def data_version(using: str = "default") -> int:
    """A number that changes whenever any tracked table is written."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {DATA_VERSION_SEQUENCE}")
        return cursor.fetchone()[0]
