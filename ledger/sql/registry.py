"""Person aggregates beyond the status counts: by home region and basis, and what became of
captives."""

from casualties.choices import PersonStatus, StatusBasis
from ledger.sql.common import PERSON, STATUS_CHANGE, dated, in_scope, literal, literals
from ledger.sql.persons import PERSON_STATUS

CAPTURED = literal(PersonStatus.CAPTURED)
CAPTIVITY_ENDS = literals([PersonStatus.RELEASED, PersonStatus.KILLED])


# Each person's status with the basis of the change that gave it. Now: the person's newest
# change (the status is kept in step with it), one backward step of the (person, effective_date,
# recorded_at) index per person (a tie-break on id, or a filter on the status, would make each
# step a sort). A person without a basis counts as "other".
BASIS_NOW = f"""
    SELECT p.id AS person_id, p.conflict_id, p.party_id, p.home_region AS region, p.status,
           coalesce(b.basis, {literal(StatusBasis.OTHER)}) AS basis
    FROM {PERSON} p LEFT JOIN LATERAL (
        SELECT sc.basis FROM {STATUS_CHANGE} sc
        WHERE sc.person_id = p.id
        ORDER BY sc.effective_date DESC, sc.recorded_at DESC LIMIT 1
    ) b ON true
    WHERE {in_scope("p.conflict_id", "p.party_id")}
"""
# As of a day: the last change dated on or before it, ordered as the registry orders them.
BASIS_AS_OF = f"""
    SELECT DISTINCT ON (sc.person_id) sc.person_id, p.conflict_id, p.party_id,
           p.home_region AS region, sc.status, sc.basis
    FROM {STATUS_CHANGE} sc JOIN {PERSON} p ON p.id = sc.person_id
    WHERE {in_scope("p.conflict_id", "p.party_id")} AND {dated("sc.effective_date")}
    ORDER BY sc.person_id, sc.effective_date DESC, sc.recorded_at DESC, sc.id DESC
"""
PERSON_BASIS = {False: BASIS_NOW, True: BASIS_AS_OF}


def by_region(*, as_of_given: bool) -> str:
    """Persons by home region (blank: ''), status and basis: one query serves both the
    registry by region and by basis, each summing over the other."""
    return f"""
    SELECT ps.conflict_id, ps.party_id, ps.region, ps.status, ps.basis, count(*) AS n
    FROM ({PERSON_BASIS[as_of_given]}) ps
    GROUP BY ps.conflict_id, ps.party_id, ps.region, ps.status, ps.basis
    ORDER BY ps.region, ps.status, ps.basis
"""


def captives(*, as_of_given: bool) -> str:
    """Of the persons ever captured (by the status history): their status now (or as of the
    day), and the median days held: from the first capture to the first release or death after
    it, or to the day asked about (today) for those still held."""
    return f"""
    WITH captured AS (
        SELECT sc.person_id, min(sc.effective_date) AS captured_on
        FROM {STATUS_CHANGE} sc JOIN {PERSON} p ON p.id = sc.person_id
        WHERE {in_scope("p.conflict_id", "p.party_id")} AND sc.status = {CAPTURED}
            AND {dated("sc.effective_date")}
        GROUP BY sc.person_id
    ),
    held AS (
        SELECT ps.conflict_id, ps.party_id, ps.status,
               coalesce((SELECT min(sc.effective_date) FROM {STATUS_CHANGE} sc
                         WHERE sc.person_id = c.person_id AND sc.status IN ({CAPTIVITY_ENDS})
                             AND sc.effective_date >= c.captured_on
                             AND {dated("sc.effective_date")}),
                        coalesce(%(as_of)s::date, current_date)) - c.captured_on AS days
        FROM captured c JOIN ({PERSON_STATUS[as_of_given]}) ps ON ps.person_id = c.person_id
    )
    SELECT conflict_id, party_id, count(*) AS ever_captured,
           count(*) FILTER (WHERE status = {literal(PersonStatus.RELEASED)}) AS released,
           count(*) FILTER (WHERE status = {literal(PersonStatus.KILLED)}) AS killed,
           count(*) FILTER (WHERE status = {CAPTURED}) AS still_held,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median_days_held
    FROM held GROUP BY conflict_id, party_id
"""
