"""The change feed's reading of the audit trail: which public record each audited change touched,
and what the public saw happen to it (created, updated, deleted, unpublished, merged).

Commit order comes from the audit chain (core/audit_sql.py): every statement writing a tracked
table leaves a link, and the link gets its ``seq`` while its transaction commits, under the
chain head's row lock, which it holds until the commit is done. So ``seq`` order is commit
order, and a reader who sees link ``n`` also sees every link before it: a cursor on ``seq``
never skips a transaction that committed late, as a cursor on an id sequence (given out at
insert, committed in another order) or on a timestamp would. It also costs nothing: the chain
is written anyway, with an index on ``seq``.

Within a link, events are read in id order; the cursor is (link ``seq``, event id), so a link
of 10,000 rows (an import) pages like any other.
"""

import base64
import binascii
import datetime

from django.db import connections

from casualties.models import Conflict, Party, Person, PersonMerge, Source, Statement
from repatriation.choices import HandoverState
from repatriation.models import Agreement, Handover

CURSOR_PREFIX = "c1:"


def _event_table(model) -> str:
    return next(
        related.related_model._meta.db_table
        for related in model._meta.related_objects
        if getattr(related.related_model, "pgh_tracked_model", None) is model
    )


def _plain(resource: str, model, key: str = "pgh_obj_id") -> tuple[str, str]:
    """Resources the public sees whole: their own inserts, updates and deletes. ``key`` is what
    names a record in the API's URLs (a conflict's slug, a party's code, else the id)."""
    return (
        _event_table(model),
        f"""SELECT e.pgh_id, e.{key} AS id, '{resource}' AS resource, e.pgh_created_at AS at,
                  CASE e.pgh_label WHEN 'insert' THEN 'created' WHEN 'update' THEN 'updated'
                       ELSE 'deleted' END AS action, NULL::bigint AS merged_into
           FROM {{table}} e WHERE e.pgh_id = ANY(%(ids)s)""",
    )


def _tables() -> dict[str, str]:
    """Event table → the SQL giving, for the given event ids, the public entries they make.

    A person whose name was published and is hidden again is ``unpublished``; a person deleted
    by a merge the public may know of (both names public, as for the redirect) is ``merged``
    into the kept record, otherwise plainly ``deleted``. A handover exists for the public from
    its verification on; its remains and released persons change it. A statement's figures
    change their statement.
    """
    person = _event_table(Person)
    handover = _event_table(Handover)
    merges, persons = PersonMerge._meta.db_table, Person._meta.db_table
    verified = HandoverState.VERIFIED.value
    remains = Handover._meta.get_field("remains").related_model
    released = Handover._meta.get_field("released_persons").remote_field.through
    figure = Statement._meta.get_field("figures").related_model
    tables = dict(
        _plain(resource, model, key)
        for resource, model, key in (
            ("conflicts", Conflict, "slug"),
            ("parties", Party, "code"),
            ("sources", Source, "pgh_obj_id"),
            ("statements", Statement, "pgh_obj_id"),
            ("agreements", Agreement, "pgh_obj_id"),
        )
    )
    tables[person] = f"""
        SELECT e.pgh_id, e.pgh_obj_id AS id, 'persons' AS resource, e.pgh_created_at AS at,
               CASE WHEN e.pgh_label = 'insert' THEN 'created'
                    WHEN e.pgh_label = 'delete' AND merge.person_id IS NOT NULL THEN 'merged'
                    WHEN e.pgh_label = 'delete' THEN 'deleted'
                    WHEN before.name_public AND NOT e.name_public THEN 'unpublished'
                    ELSE 'updated' END AS action,
               CASE WHEN e.pgh_label = 'delete' THEN merge.person_id END AS merged_into
        FROM {{table}} e
        LEFT JOIN LATERAL (
            SELECT p.name_public FROM {{table}} p
            WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
            ORDER BY p.pgh_id DESC LIMIT 1) before ON true
        LEFT JOIN LATERAL (
            SELECT m.person_id FROM {merges} m JOIN {persons} kept ON kept.id = m.person_id
            WHERE m.merged_id = e.pgh_obj_id AND m.merged_name_public AND kept.name_public
            LIMIT 1) merge ON true
        WHERE e.pgh_id = ANY(%(ids)s)"""
    tables[handover] = f"""
        SELECT e.pgh_id, e.pgh_obj_id AS id, 'handovers' AS resource, e.pgh_created_at AS at,
               CASE WHEN e.pgh_label = 'delete' OR e.state <> '{verified}' THEN 'deleted'
                    WHEN coalesce(before.state, '') <> '{verified}' THEN 'created'
                    ELSE 'updated' END AS action,
               NULL::bigint AS merged_into
        FROM {{table}} e
        LEFT JOIN LATERAL (
            SELECT h.state FROM {{table}} h
            WHERE h.pgh_obj_id = e.pgh_obj_id AND h.pgh_id < e.pgh_id
            ORDER BY h.pgh_id DESC LIMIT 1) before ON true
        WHERE e.pgh_id = ANY(%(ids)s)
          AND (e.state = '{verified}' OR before.state = '{verified}')"""
    # A child row changes its parent, once the parent is public (a handover from the
    # transaction that verified it on; a statement always).
    for model, parent in ((remains, "handover_id"), (released, "handover_id")):
        tables[_event_table(model)] = f"""
            SELECT e.pgh_id, e.{parent} AS id, 'handovers' AS resource, e.pgh_created_at AS at,
                   'updated' AS action, NULL::bigint AS merged_into
            FROM {{table}} e
            WHERE e.pgh_id = ANY(%(ids)s) AND EXISTS (
                SELECT 1 FROM {handover} h WHERE h.pgh_obj_id = e.{parent}
                  AND h.state = '{verified}' AND h.pgh_created_at <= e.pgh_created_at)"""
    tables[_event_table(figure)] = """
        SELECT e.pgh_id, e.statement_id AS id, 'statements' AS resource, e.pgh_created_at AS at,
               'updated' AS action, NULL::bigint AS merged_into
        FROM {table} e WHERE e.pgh_id = ANY(%(ids)s)"""
    return tables


