"""Candidates for unidentified remains (DESIGN §9): the persons of the receiving party not yet
returned whom the remains' post-mortem record cannot exclude, ranked. Set-based: one query
for the remains' record, one for all its candidates.

Excluded (each only where both records give the trait):
- sex: the remains' apparent sex differs from the person's;
- age: the person's age at loss (last seen, else the status date, minus the birth year) lies
  more than ``AGE_SLACK`` years outside the remains' age range;
- stature: the two stature ranges do not overlap;
- time: the person was last seen after the remains were recovered (the handover's date).

Only persons with an AM record are compared (without one there is nothing to compare; the
list of missing persons without enough references is where their families are followed up).

Score, highest first:
  3  the sexes agree (both determined)
  2  the age at loss lies inside the range, without the slack
  2  the stature ranges overlap
  1  the AM region appears in the recovery site or the handover's location
  0–1 closeness in time: 1 when last seen on the day of recovery, falling linearly to 0 at
     ``TIME_HORIZON_DAYS`` (a body found soon after is likelier to be the one last seen nearby)
Ties go to the person last seen latest, then the lower id, so the order is stable.
"""

from django.db import connection

from casualties.choices import PersonStatus
from casualties.models import Person
from identification.choices import Sex
from identification.models import AnteMortem, PostMortem
from repatriation.choices import Identification
from repatriation.models import Handover, Remains

AGE_SLACK = 5
TIME_HORIZON_DAYS = 3650
LIMIT = 50
# Persons whose remains may be among the unreturned: missing, captured, or killed and not back.
UNRETURNED = (PersonStatus.MISSING, PersonStatus.CAPTURED, PersonStatus.KILLED)

# The remains, its recovery and its post-mortem record (one row).
REMAINS_SQL = """
SELECT h.date, h.to_party_id, h.conflict_id, COALESCE(pm.sex, %(undetermined)s),
       pm.age_min, pm.age_max, pm.stature_min, pm.stature_max,
       COALESCE(pm.recovery_site, '') || ' ' || COALESCE(h.location, '')
FROM {remains} r JOIN {handover} h ON h.id = r.handover_id
LEFT JOIN {postmortem} pm ON pm.remains_id = r.id
WHERE r.id = %(remains)s
"""
# The AM records of a possible sex and age at loss come from the expression index
# ``antemortem_sex_age_at_loss`` (its expression is spelled here exactly as the index has it);
# a record with no age to compare there is read too, and checked below on the person's dates.
SQL = """
WITH am AS (
    SELECT am.* FROM {antemortem} am
    WHERE am.sex = ANY(%(sexes)s)
      AND ((EXTRACT(YEAR FROM am.last_seen_on) - am.birth_year) IS NULL
           OR (EXTRACT(YEAR FROM am.last_seen_on) - am.birth_year)
              BETWEEN %(age_low)s::int AND %(age_high)s::int)
), person AS (
    SELECT p.id, p.full_name, am.sex, am.stature_min, am.stature_max, am.region,
           am.last_seen_on,
           EXTRACT(YEAR FROM COALESCE(am.last_seen_on, p.status_date))::int
             - COALESCE(am.birth_year, EXTRACT(YEAR FROM p.date_of_birth)::int) AS age
    FROM am CROSS JOIN LATERAL (
        -- By primary key for each AM record read: a few thousand look-ups, where a hash join
        -- would read every person of the conflict. OFFSET 0 keeps the planner from merging
        -- this into a join it may choose to hash.
        SELECT p.id, p.full_name, p.status_date, p.date_of_birth FROM {person} p
        WHERE p.id = am.person_id AND p.party_id = %(party)s AND p.conflict_id = %(conflict)s
          AND p.status = ANY(%(unreturned)s)
        OFFSET 0
    ) p
    WHERE NOT EXISTS (SELECT 1 FROM {remains} back WHERE back.person_id = p.id
                      AND back.identification = %(confirmed)s)
)
SELECT id, full_name, sex, age, stature_min, stature_max, region, last_seen_on,
       (CASE WHEN sex = %(sex)s::text AND %(sex)s::text <> %(undetermined)s THEN 3 ELSE 0 END
        + CASE WHEN age BETWEEN %(age_min)s::int AND %(age_max)s::int THEN 2 ELSE 0 END
        + CASE WHEN stature_min <= %(stature_max)s::int AND stature_max >= %(stature_min)s::int
               THEN 2 ELSE 0 END
        + CASE WHEN region <> '' AND strpos(lower(%(place)s::text), lower(region)) > 0
               THEN 1 ELSE 0 END
        + COALESCE(GREATEST(0, 1 - (%(recovered_on)s::date - last_seen_on)::float
                                   / %(horizon)s), 0)
       )::float AS score
FROM person
WHERE NOT COALESCE(age < %(age_min)s::int - %(slack)s::int, false)
  AND NOT COALESCE(age > %(age_max)s::int + %(slack)s::int, false)
  AND NOT COALESCE(stature_max < %(stature_min)s::int OR stature_min > %(stature_max)s::int, false)
  AND NOT COALESCE(last_seen_on > %(recovered_on)s::date, false)
ORDER BY score DESC, last_seen_on DESC NULLS LAST, id
LIMIT %(limit)s
"""
COLUMNS = (
    "person_id",
    "full_name",
    "sex",
    "age_at_loss",
    "stature_min",
    "stature_max",
    "region",
    "last_seen_on",
    "score",
)


def _sql(sql: str) -> str:
    return sql.format(
        remains=Remains._meta.db_table,
        handover=Handover._meta.db_table,
        postmortem=PostMortem._meta.db_table,
        antemortem=AnteMortem._meta.db_table,
        person=Person._meta.db_table,
    )


def _remains_params(cursor, remains_id: int) -> dict | None:
    cursor.execute(_sql(REMAINS_SQL), {"remains": remains_id, "undetermined": Sex.UNDETERMINED})
    row = cursor.fetchone()
    if row is None:
        return None
    names = ("recovered_on", "party", "conflict", "sex", "age_min", "age_max")
    params = dict(zip(names + ("stature_min", "stature_max", "place"), row, strict=True))
    determined = params["sex"] != Sex.UNDETERMINED
    params["sexes"] = [params["sex"], Sex.UNDETERMINED] if determined else list(Sex.values)
    # Bounds for the index: the range with its slack, or every age where the range is open.
    low, high = params["age_min"], params["age_max"]
    params["age_low"] = -1000 if low is None else low - AGE_SLACK
    params["age_high"] = 1000 if high is None else high + AGE_SLACK
    return params


def candidates(*, remains_id: int, limit: int = LIMIT) -> list[dict]:
    """The ranked candidates for one remains, best first (at most ``limit``): two queries,
    the remains' record, then every candidate at once."""
    with connection.cursor() as cursor:
        params = _remains_params(cursor, remains_id)
        if params is None:
            return []
        params |= {
            "undetermined": Sex.UNDETERMINED,
            "unreturned": list(UNRETURNED),
            "confirmed": Identification.CONFIRMED,
            "horizon": TIME_HORIZON_DAYS,
            "slack": AGE_SLACK,
            "limit": limit,
        }
        cursor.execute(_sql(SQL), params)
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
