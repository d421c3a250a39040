"""The SQL of the audit trail's guards and hash chain (installed by core/audit_trail.py).

Every trigger here is a plain ``CREATE TRIGGER`` on a PL/pgSQL function, not a pgtrigger
trigger: pgtrigger's triggers skip themselves when the session lists them in
``pgtrigger.ignore``, which any role may set; these honour no setting the runtime role can use.

The chain is one global chain, sealed at commit: a statement that inserts events writes one
*link* (the table, the events' ids, a SHA-256 of each event row) at once, without waiting for
anyone; a deferred trigger then gives the link its place and hash (sha256(previous hash ||
link)) while the transaction commits. Writers thus wait for each other only while committing
(as they already do for the data version), never for the length of a transaction, and an import
of 200,000 persons writes forty links, not 400,000. One chain rather than one per table: one lock,
so no two committing writers can take two tables' locks in opposite orders and deadlock.
"""

# Functions (not SECURITY DEFINER unless said) reading settings with missing_ok: no exception
# block, which would open a subtransaction per call.
# TRUNCATE is let through only for a table's owner who asks for it (the test suite empties
# every table between transactional tests); the runtime role owns no table.
REFUSE = """
CREATE OR REPLACE FUNCTION core_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('ledger.audit_truncate', true) = 'allow'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % of % refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

# The context row (who, which URL or command) may gain keys as nested contexts add them, as
# pghistory's own upsert does, but a value once recorded never changes: no re-attribution.
CONTEXT_GROWS = """
CREATE OR REPLACE FUNCTION core_audit_context_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = OLD.id AND NEW.created_at = OLD.created_at AND NOT EXISTS (
        SELECT 1 FROM jsonb_each(OLD.metadata) AS recorded
        WHERE recorded.value <> 'null'::jsonb
          AND NEW.metadata -> recorded.key IS DISTINCT FROM recorded.value
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: context % may gain keys, not change them.',
        OLD.id USING ERRCODE = 'insufficient_privilege';
END $$;
"""

# The chain's own rows change only inside the sealing trigger (trigger depth > 1).
SEAL_ONLY = """
CREATE OR REPLACE FUNCTION core_audit_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit chain is written only by its triggers.'
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

# The settings under which an event row is hashed: its text must not depend on the session.
CANONICAL = (
    "SET TimeZone = 'UTC' SET extra_float_digits = 1 SET IntervalStyle = 'postgres'"
    " SET DateStyle = 'ISO, YMD' SET bytea_output = 'hex'"
)


def row_hash(columns, row: str) -> str:
    """An event row's hash: ``column:'value'`` for each column, by name, nulls left out (so that
    a nullable column added later does not change the hash of the rows written before it).
    quote_literal makes the text unambiguous, and it is much cheaper than building the row's JSON
    (bench/README.md: the import hashes every row it writes)."""
    parts = ", ".join(f"'{name}:' || quote_literal({row}.\"{name}\")" for name in sorted(columns))
    return f"sha256(convert_to(concat_ws(',', {parts}), 'UTF8'))"


# How rows were hashed by links written before row_hash (verify_audit accepts either).
LEGACY_ROW_HASH = "sha256(convert_to(jsonb_strip_nulls(to_jsonb({row}))::text, 'UTF8'))"

LINK_BODY = """
CREATE OR REPLACE FUNCTION core_audit_link_body(table_name text, event_ids bigint[], digests bytea)
RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(table_name || ':' || array_to_string(event_ids, ','), 'UTF8') || digests
$$;
"""

# One function per event table (its columns are spelt out, static SQL: planned once per
# session). SECURITY DEFINER: the runtime role has no privilege on the chain's tables at all.
CHAIN_FUNCTION = (
    """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp """
    + CANONICAL
    + """ AS $$
BEGIN
    INSERT INTO core_audit_link (table_name, event_ids, digests)
    SELECT TG_TABLE_NAME, array_agg(r.{pk} ORDER BY r.{pk}),
           string_agg({row_hash}, ''::bytea ORDER BY r.{pk})
    FROM new_rows AS r HAVING count(*) > 0;
    RETURN NULL;
END $$;
"""
)

# At commit: take the head, place the transaction's links after it. A bulk insert (below)
# skipped the per-row data-version triggers, so the versions are advanced here (core/audit.py; a
# no-op when a row's trigger did it already), before the head is locked: every writer takes the
# versions' locks before the head's, never the other way round. The first seal of a transaction
# seals all its links, in id order (their insertion order), and writes the head once: a load
# that wrote 60,000 links would otherwise rewrite the one head row 60,000 times in one
# transaction, each rewrite slower than the last. Links not yet sealed are only this
# transaction's: another's are invisible until it commits, sealed by then.
SEAL = """
CREATE OR REPLACE FUNCTION core_audit_seal() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head_seq bigint;
    head_hash bytea;
    link record;
BEGIN
    PERFORM ledger_flush_versions();
    PERFORM 1 FROM core_audit_link WHERE id = NEW.id AND seq IS NOT NULL;
    IF FOUND THEN
        RETURN NULL;  -- sealed with the first link of its transaction
    END IF;
    SELECT seq, hash INTO head_seq, head_hash FROM core_audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO core_audit_head (id, seq, hash) VALUES (1, 0, ''::bytea)
            ON CONFLICT (id) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM core_audit_head WHERE id = 1 FOR UPDATE;
    END IF;
    FOR link IN
        SELECT id, table_name, event_ids, digests FROM core_audit_link
        WHERE id >= NEW.id AND seq IS NULL ORDER BY id
    LOOP
        UPDATE core_audit_link
            SET seq = head_seq + 1, prev_hash = head_hash,
                hash = sha256(head_hash || core_audit_link_body(
                    link.table_name, link.event_ids, link.digests))
            WHERE id = link.id
            RETURNING seq, hash INTO head_seq, head_hash;
    END LOOP;
    UPDATE core_audit_head SET seq = head_seq, hash = head_hash WHERE id = 1;
    RETURN NULL;
END $$;
"""

CHAIN_TRIGGERS = """
CREATE OR REPLACE TRIGGER core_audit_guard BEFORE DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse();
CREATE OR REPLACE TRIGGER core_audit_seal_only BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION core_audit_seal_only();
"""
SEAL_TRIGGER = """
DROP TRIGGER IF EXISTS core_audit_seal ON core_audit_link;
CREATE CONSTRAINT TRIGGER core_audit_seal AFTER INSERT ON core_audit_link
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION core_audit_seal();
"""
EVENT_TRIGGERS = """
CREATE OR REPLACE TRIGGER core_audit_guard BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse();
CREATE OR REPLACE TRIGGER core_audit_chain AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
CONTEXT_TRIGGERS = """
CREATE OR REPLACE TRIGGER core_audit_guard BEFORE DELETE OR TRUNCATE ON pghistory_context
    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse();
CREATE OR REPLACE TRIGGER core_audit_context_grows BEFORE UPDATE ON pghistory_context
    FOR EACH ROW EXECUTE FUNCTION core_audit_context_grows();
"""

# Bulk inserts into a table whose inserts are recorded per row (the person import's tables record
# theirs per statement anyway, core/audit.py): with ``ledger.audit_bulk`` on, the per-row
# insert-event and data-version triggers of such a table skip themselves and this
# statement-level trigger writes the same events set-wise from the statement's new rows. Either
# the rows' own triggers record them or this one does: the setting moves the work, it cannot turn
# the recording off.
BULK_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ledger.audit_bulk', true) IS DISTINCT FROM 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('ledger.audit_bulk_bump', 'on', true);
    WITH context AS (SELECT _pgh_attach_context() AS id)
    INSERT INTO {event_table} (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {columns})
    SELECT now(), 'insert', new_rows.{pk}, context.id, {values} FROM new_rows, context;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER {function} AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""

# pgtrigger's "is this trigger skipped?" (it re-creates it with every trigger it installs; the
# post-migrate step puts this one back). ``pgtrigger.ignore`` is honoured only for the owner of
# the schema's tables (maintenance by the migration role), never for the runtime role; the
# bulk mode skips exactly the triggers whose work the statement-level triggers above do.
SHOULD_IGNORE = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
    ignored text[];
BEGIN
    IF current_setting('ledger.audit_bulk', true) = 'on'
       AND trigger_name = ANY(%(bulk)s::name[]) THEN
        RETURN TRUE;
    END IF;
    ignored := NULLIF(current_setting('pgtrigger.ignore', true), '')::text[];
    IF ignored IS NULL OR NOT trigger_name = ANY(ignored) THEN
        RETURN FALSE;
    END IF;
    RETURN pg_has_role(current_user,
        (SELECT relowner FROM pg_class WHERE oid = 'pghistory_context'::regclass), 'MEMBER');
END $$;
"""

FUNCTIONS = (REFUSE, CONTEXT_GROWS, SEAL_ONLY, LINK_BODY, SEAL)
# The one generic chain function the per-table ones replaced.
OBSOLETE = "DROP FUNCTION IF EXISTS core_audit_link_events()"
