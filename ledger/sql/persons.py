"""The persons registry: each person's status (now, or as of a day), and the confirmed remains
checked against it."""

from casualties.choices import ALIVE_STATUSES
from ledger.sql.common import PERSON, REMAINS, STATUS_CHANGE, dated, in_scope, literals
from ledger.sql.handovers import COMPLETE, CONFIRMED, HANDOVERS_IN_SCOPE, VERIFIED

# Each person's status: the current one, or the last change dated on or before as_of.
PERSON_STATUS_NOW = f"""
    SELECT id AS person_id, conflict_id, party_id, status
    FROM {PERSON} p
    WHERE {in_scope("p.conflict_id", "p.party_id")}
"""
PERSON_STATUS_AS_OF = f"""
    SELECT DISTINCT ON (sc.person_id) sc.person_id, p.conflict_id, p.party_id, sc.status
    FROM {STATUS_CHANGE} sc JOIN {PERSON} p ON p.id = sc.person_id
    WHERE {in_scope("p.conflict_id", "p.party_id")} AND {dated("sc.effective_date")}
    ORDER BY sc.person_id, sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
"""
PERSON_STATUS = {False: PERSON_STATUS_NOW, True: PERSON_STATUS_AS_OF}


def status_counts(*, as_of_given: bool) -> str:
    return f"""
    SELECT conflict_id, party_id, status, count(*) AS n
    FROM ({PERSON_STATUS[as_of_given]}) ps
    GROUP BY conflict_id, party_id, status
"""


# A confirmed person's status: the current one (joined by hash), or the newest change on or
# before as_of, looked up per person through the (person, effective_date, recorded_at) index
# rather than by ranking every change in the registry.
STATUS_NOW = f"JOIN {PERSON} s ON s.id = c.person"
STATUS_AS_OF = f"""CROSS JOIN LATERAL (
    SELECT sc.status FROM {STATUS_CHANGE} sc
    WHERE sc.person_id = c.person AND {dated("sc.effective_date")}
    ORDER BY sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
    LIMIT 1
) s"""
STATUS_OF_CONFIRMED = {False: STATUS_NOW, True: STATUS_AS_OF}


def confirmed_remains(*, as_of_given: bool) -> str:
    """One pass over the confirmed remains only: who among the persons they identify is
    recorded as alive, and who has two whole bodies. (How many persons they identify is a
    tally: ``ledger.sql.handovers.IDENTIFIED``.)"""
    return f"""
    WITH c AS MATERIALIZED (
        SELECT h.conflict_id, h.party_id, h.id AS handover, r.id AS remains, r.case_number,
               r.person_id AS person, r.condition
        FROM ({HANDOVERS_IN_SCOPE}) h
        JOIN {REMAINS} r ON r.handover_id = h.id
        WHERE h.state = {VERIFIED} AND {CONFIRMED}
    ),
    alive AS (
        SELECT c.*, s.status FROM c {STATUS_OF_CONFIRMED[as_of_given]}
        WHERE s.status IN ({literals(ALIVE_STATUSES)})
    ),
    twice AS (
        SELECT person FROM c WHERE condition = {COMPLETE}
        GROUP BY person HAVING count(*) > 1
    ),
    duplicates AS (
        SELECT conflict_id, party_id, person, count(*) AS complete_remains,
               array_agg(case_number ORDER BY case_number) AS case_numbers
        FROM c WHERE condition = {COMPLETE} AND person IN (SELECT person FROM twice)
        GROUP BY conflict_id, party_id, person
    )
    SELECT k.conflict_id, k.party_id,
           coalesce((SELECT json_agg(alive ORDER BY person, remains) FROM alive
                     WHERE (alive.conflict_id, alive.party_id) = (k.conflict_id, k.party_id)),
                    '[]') AS alive,
           coalesce((SELECT json_agg(duplicates ORDER BY person) FROM duplicates
                     WHERE (duplicates.conflict_id, duplicates.party_id)
                         = (k.conflict_id, k.party_id)),
                    '[]') AS duplicates
    FROM (SELECT DISTINCT conflict_id, party_id FROM c) k
"""
