"""The ledger's figure points (``ledger.models.FigurePoint``), kept by triggers in the writing
transaction (issue 19).

Statement-level triggers with transition tables on the figures, the statements and the
sources: each finds the series (conflict, party, source, category) a statement touched, before
and after, and recomputes them whole and set-based: which revision is a statement's latest,
which restatement is a day's last, and the changes (a cumulative figure lowered, a figure
restated for its day with another value) the ledger lists. Only rows that differ are written.
Frozen here (a later change is a new migration); ``0009_figure_points_fill`` computes the
figures already there. The tests compare the ledger's figure queries over these points with
the queries over every figure, statement and source they replaced.
"""

from django.db import migrations, models

FUNCTIONS = """
CREATE TYPE ledger_figure_series AS (
    conflict_id bigint, party_id bigint, source_id bigint, category text
);

-- Every point of the series given, computed from the figures, statements and sources.
CREATE FUNCTION ledger_figure_points_of(series ledger_figure_series[]) RETURNS TABLE (
    figure_id bigint, statement_id bigint, conflict_id bigint, party_id bigint, category text,
    source_id bigint, self_reported boolean, as_of date, issued_on date, revision integer,
    value integer, latest boolean, day_latest boolean, decreased boolean,
    decreased_from integer, decreased_statement bigint, decreased_as_of date, revised boolean,
    revised_from integer, revised_statement bigint
) LANGUAGE sql STABLE AS $$
    WITH keys AS (
        SELECT DISTINCT * FROM unnest(series)
    ), figures AS (
        SELECT f.id AS figure_id, st.id AS statement_id, st.conflict_id,
               f.subject_party_id AS party_id, f.category::text AS category, st.source_id,
               (s.party_id IS NOT DISTINCT FROM f.subject_party_id) AS self_reported,
               st.as_of, st.issued_on, f.revision::integer AS revision, f.value,
               f.revision = max(f.revision) OVER (
                   PARTITION BY f.statement_id, f.subject_party_id, f.category
               ) AS latest
        FROM keys k
        JOIN casualties_statement st
            ON st.conflict_id = k.conflict_id AND st.source_id = k.source_id
        JOIN casualties_figure f
            ON f.statement_id = st.id AND f.subject_party_id = k.party_id
                AND f.category = k.category
        JOIN casualties_source s ON s.id = st.source_id
    ), days AS (
        -- A series' restatements for one day, oldest first: issue date, statement, revision.
        SELECT fg.*, lag(fg.value) OVER w AS before, lag(fg.statement_id) OVER w AS before_in,
               lead(fg.figure_id) OVER w IS NULL AS day_latest
        FROM figures fg
        WINDOW w AS (
            PARTITION BY fg.conflict_id, fg.party_id, fg.source_id, fg.category, fg.as_of
            ORDER BY fg.issued_on, fg.statement_id, fg.revision
        )
    ), runs AS (
        -- A cumulative series' latest revisions, oldest first.
        SELECT fg.figure_id, lag(fg.value) OVER w AS before, lag(fg.statement_id) OVER w
                   AS before_in,
               lag(fg.as_of) OVER w AS before_as_of
        FROM figures fg
        WHERE fg.latest AND fg.category IN (
            'injured', 'killed', 'killed_or_missing', 'released', 'remains_identified',
            'remains_returned'
        )
        WINDOW w AS (
            PARTITION BY fg.conflict_id, fg.party_id, fg.source_id, fg.category
            ORDER BY fg.as_of, fg.issued_on, fg.statement_id
        )
    ), flagged AS (
        SELECT d.*, r.before AS run_before, r.before_in AS run_before_in, r.before_as_of,
               coalesce(d.value < r.before AND d.as_of <> r.before_as_of, false) AS decreased,
               coalesce(d.value <> d.before, false) AS revised
        FROM days d LEFT JOIN runs r ON r.figure_id = d.figure_id
    )
    SELECT figure_id, statement_id, conflict_id, party_id, category, source_id, self_reported,
           as_of, issued_on, revision, value, latest, day_latest, decreased,
           CASE WHEN decreased THEN run_before END, CASE WHEN decreased THEN run_before_in END,
           CASE WHEN decreased THEN before_as_of END, revised,
           CASE WHEN revised THEN before END, CASE WHEN revised THEN before_in END
    FROM flagged
$$;

-- Recompute the series given. Two transactions writing one series would each recompute it
-- without the other's uncommitted figures: each series is locked first (an advisory lock on
-- its key, in key order), so the second waits for the first to end, and the statements below
-- (each with a snapshot of its own) see what the first wrote.
CREATE FUNCTION ledger_figure_series_refresh(series ledger_figure_series[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k) FROM (
        SELECT DISTINCT hashtextextended(
            format('ledger_figurepoint %s %s %s %s', conflict_id, party_id, source_id,
                   category), 0) AS k
        FROM unnest(series) ORDER BY k
    ) keys;
    -- The points whose figure is gone or now belongs to another series (also recomputed:
    -- its point is added there below). Probed by figure, as the planner cannot know how many
    -- points a series has.
    DELETE FROM ledger_figurepoint p
    USING (SELECT DISTINCT * FROM unnest(series)) k
    WHERE (p.conflict_id, p.party_id, p.source_id, p.category)
            = (k.conflict_id, k.party_id, k.source_id, k.category)
        AND NOT EXISTS (
            SELECT 1 FROM casualties_figure f JOIN casualties_statement st
                ON st.id = f.statement_id
            WHERE f.id = p.figure_id AND f.subject_party_id = p.party_id
                AND f.category = p.category AND st.conflict_id = p.conflict_id
                AND st.source_id = p.source_id
        );
    WITH fresh AS (
        SELECT * FROM ledger_figure_points_of(series)
    ), changed AS (
        -- A series recomputed for one new figure leaves its other points as they were.
        SELECT n.* FROM fresh n LEFT JOIN ledger_figurepoint p ON p.figure_id = n.figure_id
        WHERE p.id IS NULL
            OR (p.statement_id, p.conflict_id, p.party_id, p.category, p.source_id,
                p.self_reported, p.as_of, p.issued_on, p.revision, p.value, p.latest,
                p.day_latest, p.decreased, p.decreased_from, p.decreased_statement,
                p.decreased_as_of, p.revised, p.revised_from, p.revised_statement)
            IS DISTINCT FROM (n.statement_id, n.conflict_id, n.party_id, n.category,
                n.source_id, n.self_reported, n.as_of, n.issued_on, n.revision, n.value,
                n.latest, n.day_latest, n.decreased, n.decreased_from, n.decreased_statement,
                n.decreased_as_of, n.revised, n.revised_from, n.revised_statement)
    )
    INSERT INTO ledger_figurepoint AS p (
        figure_id, statement_id, conflict_id, party_id, category, source_id, self_reported,
        as_of, issued_on, revision, value, latest, day_latest, decreased, decreased_from,
        decreased_statement, decreased_as_of, revised, revised_from, revised_statement
    )
    SELECT * FROM changed ORDER BY figure_id
    ON CONFLICT (figure_id) DO UPDATE SET
        statement_id = excluded.statement_id, conflict_id = excluded.conflict_id,
        party_id = excluded.party_id, category = excluded.category,
        source_id = excluded.source_id, self_reported = excluded.self_reported,
        as_of = excluded.as_of, issued_on = excluded.issued_on, revision = excluded.revision,
        value = excluded.value, latest = excluded.latest, day_latest = excluded.day_latest,
        decreased = excluded.decreased, decreased_from = excluded.decreased_from,
        decreased_statement = excluded.decreased_statement,
        decreased_as_of = excluded.decreased_as_of, revised = excluded.revised,
        revised_from = excluded.revised_from, revised_statement = excluded.revised_statement;
END $$;

-- The series of the figures written: where their points sat, and where they belong now. A
-- point's statement and source are share-locked first: a transaction changing that statement's
-- dates or source, or that source's party, waits for this one (or this one for it), so
-- neither recomputes a series from the other's old rows.
CREATE FUNCTION ledger_figures_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    figures bigint[];
    statements bigint[];
    series ledger_figure_series[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id), array_agg(DISTINCT statement_id ORDER BY statement_id)
        INTO figures, statements FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(id), array_agg(DISTINCT statement_id ORDER BY statement_id)
        INTO figures, statements FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT o.id), array_agg(DISTINCT s ORDER BY s)
        INTO figures, statements
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (o.statement_id), (n.statement_id)) x (s)
        WHERE (o.statement_id, o.subject_party_id, o.category, o.value, o.revision)
            IS DISTINCT FROM (n.statement_id, n.subject_party_id, n.category, n.value,
                              n.revision);
    END IF;
    IF figures IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM casualties_statement WHERE id = ANY(statements) ORDER BY id FOR SHARE;
    PERFORM 1 FROM casualties_source
    WHERE id IN (SELECT source_id FROM casualties_statement WHERE id = ANY(statements))
    ORDER BY id FOR SHARE;
    SELECT array_agg(DISTINCT ROW(k.conflict_id, k.party_id, k.source_id, k.category)
                         ::ledger_figure_series)
    INTO series FROM (
        SELECT p.conflict_id, p.party_id, p.source_id, p.category
        FROM ledger_figurepoint p WHERE p.figure_id = ANY(figures)
        UNION
        SELECT st.conflict_id, f.subject_party_id, st.source_id, f.category
        FROM casualties_figure f JOIN casualties_statement st ON st.id = f.statement_id
        WHERE f.id = ANY(figures)
    ) k;
    IF series IS NOT NULL THEN
        PERFORM ledger_figure_series_refresh(series);
    END IF;
    RETURN NULL;
END $$;

-- A statement's conflict, source or dates: the series of its figures, where their points
-- sat and where they belong now (a deleted statement's figures went before it).
CREATE FUNCTION ledger_statements_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statements bigint[];
    series ledger_figure_series[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(id ORDER BY id) INTO statements FROM old_rows;
    ELSE
        SELECT array_agg(o.id ORDER BY o.id) INTO statements
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.conflict_id, o.source_id, o.as_of, o.issued_on)
            IS DISTINCT FROM (n.conflict_id, n.source_id, n.as_of, n.issued_on);
        PERFORM 1 FROM casualties_source WHERE id IN (SELECT source_id FROM new_rows)
        ORDER BY id FOR SHARE;
    END IF;
    IF statements IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(DISTINCT ROW(k.conflict_id, k.party_id, k.source_id, k.category)
                         ::ledger_figure_series)
    INTO series FROM (
        SELECT p.conflict_id, p.party_id, p.source_id, p.category
        FROM ledger_figurepoint p WHERE p.statement_id = ANY(statements)
        UNION
        SELECT st.conflict_id, f.subject_party_id, st.source_id, f.category
        FROM casualties_figure f JOIN casualties_statement st ON st.id = f.statement_id
        WHERE st.id = ANY(statements)
    ) k;
    IF series IS NOT NULL THEN
        PERFORM ledger_figure_series_refresh(series);
    END IF;
    RETURN NULL;
END $$;

-- A source's party decides which of its figures are self-reported.
CREATE FUNCTION ledger_sources_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    series ledger_figure_series[];
BEGIN
    SELECT array_agg(DISTINCT ROW(st.conflict_id, f.subject_party_id, st.source_id, f.category)
                         ::ledger_figure_series)
    INTO series
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN casualties_statement st ON st.source_id = n.id
    JOIN casualties_figure f ON f.statement_id = st.id
    WHERE o.party_id IS DISTINCT FROM n.party_id;
    IF series IS NOT NULL THEN
        PERFORM ledger_figure_series_refresh(series);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_figures_inserted AFTER INSERT ON casualties_figure
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_written();
CREATE TRIGGER ledger_figures_updated AFTER UPDATE ON casualties_figure
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_written();
CREATE TRIGGER ledger_figures_deleted AFTER DELETE ON casualties_figure
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_figures_written();
CREATE TRIGGER ledger_statements_updated AFTER UPDATE ON casualties_statement
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_statements_written();
CREATE TRIGGER ledger_statements_deleted AFTER DELETE ON casualties_statement
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_statements_written();
CREATE TRIGGER ledger_sources_updated AFTER UPDATE ON casualties_source
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_sources_written();
"""

