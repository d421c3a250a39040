"""The ledger's checks of the confirmed remains against the persons registry
(``ledger.models.ConfirmedCheck``), kept by triggers in the writing transaction (issue 19).

The contradictions only: a person identified by confirmed remains while recorded alive, and a
person with two complete confirmed remains, each with the days it holds, so the ledger reads
a handful of rows instead of every confirmed remains. Statement-level triggers on the two
tallies the checks derive from, ``IdentifiedPerson`` (which the remains and handover triggers
of ``0003_returned_tallies`` recompute per person) and ``PersonSpell`` (the status change and
person triggers of ``0005_person_tallies``), recompute the checks of the persons whose rows
changed, set-based, once per statement. Frozen here (a later change is a new migration);
``ledger.sql.persons`` has the full recomputation, which the rebuild command runs and the
tests compare with these triggers.
"""

from django.db import migrations, models

FUNCTIONS = """
-- The checks of the persons given. Only a person identified in a ledger (IdentifiedPerson) can
-- contradict it; ``alive``: each spell with a status that says alive, from the later of its
-- start and the identification, while it holds; ``duplicate``: from the day the second
-- complete confirmed remains counts (the later of its handover's date and its identification).
CREATE FUNCTION ledger_confirmed_alive(persons bigint[]) RETURNS TABLE (
    conflict_id bigint, party_id bigint, person_id bigint, kind text, status text,
    from_on date, until_on date
) LANGUAGE sql STABLE AS $$
    -- The identified first: most persons given (a bulk status import) are not, and their
    -- spells are then never read. Both tables are narrowed to the persons given, so each is
    -- read through its person index even when a bulk load in progress has left the planner's
    -- statistics stale (a join the planner chose by them could read a table once per person).
    SELECT i.conflict_id, i.party_id, i.person_id, 'alive', s.status,
           greatest(i.first_on, s.start_on), s.end_on
    FROM ledger_identifiedperson i
    JOIN ledger_personspell s ON s.person_id = i.person_id
    WHERE i.person_id = ANY(persons) AND s.person_id = ANY(persons)
        AND s.status IN ('captured', 'found_alive', 'released')
        AND (s.end_on IS NULL OR s.end_on > greatest(i.first_on, s.start_on))
$$;

CREATE FUNCTION ledger_confirmed_duplicate(persons bigint[]) RETURNS TABLE (
    conflict_id bigint, party_id bigint, person_id bigint, kind text, status text,
    from_on date, until_on date
) LANGUAGE sql STABLE AS $$
    -- From the persons' own remains (the shape ledger_identified_refresh reads them in): two
    -- complete confirmed remains counted in one ledger identify the person there too.
    SELECT conflict_id, party_id, person_id, 'duplicate', '', counts_on, NULL::date
    FROM (
        SELECT h.conflict_id, h.to_party_id AS party_id, r.person_id,
               greatest(h.date, r.identified_on) AS counts_on,
               row_number() OVER (
                   PARTITION BY h.conflict_id, h.to_party_id, r.person_id
                   ORDER BY greatest(h.date, r.identified_on)
               ) AS nth
        FROM repatriation_remains r JOIN repatriation_handover h ON h.id = r.handover_id
        WHERE r.person_id = ANY(persons)
            AND r.identification = 'confirmed' AND r.condition = 'complete'
            AND h.state = 'verified' AND h.kind IN ('remains', 'recovery')
    ) c
    WHERE nth = 2
$$;

-- The given kinds of checks of the persons given, recomputed from their tallies as they are
-- now. The writers of those tallies hold the persons' rows locked (ledger_identified_refresh,
-- ledger_persons_refresh) until they commit, so two transactions never recompute one person
-- from each other's uncommitted rows.
CREATE FUNCTION ledger_confirmed_refresh(persons bigint[], kinds text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ledger_confirmedcheck k USING unnest(persons) p (id)
    WHERE k.person_id = p.id AND k.kind = ANY(kinds);
    IF 'alive' = ANY(kinds) THEN
        INSERT INTO ledger_confirmedcheck
            (conflict_id, party_id, person_id, kind, status, from_on, until_on)
        SELECT * FROM ledger_confirmed_alive(persons);
    END IF;
    IF 'duplicate' = ANY(kinds) THEN
        INSERT INTO ledger_confirmedcheck
            (conflict_id, party_id, person_id, kind, status, from_on, until_on)
        SELECT * FROM ledger_confirmed_duplicate(persons);
    END IF;
END $$;

-- On the tallies themselves, so the functions that keep them stay as their migrations froze
-- them. A person no longer identified in a ledger contradicts nothing there: their checks of
-- that ledger go, unless the same statement identified them again (then the insertion's
-- trigger, whichever fires first, recomputes them).
CREATE FUNCTION ledger_confirmed_identified_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM ledger_confirmedcheck k USING old_rows o
        WHERE (k.conflict_id, k.party_id, k.person_id) = (o.conflict_id, o.party_id, o.person_id)
            AND NOT EXISTS (
                SELECT FROM ledger_identifiedperson i
                WHERE (i.conflict_id, i.party_id, i.person_id)
                    = (o.conflict_id, o.party_id, o.person_id)
            );
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM new_rows;
    ELSE
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM (
            SELECT person_id FROM old_rows UNION ALL SELECT person_id FROM new_rows
        ) x;
    END IF;
    IF persons IS NOT NULL THEN
        PERFORM ledger_confirmed_refresh(persons, ARRAY['alive', 'duplicate']);
    END IF;
    RETURN NULL;
END $$;

-- Only the spells with a status that says alive make checks: spells of any other status
-- coming or going leave them as they are, so a bulk import of deaths refreshes nobody.
CREATE FUNCTION ledger_confirmed_spells_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    persons bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM new_rows
        WHERE status IN ('captured', 'found_alive', 'released');
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM old_rows
        WHERE status IN ('captured', 'found_alive', 'released');
    ELSE
        SELECT array_agg(DISTINCT person_id ORDER BY person_id) INTO persons FROM (
            SELECT person_id, status FROM old_rows UNION ALL SELECT person_id, status FROM new_rows
        ) x
        WHERE status IN ('captured', 'found_alive', 'released');
    END IF;
    IF persons IS NOT NULL THEN
        PERFORM ledger_confirmed_refresh(persons, ARRAY['alive']);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_confirmed_identified_inserted AFTER INSERT ON ledger_identifiedperson
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_identified_written();
CREATE TRIGGER ledger_confirmed_identified_updated AFTER UPDATE ON ledger_identifiedperson
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_identified_written();
CREATE TRIGGER ledger_confirmed_identified_deleted AFTER DELETE ON ledger_identifiedperson
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_identified_written();
CREATE TRIGGER ledger_confirmed_spells_inserted AFTER INSERT ON ledger_personspell
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_spells_written();
CREATE TRIGGER ledger_confirmed_spells_updated AFTER UPDATE ON ledger_personspell
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_spells_written();
CREATE TRIGGER ledger_confirmed_spells_deleted AFTER DELETE ON ledger_personspell
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION ledger_confirmed_spells_written();
"""

