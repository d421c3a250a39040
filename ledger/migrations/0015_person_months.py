"""The person tallies summed per month (``ledger.models.PersonMonthTally``), kept from the day
tallies by statement-level triggers (issue 19): as of a day, the person cells read the months
before it and its month's days, not every day. ``ledger_persons_refresh`` (migration
``0005_person_tallies``) upserts the day tallies; these triggers move each month by the same
amounts. Filled here from the day tallies as they stand."""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_person_month_move AS (
    conflict_id bigint, party_id bigint, dimension text, value text, status text, month date,
    n int
);

CREATE FUNCTION ledger_person_months_apply(moves ledger_person_month_move[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zero bigint[];
BEGIN
    IF moves IS NULL THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO ledger_personmonthtally AS t
            (conflict_id, party_id, dimension, value, status, month, n)
        SELECT conflict_id, party_id, dimension, value, status, month, sum(n) FROM unnest(moves)
        GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 6, 4, 5
        ON CONFLICT (conflict_id, party_id, dimension, month, value, status)
            DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_personmonthtally WHERE id = ANY(zero) AND n = 0;
END $$;

CREATE FUNCTION ledger_person_tally_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moves ledger_person_month_move[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(conflict_id, party_id, dimension, value, status,
                             date_trunc('month', day)::date, n)::ledger_person_month_move)
        INTO moves FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(conflict_id, party_id, dimension, value, status,
                             date_trunc('month', day)::date, -n)::ledger_person_month_move)
        INTO moves FROM old_rows;
    ELSE
        SELECT array_agg(m) INTO moves FROM (
            SELECT ROW(conflict_id, party_id, dimension, value, status,
                       date_trunc('month', day)::date, -n)::ledger_person_month_move AS m
            FROM old_rows
            UNION ALL
            SELECT ROW(conflict_id, party_id, dimension, value, status,
                       date_trunc('month', day)::date, n)::ledger_person_month_move
            FROM new_rows
        ) x;
    END IF;
    PERFORM ledger_person_months_apply(moves);
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_person_months_inserted AFTER INSERT ON ledger_persontally
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_person_tally_written();
CREATE TRIGGER ledger_person_months_updated AFTER UPDATE ON ledger_persontally
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_person_tally_written();
CREATE TRIGGER ledger_person_months_deleted AFTER DELETE ON ledger_persontally
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_person_tally_written();

INSERT INTO ledger_personmonthtally (conflict_id, party_id, dimension, value, status, month, n)
SELECT conflict_id, party_id, dimension, value, status, date_trunc('month', day)::date, sum(n)
FROM ledger_persontally GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0;
"""

DROP = """
DROP TRIGGER ledger_person_months_deleted ON ledger_persontally;
DROP TRIGGER ledger_person_months_updated ON ledger_persontally;
DROP TRIGGER ledger_person_months_inserted ON ledger_persontally;
DROP FUNCTION ledger_person_tally_written();
DROP FUNCTION ledger_person_months_apply(ledger_person_month_move[]);
DROP TYPE ledger_person_month_move;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0014_held_days"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonMonthTally",
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
                ("month", models.DateField()),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "dimension", "month", "value", "status"),
                        include=("n",),
                        name="ledger_person_month_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
