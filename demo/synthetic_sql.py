"""The set-based SQL behind ``manage.py generate_data``: one ``INSERT … SELECT`` per table.

Rows come from ``generate_series`` and ``random()`` (seeded once per run with ``setseed``), so
a 50,000-person conflict loads in seconds instead of the minutes that per-row ORM saves take.
Every statement is scoped to one conflict through ``%(conflict)s``. Table and column names are
those of the models; a migration that renames one must update this file.
"""

SEED = "SELECT setseed(%(seed)s)"

PERSONS = """
INSERT INTO casualties_person (
    created_at, updated_at, conflict_id, party_id, full_name, name_latin, name_public,
    is_civilian, rank, unit, home_region, status, status_date, date_of_birth,
    service_number, next_of_kin, contact, dna_reference, notes, search_key)
SELECT now(), now(), %(conflict)s,
    CASE WHEN d.side_a THEN %(party_a)s ELSE %(party_b)s END,
    CASE WHEN d.generic THEN 'Synthetic Person ' || d.i
         WHEN d.side_a THEN (%(a_first)s::text[])[d.f] || ' ' || (%(a_last)s::text[])[d.l]
         ELSE (%(b_first)s::text[])[d.f] || ' ' || (%(b_last)s::text[])[d.l] END,
    CASE WHEN d.generic THEN 'Synthetic Person ' || d.i
         WHEN d.side_a
         THEN (%(a_first_latin)s::text[])[d.f] || ' ' || (%(a_last_latin)s::text[])[d.l]
         ELSE (%(b_first_latin)s::text[])[d.f] || ' ' || (%(b_last_latin)s::text[])[d.l] END,
    mod(d.i, 2) = 0,
    d.civilian,
    CASE WHEN d.civilian THEN ''
         ELSE (ARRAY['Private', 'Sergeant', 'Lieutenant', 'Captain'])[1 + mod(d.i, 4)] END,
    CASE WHEN d.civilian THEN '' ELSE 'Synthetic unit ' || (1 + mod(d.i, 40)) END,
    'Synthetic region ' || (1 + mod(d.i, 12)),
    d.status,
    %(start)s::date + floor(d.u_date * (%(days)s + 1))::int,
    CASE WHEN d.restricted THEN date '1960-01-01' + mod(d.i * 37, 14000) END,
    CASE WHEN d.restricted AND NOT d.civilian THEN 'SYN-SN-' || d.i ELSE '' END,
    CASE WHEN d.restricted THEN 'Synthetic relative of person ' || d.i ELSE '' END,
    CASE WHEN d.restricted THEN 'synthetic-' || d.i || '@example.invalid' ELSE '' END,
    CASE WHEN d.restricted AND d.status IN ('killed', 'missing') THEN 'SYN-DNA-P' || d.i
         ELSE '' END,
    %(note)s,
    -- search_key(full_name, name_latin), computed in Python for each (given name, surname)
    -- pair: the key of an Armenian name holds its Russian forms (akopyan) too.
    CASE WHEN d.generic THEN 'synthetic person ' || d.i
         WHEN d.side_a THEN (%(a_keys)s::text[])[(d.f - 1) * %(names)s + d.l]
         ELSE (%(b_keys)s::text[])[(d.f - 1) * %(names)s + d.l] END
FROM (
    SELECT i, random() < %(share_a)s AS side_a, random() < 0.1 AS generic,
        random() < 0.05 AS civilian, mod(i, 4) = 0 AS restricted, random() AS u_date,
        1 + mod(i, %(names)s) AS f, 1 + mod(i / %(names)s + i, %(names)s) AS l,
        CASE WHEN u < 0.35 THEN 'killed' WHEN u < 0.55 THEN 'missing'
             WHEN u < 0.70 THEN 'injured' WHEN u < 0.82 THEN 'captured'
             WHEN u < 0.92 THEN 'released' ELSE 'found_alive' END AS status
    FROM (SELECT i, random() AS u FROM generate_series(1, %(count)s) AS i) AS numbered
) AS d
ORDER BY d.i
"""

