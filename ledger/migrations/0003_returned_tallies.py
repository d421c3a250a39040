"""The ledger's returned tallies (``ledger.models``: HandoverTally, HandoverReturnTally,
ReturnedTally, IdentifiedPerson), kept by triggers in the writing transaction.

Statement-level triggers with transition tables, so a bulk load of remains updates each tally
once per statement, set-based, not once per row. Remains statements move their rows' counts
(handover, condition, identification, person, disposition); handover statements that change
whether or where their remains count (state, kind, date, conflict, receiving party) move the
day counts and persons of all their remains. A person's first day is recomputed from that
person's few remains, as a minimum cannot be taken back by a delta. Frozen here (a later change
is a new migration); ``ledger.sql.returned_tallies`` has the full recomputation, which the
rebuild command runs and the tests compare with these triggers.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_remains_change AS (
    sign int, handover_id bigint, condition text, identification text, identified_on date,
    person_id bigint, disposition text, disposition_on date
);
CREATE TYPE ledger_day_change AS (
    sign int, conflict_id bigint, party_id bigint, received_on date, condition text,
    identification text, identified_on date
);
CREATE TYPE ledger_handover_change AS (
    sign int, id bigint, conflict_id bigint, party_id bigint, date date, counts boolean
);

-- Day counts: a remains counts as confirmed (presumptive) as of a day once both its handover's
-- date and its identification are past; a presumption without a date counts from the handover.
CREATE FUNCTION ledger_returned_add_days(changes ledger_day_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zero bigint[];
BEGIN
    WITH up AS (
        INSERT INTO ledger_returnedtally AS t (conflict_id, party_id, measure, day, n)
        SELECT c.conflict_id, c.party_id, m.measure, m.day, sum(c.sign)
        FROM unnest(changes) c
        CROSS JOIN LATERAL (VALUES
            ('confirmed', CASE WHEN c.identification = 'confirmed'
                THEN greatest(c.received_on, c.identified_on) END),
            ('complete_confirmed', CASE WHEN c.identification = 'confirmed'
                AND c.condition = 'complete' THEN greatest(c.received_on, c.identified_on) END),
            ('presumptive', CASE WHEN c.identification = 'presumptive'
                THEN greatest(c.received_on, c.identified_on) END)
        ) m (measure, day)
        WHERE m.day IS NOT NULL
        GROUP BY 1, 2, 3, 4 HAVING sum(c.sign) <> 0
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (conflict_id, party_id, measure, day) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_returnedtally WHERE id = ANY(zero) AND n = 0;
END $$;

-- Who was identified, and from which day: recomputed for the persons given. Two transactions
-- naming remains as one person would each recompute without the other's (uncommitted) rows:
-- the persons' rows are locked first, in id order, so the second waits for the first to end
-- and its next statements see what the first wrote.
CREATE FUNCTION ledger_identified_refresh(persons bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    PERFORM 1 FROM casualties_person WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
    WITH up AS (
        INSERT INTO ledger_returnedtally AS t (conflict_id, party_id, measure, day, n)
        SELECT conflict_id, party_id, 'identified', first_on, -count(*)
        FROM ledger_identifiedperson WHERE person_id = ANY(persons)
        GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
        ON CONFLICT (conflict_id, party_id, measure, day) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id
    )
    SELECT array_agg(id) INTO touched FROM up;
    DELETE FROM ledger_identifiedperson WHERE person_id = ANY(persons);
    INSERT INTO ledger_identifiedperson (conflict_id, party_id, person_id, first_on)
    SELECT h.conflict_id, h.to_party_id, r.person_id, min(greatest(h.date, r.identified_on))
    FROM repatriation_remains r JOIN repatriation_handover h ON h.id = r.handover_id
    WHERE r.person_id = ANY(persons) AND r.identification = 'confirmed'
        AND h.state = 'verified' AND h.kind IN ('remains', 'recovery')
    GROUP BY 1, 2, 3;
    WITH up AS (
        INSERT INTO ledger_returnedtally AS t (conflict_id, party_id, measure, day, n)
        SELECT conflict_id, party_id, 'identified', first_on, count(*)
        FROM ledger_identifiedperson WHERE person_id = ANY(persons)
        GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
        ON CONFLICT (conflict_id, party_id, measure, day) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id
    )
    SELECT touched || array_agg(id) INTO touched FROM up;
    DELETE FROM ledger_returnedtally WHERE id = ANY(touched) AND n = 0;
END $$;

CREATE FUNCTION ledger_remains_apply(changes ledger_remains_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zero bigint[];
    persons bigint[];
BEGIN
    IF changes IS NULL THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO ledger_handovertally AS t (handover_id, logged, complete)
        SELECT handover_id, sum(sign),
               coalesce(sum(sign) FILTER (WHERE condition = 'complete'), 0)
        FROM unnest(changes) GROUP BY 1
        HAVING sum(sign) <> 0 OR coalesce(sum(sign) FILTER (WHERE condition = 'complete'), 0) <> 0
        ORDER BY 1
        ON CONFLICT (handover_id) DO UPDATE
            SET logged = t.logged + excluded.logged, complete = t.complete + excluded.complete
        RETURNING t.handover_id, t.logged
    )
    SELECT array_agg(handover_id) FILTER (WHERE logged = 0) INTO zero FROM up;
    DELETE FROM ledger_handovertally WHERE handover_id = ANY(zero) AND logged = 0;

    WITH up AS (
        INSERT INTO ledger_handoverreturntally AS t (handover_id, returned_on, n, complete)
        SELECT handover_id, disposition_on, sum(sign),
               coalesce(sum(sign) FILTER (WHERE condition = 'complete'), 0)
        FROM unnest(changes) WHERE disposition = 'returned_to_sender' GROUP BY 1, 2
        HAVING sum(sign) <> 0 OR coalesce(sum(sign) FILTER (WHERE condition = 'complete'), 0) <> 0
        ORDER BY 1, 2
        ON CONFLICT (handover_id, returned_on) DO UPDATE
            SET n = t.n + excluded.n, complete = t.complete + excluded.complete
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_handoverreturntally WHERE id = ANY(zero) AND n = 0;

    PERFORM ledger_returned_add_days(array_agg(ROW(
        c.sign, h.conflict_id, h.to_party_id, h.date, c.condition, c.identification,
        c.identified_on)::ledger_day_change))
    FROM unnest(changes) c JOIN repatriation_handover h ON h.id = c.handover_id
    WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery')
        AND c.identification <> 'unidentified';

    SELECT array_agg(DISTINCT person_id) INTO persons
    FROM unnest(changes) WHERE identification = 'confirmed';
    IF persons IS NOT NULL THEN
        PERFORM ledger_identified_refresh(persons);
    END IF;
END $$;

CREATE FUNCTION ledger_handovers_apply(changes ledger_handover_change[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF changes IS NULL THEN
        RETURN;
    END IF;
    PERFORM ledger_returned_add_days(array_agg(ROW(
        c.sign, c.conflict_id, c.party_id, c.date, r.condition, r.identification,
        r.identified_on)::ledger_day_change))
    FROM unnest(changes) c JOIN repatriation_remains r ON r.handover_id = c.id
    WHERE c.counts AND r.identification <> 'unidentified';

    SELECT array_agg(DISTINCT r.person_id) INTO persons
    FROM unnest(changes) c JOIN repatriation_remains r ON r.handover_id = c.id
    WHERE r.identification = 'confirmed';
    IF persons IS NOT NULL THEN
        PERFORM ledger_identified_refresh(persons);
    END IF;
END $$;

CREATE FUNCTION ledger_returned_remains_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes ledger_remains_change[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(1, n.handover_id, n.condition, n.identification, n.identified_on,
                             n.person_id, n.disposition, n.disposition_on)::ledger_remains_change)
        INTO changes FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(-1, o.handover_id, o.condition, o.identification, o.identified_on,
                             o.person_id, o.disposition, o.disposition_on)::ledger_remains_change)
        INTO changes FROM old_rows o;
    ELSE
        WITH changed AS (
            SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.handover_id, o.condition, o.identification, o.identified_on, o.person_id,
                   o.disposition, o.disposition_on)
                IS DISTINCT FROM (n.handover_id, n.condition, n.identification, n.identified_on,
                                  n.person_id, n.disposition, n.disposition_on)
        )
        SELECT array_agg(c) INTO changes FROM (
            SELECT ROW(-1, o.handover_id, o.condition, o.identification, o.identified_on,
                       o.person_id, o.disposition, o.disposition_on)::ledger_remains_change AS c
            FROM old_rows o WHERE o.id IN (SELECT id FROM changed)
            UNION ALL
            SELECT ROW(1, n.handover_id, n.condition, n.identification, n.identified_on,
                       n.person_id, n.disposition, n.disposition_on)::ledger_remains_change
            FROM new_rows n WHERE n.id IN (SELECT id FROM changed)
        ) x;
    END IF;
    PERFORM ledger_remains_apply(changes);
    RETURN NULL;
END $$;

CREATE FUNCTION ledger_returned_handovers_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes ledger_handover_change[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(1, n.id, n.conflict_id, n.to_party_id, n.date,
            n.state = 'verified' AND n.kind IN ('remains', 'recovery'))::ledger_handover_change)
        INTO changes FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(-1, o.id, o.conflict_id, o.to_party_id, o.date,
            o.state = 'verified' AND o.kind IN ('remains', 'recovery'))::ledger_handover_change)
        INTO changes FROM old_rows o;
    ELSE
        WITH changed AS (
            SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.state, o.kind, o.date, o.conflict_id, o.to_party_id)
                IS DISTINCT FROM (n.state, n.kind, n.date, n.conflict_id, n.to_party_id)
        )
        SELECT array_agg(c) INTO changes FROM (
            SELECT ROW(-1, o.id, o.conflict_id, o.to_party_id, o.date,
                o.state = 'verified' AND o.kind IN ('remains', 'recovery')
            )::ledger_handover_change AS c
            FROM old_rows o WHERE o.id IN (SELECT id FROM changed)
            UNION ALL
            SELECT ROW(1, n.id, n.conflict_id, n.to_party_id, n.date,
                n.state = 'verified' AND n.kind IN ('remains', 'recovery'))::ledger_handover_change
            FROM new_rows n WHERE n.id IN (SELECT id FROM changed)
        ) x;
    END IF;
    PERFORM ledger_handovers_apply(changes);
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_returned_remains_inserted AFTER INSERT ON repatriation_remains
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_remains_written();
CREATE TRIGGER ledger_returned_remains_updated AFTER UPDATE ON repatriation_remains
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_remains_written();
CREATE TRIGGER ledger_returned_remains_deleted AFTER DELETE ON repatriation_remains
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_remains_written();
CREATE TRIGGER ledger_returned_handovers_inserted AFTER INSERT ON repatriation_handover
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_handovers_written();
CREATE TRIGGER ledger_returned_handovers_updated AFTER UPDATE ON repatriation_handover
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_handovers_written();
CREATE TRIGGER ledger_returned_handovers_deleted AFTER DELETE ON repatriation_handover
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_returned_handovers_written();
"""

