"""Person aggregates beyond the status counts: by home region, and what became of captives."""

from casualties.choices import PersonStatus
from ledger.sql.common import PERSON, STATUS_CHANGE, dated, in_scope, literal, literals
from ledger.sql.persons import PERSON_STATUS

CAPTURED = literal(PersonStatus.CAPTURED)
CAPTIVITY_ENDS = literals([PersonStatus.RELEASED, PersonStatus.KILLED])


def by_region(*, as_of_given: bool) -> str:
    """Persons by home region (blank: '') and status."""
    return f"""
    SELECT ps.conflict_id, ps.party_id, p.home_region AS region, ps.status, count(*) AS n
    FROM ({PERSON_STATUS[as_of_given]}) ps JOIN {PERSON} p ON p.id = ps.person_id
    GROUP BY ps.conflict_id, ps.party_id, p.home_region, ps.status
    ORDER BY p.home_region, ps.status
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
