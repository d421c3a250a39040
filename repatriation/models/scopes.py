"""Which ledgers a row belongs to, for the data versions (core.audit ``audited(scopes=…)``).

Each is a SELECT of (conflict_id, party_id) pairs for the trigger's row ``{row}``. A handover
belongs to every party named on it; its rows to the handover's ledgers (and a person's own).
"""

HANDOVER_ROW = """
    SELECT {row}.conflict_id,
           unnest(ARRAY[{row}.from_party_id, {row}.to_party_id, {row}.mediator_id,
                        {row}.reported_by_id])
"""
AGREEMENT_ROW = """
    SELECT {row}.conflict_id, unnest(ARRAY[{row}.party_a_id, {row}.party_b_id, {row}.mediator_id])
"""
_HANDOVERS = """
    SELECT h.conflict_id,
           unnest(ARRAY[h.from_party_id, h.to_party_id, h.mediator_id, h.reported_by_id])
    FROM repatriation_handover h WHERE h.id IN ({handovers})
"""
_PERSON = """
    UNION ALL SELECT p.conflict_id, p.party_id FROM casualties_person p WHERE p.id = {row}.person_id
"""
OF_HANDOVER = _HANDOVERS.replace("{handovers}", "{row}.handover_id")
OF_HANDOVER_AND_PERSON = OF_HANDOVER + _PERSON
# Remains returned to the sender also belong to the onward handover's ledgers.
REMAINS_ROW = (
    _HANDOVERS.replace("{handovers}", "{row}.handover_id, {row}.onward_handover_id") + _PERSON
)