DROP = """
DROP TRIGGER ledger_sources_updated ON casualties_source;
DROP TRIGGER ledger_statements_deleted ON casualties_statement;
DROP TRIGGER ledger_statements_updated ON casualties_statement;
DROP TRIGGER ledger_figures_deleted ON casualties_figure;
DROP TRIGGER ledger_figures_updated ON casualties_figure;
DROP TRIGGER ledger_figures_inserted ON casualties_figure;
DROP FUNCTION ledger_sources_written();
DROP FUNCTION ledger_statements_written();
DROP FUNCTION ledger_figures_written();
DROP FUNCTION ledger_figure_series_refresh(ledger_figure_series[]);
DROP FUNCTION ledger_figure_points_of(ledger_figure_series[]);
DROP TYPE ledger_figure_series;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_confirmed_checks"),
        ("casualties", "0020_name_postings"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigurePoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("figure_id", models.BigIntegerField(unique=True)),
                ("statement_id", models.BigIntegerField()),
                ("conflict_id", models.BigIntegerField()),
                ("party_id", models.BigIntegerField()),
                ("category", models.CharField(max_length=24)),
                ("source_id", models.BigIntegerField()),
                ("self_reported", models.BooleanField()),
                ("as_of", models.DateField()),
                ("issued_on", models.DateField()),
                ("revision", models.IntegerField()),
                ("value", models.IntegerField()),
                ("latest", models.BooleanField()),
                ("day_latest", models.BooleanField()),
                ("decreased", models.BooleanField()),
                ("decreased_from", models.IntegerField(null=True)),
                ("decreased_statement", models.BigIntegerField(null=True)),
                ("decreased_as_of", models.DateField(null=True)),
                ("revised", models.BooleanField()),
                ("revised_from", models.IntegerField(null=True)),
                ("revised_statement", models.BigIntegerField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("self_reported", True)),
                        fields=[
                            "conflict_id",
                            "party_id",
                            "category",
                            "-as_of",
                            "-issued_on",
                            "-statement_id",
                            "-revision",
                        ],
                        include=("value", "source_id"),
                        name="ledger_figpoint_official",
                    ),
                    models.Index(
                        fields=[
                            "conflict_id",
                            "party_id",
                            "source_id",
                            "category",
                            "-as_of",
                            "-issued_on",
                            "-statement_id",
                            "-revision",
                        ],
                        name="ledger_figpoint_series",
                    ),
                    models.Index(
                        condition=models.Q(("day_latest", True)),
                        fields=[
                            "conflict_id",
                            "party_id",
                            "self_reported",
                            "source_id",
                            "category",
                            "as_of",
                        ],
                        include=("value",),
                        name="ledger_figpoint_days",
                    ),
                    models.Index(
                        condition=models.Q(("decreased", True), ("revised", True), _connector="OR"),
                        fields=["conflict_id", "party_id", "as_of"],
                        name="ledger_figpoint_changes",
                    ),
                    models.Index(fields=["statement_id"], name="ledger_figpoint_statement"),
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
