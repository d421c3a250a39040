"""The identification tallies' key gains the release day (issue 18): the disposition's day when
the remains were released to the family or buried, else NULL, so the ledger counts confirmed
remains still awaiting release without reading every remains.

The remains triggers already fire on a change of disposition (0002); the functions they call
are replaced to carry the new key. ``ledger_tally_add`` takes one argument more, so the new one
is created beside the old, which is then dropped (reversing restores it and the 0002 bodies).
The rows are rebuilt at the end, in both directions, like 0002 filled them. Frozen here; the
same key is ``TALLY_ROWS`` in ``ledger.sql.identification_tallies``.
"""

from django.db import migrations, models

# The 0002 bodies of the two functions this migration replaces (its reverse restores them).
OLD_FUNCTIONS = """
CREATE FUNCTION ledger_tally_add(
    c bigint, p bigint, received date, ident text, ident_on date, returned date, delta int
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    left_n int;
BEGIN
    UPDATE ledger_identificationtally SET n = n + delta
    WHERE conflict_id = c AND party_id = p AND received_on = received
        AND identification = ident AND identified_on IS NOT DISTINCT FROM ident_on
        AND returned_on IS NOT DISTINCT FROM returned
    RETURNING n INTO left_n;
    IF NOT FOUND THEN
        INSERT INTO ledger_identificationtally
            (conflict_id, party_id, received_on, identification, identified_on, returned_on, n)
        VALUES (c, p, received, ident, ident_on, returned, delta);
    ELSIF left_n = 0 THEN
        DELETE FROM ledger_identificationtally
        WHERE conflict_id = c AND party_id = p AND received_on = received
            AND identification = ident AND identified_on IS NOT DISTINCT FROM ident_on
            AND returned_on IS NOT DISTINCT FROM returned AND n = 0;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger_tally_remains(
    handover bigint, ident text, ident_on date, disp text, disp_on date, delta int
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h record;
BEGIN
    SELECT conflict_id, to_party_id, date INTO h FROM repatriation_handover
    WHERE id = handover AND state = 'verified' AND kind IN ('remains', 'recovery');
    IF FOUND THEN
        PERFORM ledger_tally_add(
            h.conflict_id, h.to_party_id, h.date, ident,
            CASE WHEN ident <> 'unidentified' THEN ident_on END,
            CASE WHEN disp = 'returned_to_sender' THEN disp_on END, delta);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger_tally_handover_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT r.identification AS ident,
               CASE WHEN r.identification <> 'unidentified' THEN r.identified_on END AS ident_on,
               CASE WHEN r.disposition = 'returned_to_sender' THEN r.disposition_on END
                   AS returned,
               count(*)::int AS n
        FROM repatriation_remains r WHERE r.handover_id = NEW.id GROUP BY 1, 2, 3
    LOOP
        IF OLD.state = 'verified' AND OLD.kind IN ('remains', 'recovery') THEN
            PERFORM ledger_tally_add(OLD.conflict_id, OLD.to_party_id, OLD.date, g.ident,
                                     g.ident_on, g.returned, -g.n);
        END IF;
        IF NEW.state = 'verified' AND NEW.kind IN ('remains', 'recovery') THEN
            PERFORM ledger_tally_add(NEW.conflict_id, NEW.to_party_id, NEW.date, g.ident,
                                     g.ident_on, g.returned, g.n);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

DROP FUNCTION ledger_tally_add(bigint, bigint, date, text, date, date, date, int);
"""

