"""The ledger's agreements block: each agreement the party is a side of, with what was agreed
to reach that side, what reached it and what is still due.

The counts are those of the staff agreement pages (``agreements_with_progress``), so
"received in verified tranches" has one definition; one query reads them all (after a
plain look for any).
"""

from ledger.scope import LedgerScope
from repatriation.models import Agreement
from repatriation.selectors import agreements_in_scope, agreements_with_progress


def agreement_progress(scope: LedgerScope) -> list[dict]:
    in_scope = {"conflict": scope.conflict, "party": scope.party, "as_of": scope.as_of}
    # Most ledgers have none: a plain look first spares them the progress query, whose
    # planning alone costs more.
    if not agreements_in_scope(**in_scope).exists():
        return []
    agreements = agreements_with_progress(**in_scope).order_by("concluded_on", "id")
    return [row for agreement in agreements for row in _sides(agreement, scope)]


def _sides(agreement: Agreement, scope: LedgerScope) -> list[dict]:
    """One row for each side in scope: the ledger's party, or both sides for every ledger."""
    sides = (
        (agreement.party_a_id, agreement.count_to_a, agreement.received_to_a, agreement.due_to_a),
        (agreement.party_b_id, agreement.count_to_b, agreement.received_to_b, agreement.due_to_b),
    )
    return [
        {
            "agreement": agreement.pk,
            "name": agreement.name,
            "kind": agreement.kind,
            "concluded_on": agreement.concluded_on,
            "agreed": agreed,
            "received": received,
            "due": due,
        }
        for party_id, agreed, received, due in sides
        if scope.party is None or party_id == scope.party.pk
    ]