# The checks of the persons already identified (the same as ledger.sql.persons' rebuild).
FILL = """
INSERT INTO ledger_confirmedcheck (conflict_id, party_id, person_id, kind, status, from_on,
                                   until_on)
SELECT * FROM ledger_confirmed_alive(ARRAY(SELECT person_id FROM ledger_identifiedperson))
UNION ALL
SELECT * FROM ledger_confirmed_duplicate(ARRAY(SELECT person_id FROM ledger_identifiedperson));
"""

DROP = """
DROP TRIGGER ledger_confirmed_spells_deleted ON ledger_personspell;
DROP TRIGGER ledger_confirmed_spells_updated ON ledger_personspell;
DROP TRIGGER ledger_confirmed_spells_inserted ON ledger_personspell;
DROP TRIGGER ledger_confirmed_identified_deleted ON ledger_identifiedperson;
DROP TRIGGER ledger_confirmed_identified_updated ON ledger_identifiedperson;
DROP TRIGGER ledger_confirmed_identified_inserted ON ledger_identifiedperson;
DROP FUNCTION ledger_confirmed_spells_written();
DROP FUNCTION ledger_confirmed_identified_written();
DROP FUNCTION ledger_confirmed_refresh(bigint[], text[]);
DROP FUNCTION ledger_confirmed_duplicate(bigint[]);
DROP FUNCTION ledger_confirmed_alive(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_person_tallies_fill"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfirmedCheck",
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
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("alive", "identified, recorded alive"),
                            ("duplicate", "two complete bodies"),
                        ],
                        max_length=9,
                    ),
                ),
                ("status", models.CharField(blank=True, max_length=16)),
                ("from_on", models.DateField()),
                ("until_on", models.DateField(null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conflict_id", "party_id", "kind", "from_on", "person_id"),
                        name="ledger_confirmed_check_key",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("kind", "alive"),
                                ("status__in", ["captured", "found_alive", "released"]),
                            ),
                            models.Q(
                                ("kind", "duplicate"), ("status", ""), ("until_on__isnull", True)
                            ),
                            _connector="OR",
                        ),
                        name="ledger_confirmed_check_kind",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("until_on__isnull", True),
                            ("until_on__gt", models.F("from_on")),
                            _connector="OR",
                        ),
                        name="ledger_confirmed_check_days",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS + FILL, DROP),
    ]