# The step before the current status, for a share of the persons whose status has one in the
# lifecycle (missing → killed …), dated between the conflict's start and the current status.
# It is recorded a minute "earlier" so the current status stays the latest change even when both
# fall on the same day.
EARLIER_STATUS_CHANGES = """
INSERT INTO casualties_statuschange (
    person_id, status, effective_date, source_note, is_correction, reason, recorded_by_id,
    recorded_at)
SELECT p.id,
    CASE p.status WHEN 'killed' THEN CASE WHEN p.u < 0.7 THEN 'missing' ELSE 'injured' END
                  WHEN 'released' THEN 'captured' ELSE 'missing' END,
    %(start)s::date + floor(p.u_date * (p.status_date - %(start)s::date))::int,
    %(note)s, false, '', %(user)s, now() - interval '1 minute'
FROM (
    SELECT id, status, status_date, random() AS pick, random() AS u, random() AS u_date
    FROM casualties_person WHERE conflict_id = %(conflict)s ORDER BY id
) AS p
WHERE p.pick < %(earlier)s AND p.status IN ('killed', 'captured', 'released', 'found_alive')
ORDER BY p.id
"""

CURRENT_STATUS_CHANGES = """
INSERT INTO casualties_statuschange (
    person_id, status, effective_date, source_note, is_correction, reason, recorded_by_id,
    recorded_at)
SELECT id, status, status_date, %(note)s, false, '', %(user)s, now()
FROM casualties_person WHERE conflict_id = %(conflict)s
ORDER BY id
"""

HANDOVERS = """
INSERT INTO repatriation_handover (
    created_at, updated_at, conflict_id, agreement_id, kind, date, location, from_party_id,
    to_party_id, mediator_id, reported_count, reported_by_id, citation, state, entered_by_id,
    verified_by_id, verified_at)
SELECT now(), now(), %(conflict)s, NULL, 'remains', d.date,
    'Synthetic crossing point ' || (1 + mod(d.i, 5)),
    CASE WHEN d.to_a THEN %(party_b)s ELSE %(party_a)s END,
    CASE WHEN d.to_a THEN %(party_a)s ELSE %(party_b)s END,
    %(mediator)s,
    greatest(0, %(per)s + d.off_by),
    CASE WHEN d.to_a THEN %(party_a)s ELSE %(party_b)s END,
    'Synthetic handover ' || d.i || ': benchmark data, not a real event.',
    CASE WHEN d.verified THEN 'verified' ELSE 'draft' END,
    %(entered_by)s,
    CASE WHEN d.verified THEN %(verified_by)s END,
    CASE WHEN d.verified THEN (d.date + 1)::timestamp AT TIME ZONE 'UTC' END
FROM (
    SELECT i, random() < %(share_to_a)s AS to_a, random() < %(verified)s AS verified,
        %(start)s::date + floor(random() * (%(days)s + 1))::int AS date,
        CASE WHEN random() < %(mismatch)s
             THEN (ARRAY[-2, -1, 1, 2])[1 + floor(random() * 4)::int] ELSE 0 END AS off_by
    FROM generate_series(1, %(count)s) AS i
) AS d
ORDER BY d.date, d.i
"""

