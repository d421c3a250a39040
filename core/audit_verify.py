"""Re-computing the audit trail's hash chain (``manage.py verify_audit``).

Three checks, each answered by the database set-wise: the chain of links (each link's hash is
sha256(previous hash || link), in order, with no gap, ending at the head); every event row of
every event table against the hash its link recorded when it was inserted (a changed, deleted
or unlinked row is a break); and the guards still in place on every event table. The first
break, in chain order, is named by its table and event id.
"""

from dataclasses import dataclass

from django.db import connections, transaction

from core import audit_sql
from core.audit_trail import event_models, event_row_hash

CHAIN = """
SELECT seq, table_name, event_ids[1] FROM (
    SELECT link.*, lag(hash) OVER (ORDER BY seq) AS expected_prev,
           row_number() OVER (ORDER BY seq) AS position
    FROM core_audit_link AS link WHERE seq IS NOT NULL
) AS link
WHERE prev_hash IS DISTINCT FROM COALESCE(expected_prev, ''::bytea)
   OR hash IS DISTINCT FROM
      sha256(prev_hash || core_audit_link_body(table_name, event_ids, digests))
   OR seq <> position
ORDER BY seq LIMIT 1
"""
UNSEALED = "SELECT table_name, event_ids[1] FROM core_audit_link WHERE seq IS NULL ORDER BY id"
HEAD = """
SELECT head.seq = COALESCE(last.seq, 0) AND head.hash = COALESCE(last.hash, ''::bytea)
FROM core_audit_head AS head
LEFT JOIN LATERAL (SELECT seq, hash FROM core_audit_link ORDER BY seq DESC NULLS LAST LIMIT 1)
    AS last ON true
"""
# Each event as recorded (its link's position and hash) beside the row as it is now.
ROWS = """
WITH linked AS (
    SELECT link.seq, entry.event_id,
           substring(link.digests FROM (entry.n::int - 1) * 32 + 1 FOR 32) AS digest
    FROM core_audit_link AS link,
         unnest(link.event_ids) WITH ORDINALITY AS entry(event_id, n)
    WHERE link.table_name = %(table)s
), present AS (
    SELECT event.{pk} AS event_id, {row_hash} AS digest, {before_added_hash} AS before_added,
           event AS event_row
    FROM {table} AS event
)
SELECT linked.seq, COALESCE(linked.event_id, present.event_id),
       CASE WHEN present.event_id IS NULL THEN 'deleted'
            WHEN linked.event_id IS NULL THEN 'not in the chain'
            ELSE 'changed' END
FROM linked FULL JOIN present ON present.event_id = linked.event_id
WHERE linked.digest IS DISTINCT FROM present.digest
  AND linked.digest IS DISTINCT FROM {legacy_hash}
  AND linked.digest IS DISTINCT FROM present.before_added
  AND linked.digest IS DISTINCT FROM {legacy_before_added_hash}
ORDER BY linked.seq NULLS LAST, 2 LIMIT 1
"""
GUARDS = """
SELECT count(*) FROM pg_trigger
WHERE tgrelid = %s::regclass AND tgname IN ('core_audit_guard', 'core_audit_chain')
  AND tgenabled <> 'D'
"""


@dataclass(frozen=True)
class Break:
    table: str
    event_id: int | None
    reason: str
    position: int | None = None

    def __str__(self) -> str:
        event = f"event {self.event_id}" if self.event_id is not None else "no event"
        where = f" (link {self.position} of the chain)" if self.position else ""
        return f"First broken link: {self.table}, {event}{where}: {self.reason}."


@dataclass(frozen=True)
class Report:
    links: int
    events: int
    head: str
    broken: Break | None


def _first_row_break(cursor, quote) -> tuple[tuple[float, Break] | None, int]:
    breaks, events = [], 0
    for model in event_models():
        table = model._meta.db_table
        cursor.execute(GUARDS, [table])
        if cursor.fetchone()[0] != 2:
            breaks.append((-1, Break(table, None, "its guard or chain trigger is missing")))
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        events += cursor.fetchone()[0]
        # Events recorded before a column was added with a default were hashed without it.
        added = getattr(model.pgh_tracked_model, "audit_added_later", ())
        legacy_row = "(to_jsonb(present.event_row) - %(added)s::text[])"
        sql = ROWS.format(
            pk=quote(model._meta.pk.column),
            table=quote(table),
            row_hash=event_row_hash(model, "event"),
            legacy_hash=audit_sql.LEGACY_ROW_HASH.format(row="present.event_row"),
            before_added_hash=event_row_hash(model, "event", leave_out=added)
            if added
            else "NULL::bytea",
            legacy_before_added_hash=(
                audit_sql.LEGACY_ROW_HASH.format(row=legacy_row) if added else "NULL"
            ),
        )
        cursor.execute(sql, {"table": table, "added": list(added)})
        found = cursor.fetchone()
        if found:
            seq, event_id, reason = found
            order = seq if seq is not None else float("inf")
            breaks.append((order, Break(table, event_id, f"the event was {reason}", seq)))
    return min(breaks, key=lambda item: item[0], default=None), events


def verify(using: str = "default") -> Report:
    """Re-compute the whole chain; ``broken`` is the first break found, in chain order."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The settings the chain's trigger hashes rows under (core/audit_sql.py: CANONICAL).
        for setting in audit_sql.CANONICAL.split(" SET "):
            cursor.execute(f"SET LOCAL {setting.removeprefix('SET ')}")
        cursor.execute(CHAIN)
        chain_break = cursor.fetchone()
        row_break, events = _first_row_break(cursor, quote)
        # (position in the chain, break): a missing guard first, an unlinked event last.
        candidates = [row_break] if row_break else []
        if chain_break:
            seq, table, event_id = chain_break
            found = Break(table, event_id, "its hash does not follow the chain", seq)
            candidates.append((seq, found))
        cursor.execute(UNSEALED)
        unsealed = cursor.fetchone()
        if unsealed:
            candidates.append((float("inf"), Break(unsealed[0], unsealed[1], "never sealed")))
        cursor.execute("SELECT count(*) FROM core_audit_link")
        links = cursor.fetchone()[0]
        cursor.execute(HEAD)
        head_ok = cursor.fetchone()
        if (head_ok is None and links) or (head_ok is not None and not head_ok[0]):
            found = Break("core_audit_head", None, "the head is not the last link")
            candidates.append((float("inf"), found))
        cursor.execute("SELECT seq, encode(hash, 'hex') FROM core_audit_head")
        head = cursor.fetchone()
    head_text = f"{head[0]}:{head[1]}" if head else "none"
    first = min(candidates, key=lambda item: item[0], default=None)
    return Report(links, events, head_text, first[1] if first else None)