NEW_FUNCTIONS = """
CREATE FUNCTION ledger_tally_add(
    c bigint, p bigint, received date, ident text, ident_on date, returned date,
    released date, delta int
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    left_n int;
BEGIN
    UPDATE ledger_identificationtally SET n = n + delta
    WHERE conflict_id = c AND party_id = p AND received_on = received
        AND identification = ident AND identified_on IS NOT DISTINCT FROM ident_on
        AND returned_on IS NOT DISTINCT FROM returned
        AND released_on IS NOT DISTINCT FROM released
    RETURNING n INTO left_n;
    IF NOT FOUND THEN
        INSERT INTO ledger_identificationtally (conflict_id, party_id, received_on,
            identification, identified_on, returned_on, released_on, n)
        VALUES (c, p, received, ident, ident_on, returned, released, delta);
    ELSIF left_n = 0 THEN
        DELETE FROM ledger_identificationtally
        WHERE conflict_id = c AND party_id = p AND received_on = received
            AND identification = ident AND identified_on IS NOT DISTINCT FROM ident_on
            AND returned_on IS NOT DISTINCT FROM returned
            AND released_on IS NOT DISTINCT FROM released AND n = 0;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger_tally_remains(
    handover bigint, ident text, ident_on date, disp text, disp_on date, delta int
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h record;
BEGIN
    SELECT conflict_id, to_party_id, date INTO h FROM repatriation_handover
    WHERE id = handover AND state = 'verified' AND kind IN ('remains', 'recovery');
    IF FOUND THEN
        PERFORM ledger_tally_add(
            h.conflict_id, h.to_party_id, h.date, ident,
            CASE WHEN ident <> 'unidentified' THEN ident_on END,
            CASE WHEN disp = 'returned_to_sender' THEN disp_on END,
            CASE WHEN disp IN ('released_to_family', 'buried') THEN disp_on END, delta);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger_tally_handover_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT r.identification AS ident,
               CASE WHEN r.identification <> 'unidentified' THEN r.identified_on END AS ident_on,
               CASE WHEN r.disposition = 'returned_to_sender' THEN r.disposition_on END
                   AS returned,
               CASE WHEN r.disposition IN ('released_to_family', 'buried')
                    THEN r.disposition_on END AS released,
               count(*)::int AS n
        FROM repatriation_remains r WHERE r.handover_id = NEW.id GROUP BY 1, 2, 3, 4
    LOOP
        IF OLD.state = 'verified' AND OLD.kind IN ('remains', 'recovery') THEN
            PERFORM ledger_tally_add(OLD.conflict_id, OLD.to_party_id, OLD.date, g.ident,
                                     g.ident_on, g.returned, g.released, -g.n);
        END IF;
        IF NEW.state = 'verified' AND NEW.kind IN ('remains', 'recovery') THEN
            PERFORM ledger_tally_add(NEW.conflict_id, NEW.to_party_id, NEW.date, g.ident,
                                     g.ident_on, g.returned, g.released, g.n);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

DROP FUNCTION ledger_tally_add(bigint, bigint, date, text, date, date, int);
"""

# The rows as the new triggers keep them. The lock holds writers back until they commit.
FILL = """
LOCK TABLE ledger_identificationtally IN EXCLUSIVE MODE;
DELETE FROM ledger_identificationtally;
INSERT INTO ledger_identificationtally (conflict_id, party_id, received_on, identification,
    identified_on, returned_on, released_on, n)
SELECT h.conflict_id, h.to_party_id, h.date, r.identification,
       CASE WHEN r.identification <> 'unidentified' THEN r.identified_on END,
       CASE WHEN r.disposition = 'returned_to_sender' THEN r.disposition_on END,
       CASE WHEN r.disposition IN ('released_to_family', 'buried') THEN r.disposition_on END,
       count(*)::int
FROM repatriation_handover h JOIN repatriation_remains r ON r.handover_id = h.id
WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery')
GROUP BY 1, 2, 3, 4, 5, 6, 7;
"""

# Reversed, after the column is gone: the rows with the 0002 key (rows that differed only in
# their release day would otherwise stay apart, and a trigger's update would move both).
OLD_FILL = """
LOCK TABLE ledger_identificationtally IN EXCLUSIVE MODE;
DELETE FROM ledger_identificationtally;
INSERT INTO ledger_identificationtally
    (conflict_id, party_id, received_on, identification, identified_on, returned_on, n)
SELECT h.conflict_id, h.to_party_id, h.date, r.identification,
       CASE WHEN r.identification <> 'unidentified' THEN r.identified_on END,
       CASE WHEN r.disposition = 'returned_to_sender' THEN r.disposition_on END,
       count(*)::int
FROM repatriation_handover h JOIN repatriation_remains r ON r.handover_id = h.id
WHERE h.state = 'verified' AND h.kind IN ('remains', 'recovery')
GROUP BY 1, 2, 3, 4, 5, 6;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_returned_tallies"),
    ]

    operations = [
        # Runs last when reversed, once the column is dropped.
        migrations.RunSQL(migrations.RunSQL.noop, OLD_FILL),
        migrations.RemoveIndex(
            model_name="identificationtally",
            name="ledger_tally_scope",
        ),
        migrations.AddField(
            model_name="identificationtally",
            name="released_on",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="identificationtally",
            index=models.Index(
                fields=["conflict_id", "party_id", "received_on"],
                include=("identification", "identified_on", "returned_on", "released_on", "n"),
                name="ledger_tally_scope",
            ),
        ),
        migrations.RunSQL(NEW_FUNCTIONS + FILL, OLD_FUNCTIONS),
    ]