# Identified remains are matched to persons of the receiving party in date order: the n-th
# confirmed remains of a party to its n-th killed person, the n-th presumptive one to its n-th
# missing person, and only if that person's status is dated on or before the handover. The odds
# of identification shrink when a party has few such persons for the remains it receives, so
# most matches fall well after the person's date. A "sharing" partial remains takes the person of
# the confirmed remains before it (several parts of one body). Remains without a match stay
# unidentified. Case numbers continue each date's highest ``<date>/<seq>`` already in use.
REMAINS = r"""
WITH pool AS (
    SELECT id, party_id, status_date,
        CASE status WHEN 'killed' THEN 'confirmed' ELSE 'presumptive' END AS wanted,
        row_number() OVER (PARTITION BY party_id, status ORDER BY status_date, id) AS slot
    FROM casualties_person
    WHERE conflict_id = %(conflict)s AND status IN ('killed', 'missing')
), odds AS (
    SELECT h.to_party_id,
        least(%(confirmed)s, %(headroom)s * (
            SELECT count(*) FROM pool WHERE party_id = h.to_party_id AND wanted = 'confirmed'
        ) / greatest(count(*) * %(per)s, 1)) AS confirmed,
        least(%(presumptive)s, %(headroom)s * (
            SELECT count(*) FROM pool WHERE party_id = h.to_party_id AND wanted = 'presumptive'
        ) / greatest(count(*) * %(per)s, 1)) AS presumptive
    FROM repatriation_handover AS h WHERE h.conflict_id = %(conflict)s
    GROUP BY h.to_party_id
), slots AS (
    SELECT h.id AS handover_id, h.date, h.to_party_id, n,
        CASE WHEN random() < %(partial)s THEN 'partial' ELSE 'complete' END AS condition,
        random() AS u_ident, random() AS u_share, random() AS u_days, random() AS u_method
    FROM repatriation_handover AS h CROSS JOIN generate_series(1, %(per)s) AS n
    WHERE h.conflict_id = %(conflict)s
    ORDER BY h.date, h.id, n
), wanted AS (
    SELECT s.*,
        CASE WHEN u_ident < o.confirmed THEN 'confirmed'
             WHEN u_ident < o.confirmed + o.presumptive THEN 'presumptive' END AS wanted,
        u_ident < o.confirmed AND condition = 'partial' AND u_share < %(shared)s AS shares
    FROM slots AS s JOIN odds AS o USING (to_party_id)
), ranked AS (
    SELECT w.*,
        count(*) FILTER (WHERE NOT shares) OVER (
            PARTITION BY to_party_id, wanted ORDER BY date, handover_id, n) AS slot
    FROM wanted AS w
), used AS (
    SELECT split_part(case_number, '/', 1) AS day,
        max(split_part(case_number, '/', 2)::bigint) AS seq
    FROM repatriation_remains WHERE case_number ~ '^\d{4}-\d{2}-\d{2}/\d{1,12}$'
    GROUP BY 1
), numbered AS (
    SELECT r.*, p.id AS person_id,
        coalesce(u.seq, 0)
            + row_number() OVER (PARTITION BY r.date ORDER BY r.handover_id, r.n) AS seq
    FROM ranked AS r
    LEFT JOIN pool AS p
        ON p.party_id = r.to_party_id AND p.wanted = r.wanted AND p.slot = r.slot
            AND p.status_date <= r.date
    LEFT JOIN used AS u ON u.day = to_char(r.date, 'YYYY-MM-DD')
)
INSERT INTO repatriation_remains (
    created_at, updated_at, handover_id, case_number, condition, identification, person_id,
    method, identified_on, dna_sample_ref, notes)
SELECT now(), now(), handover_id,
    to_char(date, 'YYYY-MM-DD') || '/' || lpad(seq::text, greatest(3, length(seq::text)), '0'),
    condition,
    CASE WHEN person_id IS NULL THEN 'unidentified' ELSE wanted END,
    person_id,
    CASE WHEN person_id IS NULL THEN ''
         WHEN wanted = 'presumptive' THEN (ARRAY['visual', 'documents'])[1 + (u_method < 0.5)::int]
         ELSE (ARRAY['dna', 'dna', 'dna', 'dental', 'fingerprints'])[1 + floor(u_method * 5)::int]
    END,
    CASE WHEN person_id IS NOT NULL AND wanted = 'confirmed'
         THEN least(current_date, date + floor(u_days * 60)::int) END,
    CASE WHEN person_id IS NOT NULL AND wanted = 'confirmed'
         THEN 'SYN-DNA-R' || handover_id || '-' || n ELSE '' END,
    %(note)s
FROM numbered
ORDER BY handover_id, n
"""

# Issue dates spread evenly from the start of the conflict to ``last_issue``; each describes the
# day before. Nine in ten come from the parties' own sources, the rest from the observer.
STATEMENTS = """
INSERT INTO casualties_statement (
    created_at, updated_at, conflict_id, source_id, issued_on, as_of, citation_title,
    citation_url, note)
SELECT now(), now(), %(conflict)s, d.source_id, d.issued_on,
    greatest(%(start)s::date, d.issued_on - 1),
    'Synthetic statement ' || d.j || ': benchmark data, not a real announcement', '', %(note)s
FROM (
    SELECT j,
        CASE WHEN mod(j, 10) = 5 THEN %(observer)s
             WHEN mod(j, 3) = 0 THEN %(source_b)s ELSE %(source_a)s END AS source_id,
        %(start)s::date + floor((j - 1) * %(issue_days)s::numeric / greatest(%(count)s - 1, 1))::int
            AS issued_on
    FROM generate_series(1, %(count)s) AS j
) AS d
ORDER BY d.j
"""