SCANNED = """
SELECT l.seq, l.table_name, e.event_id
FROM (SELECT seq, table_name, event_ids FROM core_audit_link
      WHERE seq >= %(seq)s AND table_name = ANY(%(tables)s) ORDER BY seq LIMIT %(limit)s) l
CROSS JOIN LATERAL unnest(l.event_ids) AS e(event_id)
WHERE (l.seq, e.event_id) > (%(seq)s, %(event)s)
ORDER BY l.seq, e.event_id
LIMIT %(limit)s
"""
MORE = "SELECT EXISTS (SELECT 1 FROM core_audit_link WHERE seq > %s AND table_name = ANY(%s))"
# The first link written at or after a moment, or the next link to come when there is none;
# a position (seq, 0) is "from the start of link seq".
SINCE_TIME = """
SELECT coalesce(
    (SELECT min(seq) FROM core_audit_link WHERE created_at >= %s),
    (SELECT coalesce(max(seq), 0) + 1 FROM core_audit_link))
"""


def encode_cursor(seq: int, event: int) -> str:
    raw = f"{CURSOR_PREFIX}{seq}:{event}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[int, int] | None:
    """(seq, event id) from an opaque cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not raw.startswith(CURSOR_PREFIX):
        return None
    parts = raw.removeprefix(CURSOR_PREFIX).split(":")
    if len(parts) != 2 or not all(part.isdigit() and len(part) < 19 for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def position_at(moment: datetime.datetime, using: str = "default") -> tuple[int, int]:
    """The position just before the first link written at or after ``moment`` (links are
    stamped when their statement ran, so a transaction open across ``moment`` may be left
    out: a cursor is exact, a time is for a first sync)."""
    with connections[using].cursor() as cursor:
        cursor.execute(SINCE_TIME, [moment])
        return cursor.fetchone()[0], 0


def changes_after(
    position: tuple[int, int], *, limit: int, using: str = "default"
) -> tuple[list[dict], tuple[int, int], bool]:
    """The public entries after ``position`` (at most ``limit`` events read), the position
    reached, and whether more events may follow."""
    tables = _tables()
    seq, event = position
    with connections[using].cursor() as cursor:
        cursor.execute(
            SCANNED, {"seq": seq, "event": event, "tables": list(tables), "limit": limit}
        )
        scanned = cursor.fetchall()
        by_table: dict[str, list[int]] = {}
        for _seq, table, event_id in scanned:
            by_table.setdefault(table, []).append(event_id)
        entries = {}
        for table, ids in by_table.items():
            cursor.execute(tables[table].format(table=table), {"ids": ids})
            columns = [column.name for column in cursor.description]
            for row in cursor.fetchall():
                found = dict(zip(columns, row, strict=True))
                entries[(table, found.pop("pgh_id"))] = found
        reached = (scanned[-1][0], scanned[-1][2]) if scanned else position
        more = len(scanned) == limit
        if not more:
            # Fewer events than asked for may still leave links the page did not reach.
            cursor.execute(MORE, [reached[0], list(tables)])
            more = cursor.fetchone()[0]
    ordered = [
        entries[(table, event_id)]
        for _s, table, event_id in scanned
        if (table, event_id) in entries
    ]
    return _collapse(ordered), reached, more


def _collapse(entries: list[dict]) -> list[dict]:
    """Drops an entry repeating the one just before it (a statement and its figures written
    together say "updated" once); the rest stay, in commit order."""
    kept = []
    for entry in entries:
        shape = {key: value for key, value in entry.items() if value is not None}
        if kept and all(kept[-1].get(k) == v for k, v in shape.items() if k != "at"):
            continue
        kept.append(shape)
    return kept
