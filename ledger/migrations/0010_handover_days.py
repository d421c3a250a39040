"""The ledger's handover day sums and count mismatches (``ledger.models``: HandoverDay,
HandoverMismatch), kept by triggers in the writing transaction (issue 19).

A handover counts in its day row with its own counts (one handover, its announced count) and
its remains as ``HandoverTally`` has them. Statement-level triggers with transition tables, so
each statement moves the sums once, set-based: a handover statement takes each changed
handover's old version out with the tally as it is and puts the new one in; a tally statement
(made by the remains triggers of ``0003_returned_tallies``) moves each handover's logged and
complete counts by the tally's change, under the handover as it is. Either way a row holds the
sums of what both tables say now, whichever is written first. Deltas commute, so concurrent
writers may add to one row; a row whose sums come back to 0 is deleted. The mismatches of the
handovers touched are recomputed. Frozen here (a later change is a new migration);
``ledger.sql.handover_days`` has the full recomputation, which the rebuild command runs and
the tests compare with these triggers.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_handover_day_change AS (
    conflict_id bigint, party_id bigint, day date, kind text, verified boolean,
    handovers int, reported bigint, logged int, complete int
);
CREATE TYPE ledger_handover_version AS (
    sign int, id bigint, conflict_id bigint, party_id bigint, day date, kind text,
    verified boolean, reported bigint
);
CREATE TYPE ledger_handover_count AS (handover_id bigint, logged int, complete int);

CREATE FUNCTION ledger_handover_days_add(changes ledger_handover_day_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zero bigint[];
BEGIN
    WITH up AS (
        INSERT INTO ledger_handoverday AS t
            (conflict_id, party_id, day, kind, verified, handovers, reported, logged, complete)
        SELECT conflict_id, party_id, day, kind, verified, sum(handovers), sum(reported),
               sum(logged), sum(complete)
        FROM unnest(changes)
        GROUP BY 1, 2, 3, 4, 5
        HAVING (sum(handovers), sum(reported), sum(logged), sum(complete)) <> (0, 0, 0, 0)
        -- In key order, so two writers upserting the same rows wait rather than deadlock.
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (conflict_id, party_id, day, kind, verified) DO UPDATE SET
            handovers = t.handovers + excluded.handovers,
            reported = t.reported + excluded.reported,
            logged = t.logged + excluded.logged,
            complete = t.complete + excluded.complete
        RETURNING t.id, t.handovers, t.reported, t.logged, t.complete
    )
    SELECT array_agg(id) FILTER (WHERE (handovers, reported, logged, complete) = (0, 0, 0, 0))
    INTO zero FROM up;
    DELETE FROM ledger_handoverday
    WHERE id = ANY(zero) AND (handovers, reported, logged, complete) = (0, 0, 0, 0);
END $$;

-- The mismatches of the handovers given, from the handover and its tally as they are now.
CREATE FUNCTION ledger_handover_mismatches_refresh(handovers bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ledger_handovermismatch WHERE handover_id = ANY(handovers);
    INSERT INTO ledger_handovermismatch (handover_id, conflict_id, party_id, date, reported,
                                         logged)
    SELECT h.id, h.conflict_id, h.to_party_id, h.date, h.reported_count, coalesce(t.logged, 0)
    FROM repatriation_handover h LEFT JOIN ledger_handovertally t ON t.handover_id = h.id
    WHERE h.id = ANY(handovers) AND h.state = 'verified' AND h.kind IN ('remains', 'recovery')
        AND coalesce(t.logged, 0) <> h.reported_count;
END $$;

-- Handover versions out (sign -1) and in (+1), each with its remains as logged now: no
-- handover statement writes the tally.
CREATE FUNCTION ledger_handover_days_move(versions ledger_handover_version[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF versions IS NULL THEN
        RETURN;
    END IF;
    PERFORM ledger_handover_days_add(array_agg(ROW(
        v.conflict_id, v.party_id, v.day, v.kind, v.verified, v.sign, v.sign * v.reported,
        v.sign * coalesce(t.logged, 0), v.sign * coalesce(t.complete, 0)
    )::ledger_handover_day_change))
    FROM unnest(versions) v LEFT JOIN ledger_handovertally t ON t.handover_id = v.id
    WHERE v.kind IN ('remains', 'recovery');
    PERFORM ledger_handover_mismatches_refresh(array_agg(DISTINCT v.id))
    FROM unnest(versions) v;
END $$;

-- Tally changes (new minus old) under each handover as it is now. A handover being written
-- by another transaction is waited for, its rows locked in id order: else each side would
-- combine its own change with the other's old version, and the sums would keep neither.
-- A handover no longer there counts nowhere.
CREATE FUNCTION ledger_handover_days_count(counts ledger_handover_count[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF counts IS NULL THEN
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT handover_id) INTO touched FROM unnest(counts);
    PERFORM 1 FROM repatriation_handover WHERE id = ANY(touched) ORDER BY id FOR NO KEY UPDATE;
    PERFORM ledger_handover_days_add(array_agg(ROW(
        h.conflict_id, h.to_party_id, h.date, h.kind, h.state = 'verified', 0, 0, c.logged,
        c.complete
    )::ledger_handover_day_change))
    FROM unnest(counts) c JOIN repatriation_handover h ON h.id = c.handover_id
    WHERE h.kind IN ('remains', 'recovery');
    PERFORM ledger_handover_mismatches_refresh(touched);
END $$;

CREATE FUNCTION ledger_handover_days_handovers_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    versions ledger_handover_version[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(1, n.id, n.conflict_id, n.to_party_id, n.date, n.kind,
                             n.state = 'verified', n.reported_count)::ledger_handover_version)
        INTO versions FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(-1, o.id, o.conflict_id, o.to_party_id, o.date, o.kind,
                             o.state = 'verified', o.reported_count)::ledger_handover_version)
        INTO versions FROM old_rows o;
    ELSE
        WITH changed AS (
            SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.conflict_id, o.to_party_id, o.date, o.kind, o.state, o.reported_count)
                IS DISTINCT FROM (n.conflict_id, n.to_party_id, n.date, n.kind, n.state,
                                  n.reported_count)
        )
        SELECT array_agg(v) INTO versions FROM (
            SELECT ROW(-1, o.id, o.conflict_id, o.to_party_id, o.date, o.kind,
                       o.state = 'verified', o.reported_count)::ledger_handover_version AS v
            FROM old_rows o WHERE o.id IN (SELECT id FROM changed)
            UNION ALL
            SELECT ROW(1, n.id, n.conflict_id, n.to_party_id, n.date, n.kind,
                       n.state = 'verified', n.reported_count)::ledger_handover_version
            FROM new_rows n WHERE n.id IN (SELECT id FROM changed)
        ) x;
    END IF;
    PERFORM ledger_handover_days_move(versions);
    RETURN NULL;
END $$;

-- An INSERT ... ON CONFLICT DO UPDATE (the remains triggers' upsert) fires both the insert
-- and the update trigger, each with its own rows.
CREATE FUNCTION ledger_handover_days_tallies_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    counts ledger_handover_count[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(n.handover_id, n.logged, n.complete)::ledger_handover_count)
        INTO counts FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(o.handover_id, -o.logged, -o.complete)::ledger_handover_count)
        INTO counts FROM old_rows o;
    ELSE
        SELECT array_agg(c) INTO counts FROM (
            SELECT ROW(o.handover_id, -o.logged, -o.complete)::ledger_handover_count AS c
            FROM old_rows o
            UNION ALL
            SELECT ROW(n.handover_id, n.logged, n.complete)::ledger_handover_count
            FROM new_rows n
        ) x;
    END IF;
    PERFORM ledger_handover_days_count(counts);
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_handover_days_inserted AFTER INSERT ON repatriation_handover
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_handovers_written();
CREATE TRIGGER ledger_handover_days_updated AFTER UPDATE ON repatriation_handover
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_handovers_written();
CREATE TRIGGER ledger_handover_days_deleted AFTER DELETE ON repatriation_handover
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_handovers_written();
CREATE TRIGGER ledger_handover_days_tally_inserted AFTER INSERT ON ledger_handovertally
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_tallies_written();
CREATE TRIGGER ledger_handover_days_tally_updated AFTER UPDATE ON ledger_handovertally
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_tallies_written();
CREATE TRIGGER ledger_handover_days_tally_deleted AFTER DELETE ON ledger_handovertally
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_handover_days_tallies_written();
"""

