"""The audit trail: which models are tracked, and how.

Tracking is done by PostgreSQL triggers (django-pghistory), so inserts, updates and deletes are
recorded whatever made them: a form, the admin, ``QuerySet.update()``, ``bulk_create`` or raw SQL.
The event tables are append-only (``PGHISTORY_APPEND_ONLY``): the database refuses to change them.
"""

import pghistory


def audited():
    """Class decorator recording every insert, update and delete of a domain model."""
    # Fresh tracker instances per model: pghistory binds each instance to one model.
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )
