"""The ledger's person tallies (``ledger.models``: PersonSpell, PersonCaptivity, PersonTally,
PersonNowTally, CaptivityTally), kept by triggers in the writing transaction (issue 19).

Statement-level triggers with transition tables on the status changes and the persons: a bulk
import refreshes each person it touched once per statement, set-based. A person's spells and
captivity are recomputed from that person's status changes, and the tallies move by the
difference between what the person added before (the stored rows, deleted) and now (the new
rows): a change of status, date, basis, home region, conflict or party, a merge that moves
changes from one person to another, a deletion. Frozen here (a later change is a new
migration); ``0006_person_tallies_fill`` counts the rows already there. The tests compare the
ledger these tallies give with one computed from every person and status change.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_spell_change AS (
    n int, conflict_id bigint, party_id bigint, region text, status text, basis text,
    start_on date, end_on date, captive boolean
);
CREATE TYPE ledger_captivity_change AS (
    n int, conflict_id bigint, party_id bigint, captured_on date, ended_on date
);

-- Each person's timeline: the day's last change (by recording time, then id) holds from its
-- day until the next day with a change, as the registry as of a day reads it.
CREATE FUNCTION ledger_person_spells(persons bigint[]) RETURNS TABLE (
    person_id bigint, conflict_id bigint, party_id bigint, region text, status text,
    basis text, start_on date, end_on date, captive boolean
) LANGUAGE sql STABLE AS $$
    WITH changes AS (
        SELECT sc.person_id, sc.effective_date, sc.recorded_at, sc.id, sc.status, sc.basis,
               min(sc.effective_date) FILTER (WHERE sc.status = 'captured')
                   OVER (PARTITION BY sc.person_id) AS captured_on
        FROM casualties_statuschange sc WHERE sc.person_id = ANY(persons)
    ), daily AS (
        SELECT DISTINCT ON (person_id, effective_date) person_id, effective_date, status,
               basis, captured_on
        FROM changes ORDER BY person_id, effective_date, recorded_at DESC, id DESC
    )
    SELECT d.person_id, p.conflict_id, p.party_id, p.home_region, d.status, d.basis,
           d.effective_date,
           lead(d.effective_date) OVER (PARTITION BY d.person_id ORDER BY d.effective_date),
           coalesce(d.effective_date >= d.captured_on, false)
    FROM daily d JOIN casualties_person p ON p.id = d.person_id
$$;

CREATE FUNCTION ledger_person_captivities(persons bigint[]) RETURNS TABLE (
    person_id bigint, conflict_id bigint, party_id bigint, captured_on date, ended_on date
) LANGUAGE sql STABLE AS $$
    SELECT c.person_id, p.conflict_id, p.party_id, c.captured_on,
           (SELECT min(e.effective_date) FROM casualties_statuschange e
            WHERE e.person_id = c.person_id AND e.status IN ('killed', 'released')
                AND e.effective_date >= c.captured_on)
    FROM (
        SELECT sc.person_id, min(sc.effective_date) AS captured_on
        FROM casualties_statuschange sc
        WHERE sc.person_id = ANY(persons) AND sc.status = 'captured' GROUP BY 1
    ) c JOIN casualties_person p ON p.id = c.person_id
$$;

-- Recompute the persons given. Two transactions changing one person would each recompute
-- without the other's uncommitted rows: the persons are locked first, in id order, so the
-- second waits for the first to end and its next statements see what the first wrote.
CREATE FUNCTION ledger_persons_refresh(persons bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    spells ledger_spell_change[];
    captivities ledger_captivity_change[];
    zero bigint[];
BEGIN
    PERFORM 1 FROM casualties_person WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
    WITH gone AS (
        DELETE FROM ledger_personspell WHERE person_id = ANY(persons)
        RETURNING conflict_id, party_id, region, status, basis, start_on, end_on, captive
    ), added AS (
        INSERT INTO ledger_personspell (person_id, conflict_id, party_id, region, status,
                                        basis, start_on, end_on, captive)
        SELECT * FROM ledger_person_spells(persons)
        RETURNING conflict_id, party_id, region, status, basis, start_on, end_on, captive
    )
    -- Alike spells counted together (an import's new persons share most of theirs), and
    -- those a statement took away and put back as they were cancelled out.
    SELECT array_agg(ROW(n, conflict_id, party_id, region, status, basis, start_on, end_on,
                         captive)::ledger_spell_change)
    INTO spells FROM (
        SELECT sum(sign)::int AS n, conflict_id, party_id, region, status, basis, start_on,
               end_on, captive
        FROM (SELECT -1 AS sign, g.* FROM gone g UNION ALL SELECT 1, a.* FROM added a) moves
        GROUP BY conflict_id, party_id, region, status, basis, start_on, end_on, captive
        HAVING sum(sign) <> 0
    ) x;
    WITH gone AS (
        DELETE FROM ledger_personcaptivity WHERE person_id = ANY(persons)
        RETURNING conflict_id, party_id, captured_on, ended_on
    ), added AS (
        INSERT INTO ledger_personcaptivity (person_id, conflict_id, party_id, captured_on,
                                            ended_on)
        SELECT * FROM ledger_person_captivities(persons)
        RETURNING conflict_id, party_id, captured_on, ended_on
    )
    SELECT array_agg(ROW(n, conflict_id, party_id, captured_on, ended_on)
                         ::ledger_captivity_change)
    INTO captivities FROM (
        SELECT sum(sign)::int AS n, conflict_id, party_id, captured_on, ended_on
        FROM (SELECT -1 AS sign, g.* FROM gone g UNION ALL SELECT 1, a.* FROM added a) moves
        GROUP BY conflict_id, party_id, captured_on, ended_on
        HAVING sum(sign) <> 0
    ) x;

    -- Each spell adds one to its cells on its first day and takes it back on its last.
    WITH cells AS (
        SELECT s.conflict_id, s.party_id, d.dimension, d.value, s.status, e.day,
               s.n * e.step AS n
        FROM unnest(spells) s
        CROSS JOIN LATERAL (VALUES ('region', s.region), ('basis', s.basis),
            (CASE WHEN s.captive THEN 'captive' END, '')) d (dimension, value)
        CROSS JOIN LATERAL (VALUES (s.start_on, 1), (s.end_on, -1)) e (day, step)
        WHERE d.dimension IS NOT NULL AND e.day IS NOT NULL
    ), up AS (
        INSERT INTO ledger_persontally AS t
            (conflict_id, party_id, dimension, value, status, day, n)
        SELECT conflict_id, party_id, dimension, value, status, day, sum(n) FROM cells
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 6, 4, 5
        ON CONFLICT (conflict_id, party_id, dimension, day, value, status)
            DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_persontally WHERE id = ANY(zero) AND n = 0;

    WITH cells AS (
        SELECT s.conflict_id, s.party_id, d.dimension, d.value, s.status, s.n
        FROM unnest(spells) s
        CROSS JOIN LATERAL (VALUES ('region', s.region), ('basis', s.basis),
            (CASE WHEN s.captive THEN 'captive' END, '')) d (dimension, value)
        WHERE d.dimension IS NOT NULL AND s.end_on IS NULL
    ), up AS (
        INSERT INTO ledger_personnowtally AS t (conflict_id, party_id, dimension, value, status, n)
        SELECT conflict_id, party_id, dimension, value, status, sum(n) FROM cells
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (conflict_id, party_id, dimension, value, status)
            DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_personnowtally WHERE id = ANY(zero) AND n = 0;

    WITH up AS (
        INSERT INTO ledger_captivitytally AS t (conflict_id, party_id, captured_on, ended_on, n)
        SELECT conflict_id, party_id, captured_on, ended_on, sum(n)
        FROM unnest(captivities) GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (conflict_id, party_id, captured_on, ended_on)
            DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_captivitytally WHERE id = ANY(zero) AND n = 0;
END $$;

CREATE FUNCTION ledger_status_changes_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT p ORDER BY p) INTO persons
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.person_id), (n.person_id)) x (p)
        WHERE (o.person_id, o.status, o.basis, o.effective_date, o.recorded_at)
            IS DISTINCT FROM (n.person_id, n.status, n.basis, n.effective_date, n.recorded_at);
    END IF;
    IF persons IS NOT NULL THEN
        PERFORM ledger_persons_refresh(persons);
    END IF;
    RETURN NULL;
END $$;

-- A person's own columns the tallies carry; a deleted person's rows are taken back (the
-- status changes go with the person, and whichever statement ends last finds none).
CREATE FUNCTION ledger_persons_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(id ORDER BY id) INTO persons FROM old_rows;
    ELSE
        SELECT array_agg(o.id ORDER BY o.id) INTO persons
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.conflict_id, o.party_id, o.home_region)
            IS DISTINCT FROM (n.conflict_id, n.party_id, n.home_region);
    END IF;
    IF persons IS NOT NULL THEN
        PERFORM ledger_persons_refresh(persons);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_status_changes_inserted AFTER INSERT ON casualties_statuschange
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_status_changes_written();
CREATE TRIGGER ledger_status_changes_updated AFTER UPDATE ON casualties_statuschange
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_status_changes_written();
CREATE TRIGGER ledger_status_changes_deleted AFTER DELETE ON casualties_statuschange
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_status_changes_written();
CREATE TRIGGER ledger_persons_updated AFTER UPDATE ON casualties_person
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_persons_written();
CREATE TRIGGER ledger_persons_deleted AFTER DELETE ON casualties_person
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_persons_written();
"""