# The tallies of the rows already there (the same as ledger.sql.returned_tallies' rebuild).
FILL = """
INSERT INTO ledger_handovertally (handover_id, logged, complete)
SELECT handover_id, count(*), count(*) FILTER (WHERE condition = 'complete')
FROM repatriation_remains GROUP BY 1;
INSERT INTO ledger_handoverreturntally (handover_id, returned_on, n, complete)
SELECT handover_id, disposition_on, count(*), count(*) FILTER (WHERE condition = 'complete')
FROM repatriation_remains WHERE disposition = 'returned_to_sender' GROUP BY 1, 2;
INSERT INTO ledger_identifiedperson (conflict_id, party_id, person_id, first_on)
SELECT h.conflict_id, h.to_party_id, r.person_id, min(greatest(h.date, r.identified_on))
FROM repatriation_remains r JOIN repatriation_handover h ON h.id = r.handover_id
WHERE r.identification = 'confirmed' AND h.state = 'verified'
    AND h.kind IN ('remains', 'recovery')
GROUP BY 1, 2, 3;
INSERT INTO ledger_returnedtally (conflict_id, party_id, measure, day, n)
SELECT h.conflict_id, h.to_party_id, m.measure, m.day, count(*)
FROM repatriation_remains r JOIN repatriation_handover h ON h.id = r.handover_id
CROSS JOIN LATERAL (VALUES
    ('confirmed', CASE WHEN r.identification = 'confirmed'
        THEN greatest(h.date, r.identified_on) END),
    ('complete_confirmed', CASE WHEN r.identification = 'confirmed'
        AND r.condition = 'complete' THEN greatest(h.date, r.identified_on) END),
    ('presumptive', CASE WHEN r.identification = 'presumptive'
        THEN greatest(h.date, r.identified_on) END)
) m (measure, day)
WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery') AND m.day IS NOT NULL
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT conflict_id, party_id, 'identified', first_on, count(*)
FROM ledger_identifiedperson GROUP BY 1, 2, 4;
"""