DROP = """
DROP TRIGGER ledger_handover_days_tally_deleted ON ledger_handovertally;
DROP TRIGGER ledger_handover_days_tally_updated ON ledger_handovertally;
DROP TRIGGER ledger_handover_days_tally_inserted ON ledger_handovertally;
DROP TRIGGER ledger_handover_days_deleted ON repatriation_handover;
DROP TRIGGER ledger_handover_days_updated ON repatriation_handover;
DROP TRIGGER ledger_handover_days_inserted ON repatriation_handover;
DROP FUNCTION ledger_handover_days_tallies_written();
DROP FUNCTION ledger_handover_days_handovers_written();
DROP FUNCTION ledger_handover_days_count(ledger_handover_count[]);
DROP FUNCTION ledger_handover_days_move(ledger_handover_version[]);
DROP FUNCTION ledger_handover_mismatches_refresh(bigint[]);
DROP FUNCTION ledger_handover_days_add(ledger_handover_day_change[]);
DROP TYPE ledger_handover_count;
DROP TYPE ledger_handover_version;
DROP TYPE ledger_handover_day_change;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_figure_points_fill")]

    operations = [
        migrations.CreateModel(
            name="HandoverDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("day", models.DateField()),
                ("kind", models.CharField(max_length=16)),
                ("verified", models.BooleanField()),
                ("handovers", models.IntegerField()),
                ("reported", models.BigIntegerField()),
                ("logged", models.IntegerField()),
                ("complete", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "day", "kind", "verified"),
                        include=("handovers", "reported", "logged", "complete"),
                        name="ledger_handover_day_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HandoverMismatch",
            fields=[
                ("handover_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("date", models.DateField()),
                ("reported", models.IntegerField()),
                ("logged", models.IntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["conflict_id", "party_id", "date", "handover_id"],
                        include=("reported", "logged"),
                        name="ledger_handover_mismatch_day",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