DROP = """
DROP TRIGGER ledger_persons_deleted ON casualties_person;
DROP TRIGGER ledger_persons_updated ON casualties_person;
DROP TRIGGER ledger_status_changes_deleted ON casualties_statuschange;
DROP TRIGGER ledger_status_changes_updated ON casualties_statuschange;
DROP TRIGGER ledger_status_changes_inserted ON casualties_statuschange;
DROP FUNCTION ledger_persons_written();
DROP FUNCTION ledger_status_changes_written();
DROP FUNCTION ledger_persons_refresh(bigint[]);
DROP FUNCTION ledger_person_captivities(bigint[]);
DROP FUNCTION ledger_person_spells(bigint[]);
DROP TYPE ledger_captivity_change;
DROP TYPE ledger_spell_change;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_released_tally"),
        ("casualties", "0018_local_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonCaptivity",
            fields=[
                ("person_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("captured_on", models.DateField()),
                ("ended_on", models.DateField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="PersonSpell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("person_id", models.BigIntegerField(db_index=True)),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("region", models.CharField(max_length=200)),
                ("status", models.CharField(max_length=16)),
                ("basis", models.CharField(max_length=24)),
                ("start_on", models.DateField()),
                ("end_on", models.DateField(null=True)),
                ("captive", models.BooleanField()),
            ],
        ),
        migrations.CreateModel(
            name="CaptivityTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("captured_on", models.DateField()),
                ("ended_on", models.DateField(null=True)),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "captured_on", "ended_on"),
                        include=("n",),
                        name="ledger_captivity_tally_key",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonNowTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("dimension", models.CharField(max_length=8)),
                ("value", models.CharField(max_length=200)),
                ("status", models.CharField(max_length=16)),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "dimension", "value", "status"),
                        include=("n",),
                        name="ledger_person_now_tally_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("dimension", models.CharField(max_length=8)),
                ("value", models.CharField(max_length=200)),
                ("status", models.CharField(max_length=16)),
                ("day", models.DateField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "dimension", "day", "value", "status"),
                        include=("n",),
                        name="ledger_person_tally_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
