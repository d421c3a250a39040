"""The audit trail: which models are tracked, and how; and the data versions writes advance.

Tracking is done by PostgreSQL triggers (django-pghistory), so inserts, updates and deletes are
recorded whatever made them: a form, the admin, ``QuerySet.update()``, ``bulk_create`` or raw SQL.
The event tables are append-only (``PGHISTORY_APPEND_ONLY``): the database refuses to change them.

Every committed write to a tracked table also advances the data versions it touches, so "has
this changed?" is one cheap read: the ETag and Last-Modified of API responses and the key of
cached ledgers. There are several, so that a write in one conflict does not invalidate another's:

- the global version (``ledger_data_version``, one row): advanced by every write;
- one per ledger, ``c/<conflict slug>/p/<party code>``: statements with figures about that party
  and their figures, handovers to, from or mediated by it and their rows, its persons and what
  hangs on them;
- one per conflict, ``c/<conflict slug>``: advanced with any of its ledgers;
- ``reference``: conflicts, parties, sources, and any row whose scope is not declared (or cannot
  be told, a bulk insert): every scoped key includes it, so such a write invalidates them all.

A row trigger collects the scopes a write touches in a transaction-local setting; a deferred
trigger advances them at commit, the global one first (every writer's first lock, so two
writers never take two scopes' locks in opposite orders) then the scopes in sorted order, each
set to the new global number. A reader never sees a version before the data it stands for; a
rolled-back write (or savepoint) takes its collected scopes with it.
"""

from datetime import UTC, datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.db import connections

from core.db.replica import read_alias

REFERENCE_SCOPE = "reference"
TOUCH_REFERENCE = "SELECT ledger_touch_scope(NULL, NULL)"

# Deferred to commit; the flush empties the collected set, so the first call of a transaction
# does the work and the others find nothing to do.
FLUSH_VERSIONS = """
    PERFORM ledger_flush_versions();
    RETURN NULL;
"""

# ``{rows}`` yields (conflict_id, party_id) pairs for the row ``{row}`` (OLD or NEW); a pair
# whose conflict is NULL, or no pair at all (a parent already gone), touches ``reference``.
COLLECT = """
    IF TG_OP <> 'INSERT' THEN
        PERFORM ledger_touch_scope(conflict_id, party_id) FROM ({old}) AS s(conflict_id, party_id);
        IF NOT FOUND THEN PERFORM ledger_touch_scope(NULL, NULL); END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM ledger_touch_scope(conflict_id, party_id) FROM ({new}) AS s(conflict_id, party_id);
        IF NOT FOUND THEN PERFORM ledger_touch_scope(NULL, NULL); END IF;
    END IF;
    RETURN NULL;
"""
REFERENCE_ROWS = "SELECT NULL::bigint, NULL::bigint"


# Set for a transaction by core.audit_trail.start_bulk_inserts: the chain's seal then advances
# the data version at commit, and the row triggers below need not (see ``audited``).
SEAL_BUMPS = "ledger.audit_bulk_bump"


def audited(*, set_wise_inserts: bool = False, scopes: str | None = None, added_later: tuple = ()):
    """Class decorator recording every insert, update and delete of a domain model.

    ``scopes``: a SELECT of (conflict_id, party_id) pairs for the row ``{row}`` — the ledgers
    whose data the row is part of (module docstring). Without it the row is reference data.

    ``added_later``: columns added to the model (and so to its event table) after events had
    been recorded, with a default that filled the old events' new column: those events were
    hashed without it, and ``verify_audit`` checks them so (core/audit_verify.py). A column
    added from now on is added to the event table nullable instead (nulls are left out of the
    hash), and needs no entry here.

    ``set_wise_inserts`` (the tables the person import fills): one statement-level trigger
    records a statement's inserts from its new rows (pghistory's ``level``), instead of one
    trigger call per row; and the per-row data-version triggers have a WHEN condition, evaluated
    without calling them, that lets them stand aside while the seal is to advance the versions
    (it then touches ``reference``) — any write records events, so a link, so a seal. Neither
    can turn the recording off.
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
    rows = scopes or REFERENCE_ROWS
    triggers = [
        pgtrigger.Trigger(
            name="collect_scopes",
            level=pgtrigger.Row,
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            condition=unless_sealed if set_wise_inserts else None,
            func=COLLECT.format(old=rows.format(row="OLD"), new=rows.format(row="NEW")),
        ),
        pgtrigger.Trigger(
            name="bump_data_version",
            level=pgtrigger.Row,
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            timing=pgtrigger.Deferred,
            condition=unless_sealed if set_wise_inserts else None,
            func=FLUSH_VERSIONS,
        ),
    ]

    def decorate(model):
        model.audit_added_later = tuple(added_later)
        return pgtrigger.register(*triggers)(track(model))

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


def scope_keys(conflict: str, party: str | None = None) -> list[str]:
    """The scope rows a (conflict[, party]) answer depends on, reference data first."""
    key = f"c/{conflict}" + (f"/p/{party}" if party else "")
    return [REFERENCE_SCOPE, key]


def scoped_version(scope: tuple | None = None, using: str | None = None) -> tuple[object, object]:
    """Like ``data_version``, for answers about one conflict (and party): ``scope`` is
    (conflict slug, party code or None). The version is ``<scope's>.<reference's>``, when it
    last changed the later of the two. Without a scope, the global version."""
    if not settings.SCOPED_DATA_VERSIONS or not scope or not scope[0]:
        return data_version(using)
    if "\x00" in "".join(filter(None, scope)):
        return data_version(using)  # (PostgreSQL text holds no NUL: such a filter finds nothing)
    keys = scope_keys(*scope)
    with connections[using or read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT scope, version, changed_at FROM ledger_scope_version WHERE scope = ANY(%s)",
            [keys],
        )
        found = {scope: (version, changed) for scope, version, changed in cursor.fetchall()}
    if REFERENCE_SCOPE not in found:  # not migrated this far (a restored older backup)
        return data_version(using)
    never = (0, datetime.min.replace(tzinfo=UTC))
    (ref, ref_changed), (own, own_changed) = found[REFERENCE_SCOPE], found.get(keys[1], never)
    return f"{own}.{ref}", max(ref_changed, own_changed)
