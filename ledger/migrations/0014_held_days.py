"""The finished captivities' days held (``ledger.models.HeldDaysTally``), kept from the
captivity tally by statement-level triggers (issue 19): the median days held as of a late day
reads them and the captivities still running on it, not every captivity. The upserts of
``ledger_persons_refresh`` (migration ``0005_person_tallies``) fire these triggers with the rows
they inserted, updated and deleted; each moves the days by the difference. Filled here from the
tally as it stands."""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_held_days_move AS (conflict_id bigint, party_id bigint, days int, n int);

CREATE FUNCTION ledger_held_days_apply(moves ledger_held_days_move[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    zero bigint[];
BEGIN
    IF moves IS NULL THEN
        RETURN;
    END IF;
    WITH up AS (
        INSERT INTO ledger_helddaystally AS t (conflict_id, party_id, days, n)
        SELECT conflict_id, party_id, days, sum(n) FROM unnest(moves)
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (conflict_id, party_id, days) DO UPDATE SET n = t.n + excluded.n
        RETURNING t.id, t.n
    )
    SELECT array_agg(id) FILTER (WHERE n = 0) INTO zero FROM up;
    DELETE FROM ledger_helddaystally WHERE id = ANY(zero) AND n = 0;
END $$;

CREATE FUNCTION ledger_captivity_tally_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moves ledger_held_days_move[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ROW(conflict_id, party_id, ended_on - captured_on, n)
                         ::ledger_held_days_move)
        INTO moves FROM new_rows WHERE ended_on IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ROW(conflict_id, party_id, ended_on - captured_on, -n)
                         ::ledger_held_days_move)
        INTO moves FROM old_rows WHERE ended_on IS NOT NULL;
    ELSE
        SELECT array_agg(m) INTO moves FROM (
            SELECT ROW(conflict_id, party_id, ended_on - captured_on, -n)
                       ::ledger_held_days_move AS m
            FROM old_rows WHERE ended_on IS NOT NULL
            UNION ALL
            SELECT ROW(conflict_id, party_id, ended_on - captured_on, n)::ledger_held_days_move
            FROM new_rows WHERE ended_on IS NOT NULL
        ) x;
    END IF;
    PERFORM ledger_held_days_apply(moves);
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_held_days_inserted AFTER INSERT ON ledger_captivitytally
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_captivity_tally_written();
CREATE TRIGGER ledger_held_days_updated AFTER UPDATE ON ledger_captivitytally
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_captivity_tally_written();
CREATE TRIGGER ledger_held_days_deleted AFTER DELETE ON ledger_captivitytally
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_captivity_tally_written();

INSERT INTO ledger_helddaystally (conflict_id, party_id, days, n)
SELECT conflict_id, party_id, ended_on - captured_on, sum(n)
FROM ledger_captivitytally WHERE ended_on IS NOT NULL
GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
"""

DROP = """
DROP TRIGGER ledger_held_days_deleted ON ledger_captivitytally;
DROP TRIGGER ledger_held_days_updated ON ledger_captivitytally;
DROP TRIGGER ledger_held_days_inserted ON ledger_captivitytally;
DROP FUNCTION ledger_captivity_tally_written();
DROP FUNCTION ledger_held_days_apply(ledger_held_days_move[]);
DROP TYPE ledger_held_days_move;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0013_pipeline_tallies_fill")]

    operations = [
        migrations.CreateModel(
            name="HeldDaysTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("days", models.IntegerField()),
                ("n", models.IntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name="captivitytally",
            index=models.Index(
                fields=["conflict_id", "party_id", "ended_on"],
                include=("captured_on", "n"),
                name="ledger_captivity_tally_end",
            ),
        ),
        migrations.AddConstraint(
            model_name="helddaystally",
            constraint=models.UniqueConstraint(
                fields=("conflict_id", "party_id", "days"),
                include=("n",),
                name="ledger_held_days_key",
            ),
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
