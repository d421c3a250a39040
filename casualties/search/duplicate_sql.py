"""The SQL of ``duplicates``: blocks, then similarity inside them (see that module).

``scope`` reads each record once: its block keys, and its given name, surname and patronymic
from the first words of its search key (as many as ``full_name`` has words, so a Latin name
appended to the key is not read as a patronymic), the surname being the word with a surname's
ending (``name_parts``), else the second. Each block is an equi-join PostgreSQL hashes, so the
cost grows with the pairs inside blocks, not with the square of the records. A name, family or
date block of more than ``MAX_BLOCK`` records (a placeholder name or date repeated by a list, a
common given name with a common surname) pairs nobody: its pairs would say nothing, and the
other blocks still pair its records. A block's size is counted on the keys its join uses.
Inside a birth-date block a pair must share its given name or its surname. The duplicates read
the four duplicate blocks and the possible relatives only theirs: the other side's pairs would
be computed (their similarity too) only to be thrown away.
"""

MAX_BLOCK = 300
# A given name with a surname is shared by many people on a national list (the commonest pairs
# by hundreds): such a block is weak evidence and its pairs grow with the square of its size,
# so a smaller one is compared and a larger one pairs nobody (its records still meet through
# their birth date or service number). Possible relatives (surname and patronymic) are blocked
# by birth band as well, which keeps their blocks small without a lower cap.
MAX_NAME_BLOCK = 50
# Inside a birth-date block, only records that share their given name or their surname are
# compared: a national list has a few dozen persons born on each day, and comparing every two
# of them is most of the work while a misspelling of both names at once is rare (such a pair is
# still found through its service number).
SHARES_A_NAME = "(b.given = a.given OR b.surname = a.surname)"