# A party's source reports on its own party, the observer on both (killed or missing only, as an
# approximation). Values grow with ``as_of`` towards a little above the person registry (and, for
# killed or missing, above the remains that party receives), so no source ever lowers a figure;
# remains returned are the announced counts of the verified handovers to that party so far, which
# is what a ministry would sum.
FIGURES = """
WITH registry AS (
    SELECT party.id AS party_id,
        count(p.id) FILTER (WHERE p.status IN ('killed', 'missing')) AS killed_or_missing,
        count(p.id) FILTER (WHERE p.status = 'injured') AS injured,
        count(p.id) FILTER (WHERE p.status IN ('captured', 'released')) AS captured,
        (SELECT count(*) FROM repatriation_remains AS r
         JOIN repatriation_handover AS h ON h.id = r.handover_id
         WHERE h.conflict_id = %(conflict)s AND h.to_party_id = party.id) AS received
    FROM unnest(ARRAY[%(party_a)s, %(party_b)s]::bigint[]) AS party(id)
    LEFT JOIN casualties_person AS p ON p.party_id = party.id AND p.conflict_id = %(conflict)s
    GROUP BY party.id
), claims AS (
    SELECT s.id AS statement_id, s.as_of, r.party_id, c.category, src.party_id IS NULL AS observer,
        5 + CASE c.category
            WHEN 'killed_or_missing' THEN greatest(r.killed_or_missing * 1.15, r.received * 1.2)
            WHEN 'injured' THEN r.injured * 1.15 ELSE r.captured * 1.15 END AS target,
        least(1.0, 0.3 + 0.7 * (s.as_of - %(start)s::date) / greatest(%(days)s, 1)) AS progress
    FROM casualties_statement AS s
    JOIN casualties_source AS src ON src.id = s.source_id
    JOIN registry AS r ON r.party_id = src.party_id OR src.party_id IS NULL
    CROSS JOIN unnest(ARRAY['killed_or_missing', 'injured', 'captured', 'remains_returned'])
        AS c(category)
    WHERE s.conflict_id = %(conflict)s
        AND (src.party_id IS NOT NULL OR c.category = 'killed_or_missing')
), valued AS (
    SELECT c.*, CASE
        WHEN c.category = 'remains_returned' THEN (
            SELECT coalesce(sum(h.reported_count), 0) FROM repatriation_handover AS h
            WHERE h.conflict_id = %(conflict)s AND h.to_party_id = c.party_id
                AND h.state = 'verified' AND h.date <= c.as_of)
        ELSE ceil(c.target * c.progress * (CASE WHEN c.observer THEN 1.1 ELSE 1 END))::int
        END AS value
    FROM claims AS c
)
INSERT INTO casualties_figure (
    created_at, updated_at, statement_id, subject_party_id, category, value, civilians, qualifier)
SELECT now(), now(), statement_id, party_id, category, value,
    CASE category WHEN 'killed_or_missing' THEN floor(value * 0.03)::int
                  WHEN 'injured' THEN floor(value * 0.05)::int END,
    CASE WHEN observer THEN 'approximately' ELSE 'exact' END
FROM valued
ORDER BY statement_id, party_id, category
"""

# Children before parents: every foreign key between these tables is PROTECT or CASCADE, and
# deleting explicitly keeps each delete (and its audit event) visible.
DELETE_CONFLICT_DATA = (
    """DELETE FROM repatriation_remains AS r USING repatriation_handover AS h
       WHERE r.handover_id = h.id AND h.conflict_id = %(conflict)s""",
    """DELETE FROM repatriation_releasedperson
       WHERE handover_id IN (SELECT id FROM repatriation_handover WHERE conflict_id = %(conflict)s)
          OR person_id IN (SELECT id FROM casualties_person WHERE conflict_id = %(conflict)s)""",
    "DELETE FROM repatriation_handover WHERE conflict_id = %(conflict)s",
    "DELETE FROM repatriation_agreement WHERE conflict_id = %(conflict)s",
    """DELETE FROM casualties_statuschange AS sc USING casualties_person AS p
       WHERE sc.person_id = p.id AND p.conflict_id = %(conflict)s""",
    """DELETE FROM casualties_personalias AS a USING casualties_person AS p
       WHERE a.person_id = p.id AND p.conflict_id = %(conflict)s""",
    """DELETE FROM casualties_personmerge AS m USING casualties_person AS p
       WHERE m.person_id = p.id AND p.conflict_id = %(conflict)s""",
    "DELETE FROM casualties_person WHERE conflict_id = %(conflict)s",
    """DELETE FROM casualties_figure AS f USING casualties_statement AS s
       WHERE f.statement_id = s.id AND s.conflict_id = %(conflict)s""",
    "DELETE FROM casualties_statement WHERE conflict_id = %(conflict)s",
)
