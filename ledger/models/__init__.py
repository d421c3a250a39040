"""The ledger app's models: releases, and the tallies and checks the ledger reads instead of
every remains, person and status change (one module per kind, all importable from here)."""

from ledger.models.checks import ConfirmedCheck, ConfirmedCheckKind
from ledger.models.person_tallies import (
    CaptivityTally,
    PersonCaptivity,
    PersonNowTally,
    PersonSpell,
    PersonTally,
)
from ledger.models.releases import Release
from ledger.models.remains_tallies import (
    HandoverReturnTally,
    HandoverTally,
    IdentificationTally,
    IdentifiedPerson,
    ReturnedTally,
)

__all__ = [
    "CaptivityTally",
    "ConfirmedCheck",
    "ConfirmedCheckKind",
    "HandoverReturnTally",
    "HandoverTally",
    "IdentificationTally",
    "IdentifiedPerson",
    "PersonCaptivity",
    "PersonNowTally",
    "PersonSpell",
    "PersonTally",
    "Release",
    "ReturnedTally",
]
