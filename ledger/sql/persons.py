"""The confirmed remains checked against the persons registry, read from the checks
(``ledger.models.ConfirmedCheck``) that triggers keep: the contradictions only, so the cost
grows with the contradictions, not with the confirmed remains."""

from casualties.choices import ALIVE_STATUSES
from ledger.models import ConfirmedCheck, ConfirmedCheckKind, IdentifiedPerson, PersonSpell
from ledger.sql.common import HANDOVER, REMAINS, dated, in_scope, literal, literals
from ledger.sql.handovers import COMPLETE, CONFIRMED, HANDOVERS_IN_SCOPE, VERIFIED
from repatriation.choices import HandoverKind, Identification

CHECKS = ConfirmedCheck._meta.db_table
_ALIVE = literal(ConfirmedCheckKind.ALIVE)
_DUPLICATE = literal(ConfirmedCheckKind.DUPLICATE)

# A check holds now when it has no end (the open spell: the person's current status, which
# the services keep equal to the newest change); as of a day when it began by then and had
# not ended. A duplicate never ends: remains that stop counting take its row away.
HOLDS = {
    False: "k.until_on IS NULL",
    True: f"{dated('k.from_on')} AND (k.until_on IS NULL OR k.until_on > %(as_of)s::date)",
}


def confirmed_remains(*, as_of_given: bool) -> str:
    """Who among the persons identified by confirmed remains is recorded as alive, and who
    has two whole bodies, with the remains that say so: the checks holding on the day give
    the persons, and only their remains are read (as the ledger listed them when it read every
    confirmed remains: counted by the day, ordered alike). (How many persons the confirmed
    remains identify is a tally: ``ledger.sql.handovers.IDENTIFIED``.)"""
    return f"""
    WITH k AS MATERIALIZED (
        SELECT k.conflict_id, k.party_id, k.person_id, k.kind, k.status FROM {CHECKS} k
        WHERE {in_scope("k.conflict_id", "k.party_id")} AND {HOLDS[as_of_given]}
    ),
    c AS (
        SELECT k.conflict_id, k.party_id, h.id AS handover, r.id AS remains, r.case_number,
               r.person_id AS person, r.condition, k.kind, k.status
        FROM k JOIN {REMAINS} r ON r.person_id = k.person_id
        JOIN ({HANDOVERS_IN_SCOPE}) h
            ON h.id = r.handover_id AND (h.conflict_id, h.party_id) = (k.conflict_id, k.party_id)
        WHERE h.state = {VERIFIED} AND {CONFIRMED}
            AND (k.kind = {_ALIVE} OR r.condition = {COMPLETE})
    ),
    alive AS (
        SELECT conflict_id, party_id, handover, remains, case_number, person, condition, status
        FROM c WHERE kind = {_ALIVE}
    ),
    duplicates AS (
        SELECT conflict_id, party_id, person, count(*) AS complete_remains,
               array_agg(case_number ORDER BY case_number) AS case_numbers
        FROM c WHERE kind = {_DUPLICATE}
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
    FROM (SELECT DISTINCT conflict_id, party_id FROM k) k
"""


# The full recomputation ``manage.py rebuild_tallies`` runs and the tests compare the
# triggers' rows with (migration ``ledger/0007_confirmed_checks``): from the identified
# persons and the status spells, and from the remains themselves for the second complete body.
_COUNTED = (
    f"h.state = {VERIFIED} "
    f"AND h.kind IN ({literal(HandoverKind.REMAINS)}, {literal(HandoverKind.RECOVERY)})"
)
CHECK_ROWS = f"""
    SELECT i.conflict_id, i.party_id, i.person_id, {_ALIVE}, s.status,
           greatest(i.first_on, s.start_on), s.end_on
    FROM {IdentifiedPerson._meta.db_table} i
    JOIN {PersonSpell._meta.db_table} s ON s.person_id = i.person_id
    WHERE s.status IN ({literals(ALIVE_STATUSES)})
        AND (s.end_on IS NULL OR s.end_on > greatest(i.first_on, s.start_on))
    UNION ALL
    SELECT conflict_id, to_party_id, person_id, {_DUPLICATE}, '', counts_on, NULL
    FROM (
        SELECT h.conflict_id, h.to_party_id, r.person_id,
               greatest(h.date, r.identified_on) AS counts_on,
               row_number() OVER (PARTITION BY h.conflict_id, h.to_party_id, r.person_id
                                  ORDER BY greatest(h.date, r.identified_on)) AS nth
        FROM {REMAINS} r JOIN {HANDOVER} h ON h.id = r.handover_id
        WHERE r.identification = {literal(Identification.CONFIRMED)}
            AND r.condition = {COMPLETE} AND {_COUNTED}
    ) c
    WHERE nth = 2
"""
CHECK_COLUMNS = "conflict_id, party_id, person_id, kind, status, from_on, until_on"
CURRENT_CHECKS = f"SELECT {CHECK_COLUMNS} FROM {CHECKS}"
# As for the other tallies: the lock waits for every transaction that changed a check and
# holds new ones back until the rebuilt rows commit.
REBUILD = [
    f"LOCK TABLE {CHECKS} IN EXCLUSIVE MODE",
    f"DELETE FROM {CHECKS}",
    f"INSERT INTO {CHECKS} ({CHECK_COLUMNS}) {CHECK_ROWS}",
]