CANDIDATES_SQL = f"""
WITH words AS (
    SELECT p.id, p.conflict_id AS c, p.party_id AS g, p.search_key AS k,
           p.date_of_birth AS dob, nullif(upper(btrim(p.service_number)), '') AS sn,
           w[1] AS w1,
           CASE WHEN n >= 2 THEN w[2] ELSE '' END AS w2,
           CASE WHEN n >= 3 THEN w[3] ELSE '' END AS w3
    FROM casualties_person p,
         LATERAL (SELECT string_to_array(p.search_key, ' ') AS w,
                         cardinality(regexp_split_to_array(btrim(p.full_name), '\\s+')) AS n) s
    WHERE (%(conflict)s::bigint IS NULL OR p.conflict_id = %(conflict)s::bigint)
      AND (%(party)s::bigint IS NULL OR p.party_id = %(party)s::bigint)
),
parts AS (
    SELECT *, CASE WHEN w2 ~ %(surname)s THEN 2 WHEN w3 ~ %(surname)s THEN 3
                   WHEN w1 ~ %(surname)s THEN 1 ELSE 2 END AS s
    FROM words
),
named AS (
    SELECT id, c, g, k, dob, sn,
           CASE WHEN s = 1 THEN w2 ELSE w1 END AS given,
           CASE s WHEN 1 THEN w1 WHEN 2 THEN w2 ELSE w3 END AS surname,
           CASE s WHEN 3 THEN w2 ELSE w3 END AS patronymic,
           CASE WHEN extract(day FROM dob) <= 12
                 AND extract(day FROM dob) <> extract(month FROM dob)
                THEN make_date(extract(year FROM dob)::int, extract(day FROM dob)::int,
                               extract(month FROM dob)::int) END AS swapped,
           -- Births within RELATIVE_DAYS of each other fall in one band or in two adjacent.
           (dob - DATE '1900-01-01') / %(relative_days)s AS band
    FROM parts
),
scope AS MATERIALIZED (
    -- Each block's size, counted on the very keys its join pairs records on.
    SELECT *,
           count(*) OVER (PARTITION BY c, g, dob) AS dob_block,
           count(*) OVER (PARTITION BY c, g, given, surname) AS name_block,
           count(*) OVER (PARTITION BY c, g, surname, patronymic, band) AS family_block
    FROM named
),
blocked AS (
    SELECT a.id AS a_id, b.id AS b_id, 'dob' AS reason FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.dob = a.dob AND b.id > a.id
    WHERE NOT %(relatives)s AND a.dob_block <= {MAX_BLOCK} AND {SHARES_A_NAME}
    UNION ALL
    SELECT least(a.id, b.id), greatest(a.id, b.id), 'dob_swapped' FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.dob = a.swapped
    WHERE NOT %(relatives)s AND a.id < b.id AND a.dob_block <= {MAX_BLOCK}
      AND b.dob_block <= {MAX_BLOCK} AND {SHARES_A_NAME}
    UNION ALL
    SELECT a.id, b.id, 'service_number' FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.sn = a.sn AND b.id > a.id
    WHERE NOT %(relatives)s
    UNION ALL
    SELECT a.id, b.id, 'name' FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.given = a.given AND b.surname = a.surname
     AND b.id > a.id
    WHERE NOT %(relatives)s AND a.surname <> '' AND a.name_block <= {MAX_NAME_BLOCK}
    UNION ALL
    SELECT a.id, b.id, 'relatives' FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.surname = a.surname AND b.patronymic = a.patronymic
     AND b.band = a.band AND b.id > a.id
    WHERE %(relatives)s AND a.patronymic <> '' AND a.family_block <= {MAX_BLOCK}
      AND b.given <> a.given AND abs(b.dob - a.dob) <= %(relative_days)s
    UNION ALL
    SELECT least(a.id, b.id), greatest(a.id, b.id), 'relatives' FROM scope a JOIN scope b
      ON b.c = a.c AND b.g = a.g AND b.surname = a.surname AND b.patronymic = a.patronymic
     AND b.band = a.band + 1
    WHERE %(relatives)s AND a.patronymic <> '' AND a.family_block <= {MAX_BLOCK}
      AND b.family_block <= {MAX_BLOCK}
      AND b.given <> a.given AND abs(b.dob - a.dob) <= %(relative_days)s
),
grouped AS (
    SELECT a_id, b_id, array_agg(DISTINCT reason ORDER BY reason) AS reasons
    FROM blocked GROUP BY a_id, b_id
),
pairs AS (
    SELECT x.a_id, x.b_id, x.reasons,
           similarity(a.k, b.k) AS similarity,
           CASE WHEN a.dob IS NULL OR b.dob IS NULL THEN NULL
                ELSE a.dob = b.dob OR coalesce(a.swapped = b.dob, false) END AS dob_agrees,
           CASE WHEN a.sn IS NULL OR b.sn IS NULL THEN NULL ELSE a.sn = b.sn END AS sn_agrees,
           (a.surname = b.surname AND a.patronymic = b.patronymic AND a.patronymic <> ''
            AND a.given <> b.given) AS siblings,
           coalesce(abs(b.dob - a.dob) <= %(relative_days)s, false) AS born_close
    FROM grouped x JOIN scope a ON a.id = x.a_id JOIN scope b ON b.id = x.b_id
    WHERE %(name)s = '' OR a.k LIKE %(name_like)s OR b.k LIKE %(name_like)s
),
kept AS (
    SELECT *, similarity + CASE WHEN dob_agrees THEN %(dob_bonus)s ELSE 0 END
                         + CASE WHEN sn_agrees THEN %(sn_bonus)s ELSE 0 END AS score
    FROM pairs
    WHERE CASE WHEN %(relatives)s THEN siblings AND born_close
               ELSE NOT siblings AND dob_agrees IS NOT FALSE AND sn_agrees IS NOT FALSE
                    AND (sn_agrees OR similarity >= %(threshold)s) END
)
SELECT a_id, b_id, similarity, dob_agrees, sn_agrees, score, reasons, count(*) OVER () AS total
FROM kept
ORDER BY score DESC, a_id, b_id
LIMIT %(limit)s OFFSET %(offset)s
"""
