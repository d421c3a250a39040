"""The audit trail's protection, installed after every ``migrate`` for every event table there is.

pghistory's event tables (one per tracked model, in whatever app) get plain triggers that refuse
UPDATE, DELETE and TRUNCATE and that chain every inserted event (core/audit_sql.py says how);
``pghistory_context`` may gain keys but never change or lose a row. Installing them from the
models on every ``migrate`` (core/apps.py), idempotently, means a tracked model an app adds later
is guarded and chained at once: no migration of its own to forget. ``tests/core/test_audit_guards``
lists every event model and checks each. What protects what is in README ("Audit trail").
"""

import pghistory.trigger
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import connections

from core import audit_sql
from core.audit import SEAL_BUMPS, TOUCH_REFERENCE

BULK_SETTING = "ledger.audit_bulk"
TRUNCATE_SETTING = "ledger.audit_truncate"


def event_models() -> list:
    """Every concrete pghistory event model (one table each), in every installed app."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "pgh_tracked_model", None) is not None
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table != "pghistory_events"
    ]


def event_row_hash(model, row: str, *, leave_out: tuple[str, ...] = ()) -> str:
    """The SQL hashing a row (alias ``row``) of an event model's table for the chain; with
    ``leave_out``, as it was hashed before those columns existed."""
    columns = [f.column for f in model._meta.concrete_fields if f.column not in leave_out]
    return audit_sql.row_hash(columns, row)


def _chain_sql(model) -> str:
    quote = connections["default"].ops.quote_name
    table = model._meta.db_table
    function = f"core_audit_chain_{table}"[:63]
    created = audit_sql.CHAIN_FUNCTION.format(
        function=function, pk=quote(model._meta.pk.column), row_hash=event_row_hash(model, "r")
    )
    return created + audit_sql.EVENT_TRIGGERS.format(table=quote(table), function=function)


def _insert_event_triggers():
    """(tracked model, its per-row insert-event trigger, the event model) for each tracked model
    whose 'insert' events a statement-level trigger can write from the new rows alone."""
    found = []
    for model, trigger in pgtrigger.registered():
        if (
            isinstance(trigger, pghistory.trigger.Event)
            and str(trigger.operation) == "INSERT"
            and trigger.level == pgtrigger.Row
            and trigger.condition is None
            and trigger.row == "NEW"
            and trigger.label == "insert"
        ):
            found.append((model, trigger, trigger.event_model))
    return found


def bulk_skipped_triggers() -> list[str]:
    """The row triggers the bulk mode skips: insert events and data-version bumps of the tables
    that have a statement-level bulk trigger (their work is done set-wise instead)."""
    inserts = _insert_event_triggers()
    tables = {model for model, _trigger, _event in inserts}
    return sorted(
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if model in tables
        and (
            any(trigger is found for _m, found, _e in inserts)
            or trigger.name in ("bump_data_version", "collect_scopes")
        )
    )


def _bulk_function(event_model) -> str:
    return f"core_audit_bulk_{event_model._meta.db_table}"[:63]


def _bulk_sql(model, event_model) -> str:
    quote = connections["default"].ops.quote_name
    tracked = {field.column for field in model._meta.concrete_fields}
    columns = [
        field.column
        for field in event_model._meta.concrete_fields
        if not field.name.startswith("pgh_") and field.column in tracked
    ]
    return audit_sql.BULK_FUNCTION.format(
        function=_bulk_function(event_model),
        table=quote(model._meta.db_table),
        event_table=quote(event_model._meta.db_table),
        pk=quote(model._meta.pk.column),
        columns=", ".join(quote(column) for column in columns),
        values=", ".join(f"new_rows.{quote(column)}" for column in columns),
    )


def install(using: str = "default") -> None:
    """(Re)create every guard, chain and bulk trigger; safe to run any number of times."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for sql in audit_sql.FUNCTIONS:
            cursor.execute(sql)
        for model in event_models():
            cursor.execute(_chain_sql(model))
        cursor.execute(audit_sql.OBSOLETE)
        cursor.execute(audit_sql.CONTEXT_TRIGGERS)
        for table in ("core_audit_link", "core_audit_head"):
            cursor.execute(audit_sql.CHAIN_TRIGGERS.format(table=table))
        cursor.execute(audit_sql.SEAL_TRIGGER)
        bulk = _insert_event_triggers()
        for model, _trigger, event_model in bulk:
            cursor.execute(_bulk_sql(model, event_model))
        # A model whose inserts pghistory now records set-wise itself needs no bulk trigger.
        for event_model in set(event_models()) - {event for _m, _t, event in bulk}:
            function = _bulk_function(event_model)
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
        cursor.execute(audit_sql.SHOULD_IGNORE, {"bulk": bulk_skipped_triggers()})


def install_after_migrate(sender, using="default", **kwargs) -> None:
    install(using)


def allow_truncate_for_tests(sender, connection, **kwargs) -> None:
    """With ``AUDIT_TRUNCATE_ALLOWED`` (the test settings only): the owner's sessions may empty
    the audit tables, as the test suite's flush between transactional tests does."""
    if getattr(settings, "AUDIT_TRUNCATE_ALLOWED", False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'allow', false)", [TRUNCATE_SETTING])


def start_bulk_inserts(cursor) -> None:
    """For the rest of the transaction, inserts into tracked tables record their 'insert'
    events once per statement (set-wise) instead of once per row; the chain links and the data
    version are done at commit."""
    cursor.execute("SELECT set_config(%s, 'on', true)", [BULK_SETTING])
    cursor.execute("SELECT set_config(%s, 'on', true)", [SEAL_BUMPS])
    # Which ledgers the rows belong to is not collected row by row: the import touches all.
    cursor.execute(TOUCH_REFERENCE)


def stop_bulk_inserts(cursor) -> None:
    cursor.execute("SELECT set_config(%s, 'off', true)", [BULK_SETTING])
