"""Writing many audited rows in one transaction (imports, generated data)."""

from django.db import connection


def prepare_bulk_writes() -> None:
    """Make the rest of the transaction fit for writing a hundred thousand audited rows.

    Django creates foreign keys DEFERRABLE INITIALLY DEFERRED, so every row written queues a
    check until commit; and pgtrigger's per-row "is this trigger ignored?" lookup raises and
    catches an error when ``pgtrigger.ignore`` is unset. PostgreSQL scans the whole queue of
    deferred checks each time a PL/pgSQL block catches an error, so together they make a bulk load
    quadratic: minutes instead of seconds. Checking keys at the end of each statement keeps the
    queue empty, and an empty ignore list (ignore nothing) spares the lookup its error. The audit
    chain's seal alone stays at commit (one queued check per statement, not per row): made
    immediate, it would hold the chain's head, and so every other writer's commit, for the rest
    of the transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS core_audit_seal DEFERRED")
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