DROP = """
DROP TRIGGER ledger_returned_handovers_deleted ON repatriation_handover;
DROP TRIGGER ledger_returned_handovers_updated ON repatriation_handover;
DROP TRIGGER ledger_returned_handovers_inserted ON repatriation_handover;
DROP TRIGGER ledger_returned_remains_deleted ON repatriation_remains;
DROP TRIGGER ledger_returned_remains_updated ON repatriation_remains;
DROP TRIGGER ledger_returned_remains_inserted ON repatriation_remains;
DROP FUNCTION ledger_returned_handovers_written();
DROP FUNCTION ledger_returned_remains_written();
DROP FUNCTION ledger_handovers_apply(ledger_handover_change[]);
DROP FUNCTION ledger_remains_apply(ledger_remains_change[]);
DROP FUNCTION ledger_identified_refresh(bigint[]);
DROP FUNCTION ledger_returned_add_days(ledger_day_change[]);
DROP TYPE ledger_handover_change;
DROP TYPE ledger_day_change;
DROP TYPE ledger_remains_change;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_identification_tallies"),
        ("repatriation", "0010_scoped_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="HandoverTally",
            fields=[
                ("handover_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("logged", models.IntegerField()),
                ("complete", models.IntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="HandoverReturnTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("handover_id", models.BigIntegerField()),
                ("returned_on", models.DateField()),
                ("n", models.IntegerField()),
                ("complete", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("handover_id", "returned_on"), name="ledger_return_tally_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="IdentifiedPerson",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("person_id", models.BigIntegerField(db_index=True)),
                ("first_on", models.DateField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "person_id"),
                        name="ledger_identified_person",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReturnedTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("measure", models.CharField(max_length=24)),
                ("day", models.DateField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "measure", "day"),
                        include=("n",),
                        name="ledger_returned_tally_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS + FILL, DROP),
    ]
