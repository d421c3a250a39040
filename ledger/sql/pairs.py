"""Every (conflict, party) that has a ledger: figures about it, handovers to it, or persons."""

from ledger.sql.common import CONFLICT, HANDOVER, PARTY, PERSON, in_scope
from ledger.sql.figure_points import POINT, in_view
from ledger.sql.handovers import RECOVERY_KIND, REMAINS_KIND

PAIRS = f"""
    SELECT pairs.conflict_id, pairs.party_id, c.slug AS conflict, c.name AS conflict_name,
           p.code AS party, p.name AS party_name
    FROM (
        SELECT conflict_id, party_id FROM {POINT} p WHERE {in_view()}
        UNION SELECT conflict_id, to_party_id FROM {HANDOVER}
            -- Recovered remains give the recovering party a ledger too (no handover to it).
            WHERE kind IN ({REMAINS_KIND}, {RECOVERY_KIND})
                AND {in_scope("conflict_id", "to_party_id")}
        UNION SELECT conflict_id, party_id FROM {PERSON}
            WHERE {in_scope("conflict_id", "party_id")}
    ) pairs
    JOIN {CONFLICT} c ON c.id = pairs.conflict_id
    JOIN {PARTY} p ON p.id = pairs.party_id
    ORDER BY c.start_date DESC, c.slug, p.code
"""
