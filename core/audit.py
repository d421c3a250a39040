"""The audit trail: which models are tracked, and how.

Tracking is done by PostgreSQL triggers (django-pghistory), so inserts, updates and deletes are
recorded whatever made them: a form, the admin, ``QuerySet.update()``, ``bulk_create`` or raw SQL.
The event tables are append-only (``PGHISTORY_APPEND_ONLY``): the database refuses to change them.

Every committed write to a tracked table also advances ``ledger_data_version`` (one row), so
"has anything changed?" is one cheap read: the ETag and Last-Modified of API responses and the
key of cached ledgers. It is transactional and bumped at commit (a deferred trigger, once per
transaction), so a reader never sees a new version before the data it stands for; a rolled-back
write leaves it alone.
"""

import pghistory
import pgtrigger
from django.db import connections

from core.db.replica import read_alias

# Per row, but deferred to commit, and the transaction-local flag makes it one UPDATE per
# transaction: the row lock on the version is held only while committing.
BUMP_DATA_VERSION = """
    IF current_setting('ledger.version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE ledger_data_version SET version = version + 1, changed_at = clock_timestamp();
        PERFORM set_config('ledger.version_bumped', 'on', true);
    END IF;
    RETURN NULL;
"""


# Set for a transaction by core.audit_trail.start_bulk_inserts: the chain's seal then advances
# the data version at commit, and the row triggers below need not (see ``audited``).
SEAL_BUMPS = "ledger.audit_bulk_bump"


def audited(*, set_wise_inserts: bool = False):
    """Class decorator recording every insert, update and delete of a domain model.

    ``set_wise_inserts`` (the tables the person import fills): one statement-level trigger
    records a statement's inserts from its new rows (pghistory's ``level``), instead of one
    trigger call per row; and the per-row data-version trigger has a WHEN condition, evaluated
    without calling it, that lets it stand aside while the seal is to advance the version — any
    write records events, so a link, so a seal. Neither can turn the recording off.
    """
    # Fresh tracker instances per model: pghistory binds each instance to one model.
    track = pghistory.track(
        pghistory.InsertEvent(level=pgtrigger.Statement if set_wise_inserts else None),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )
    unless_sealed = pgtrigger.Condition(
        f"current_setting('{SEAL_BUMPS}', true) IS DISTINCT FROM 'on'"
    )
    bump = pgtrigger.register(
        pgtrigger.Trigger(
            name="bump_data_version",
            level=pgtrigger.Row,
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            timing=pgtrigger.Deferred,
            condition=unless_sealed if set_wise_inserts else None,
            func=BUMP_DATA_VERSION,
        )
    )

    def decorate(model):
        return bump(track(model))

    return decorate


def data_version(using: str | None = None) -> tuple[int, object]:
    """(version, when it last changed): changes whenever a write to tracked data commits.

    Read from the database the request reads its data from (a public read may use a replica,
    core/db/replica.py), so the version names the data actually served, even behind a lagging
    replica: a primary's newer version would otherwise label, and cache, older data.
    """
    with connections[using or read_alias()].cursor() as cursor:
        cursor.execute("SELECT version, changed_at FROM ledger_data_version")
        return cursor.fetchone()
