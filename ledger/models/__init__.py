"""The ledger app's models: releases, and the tallies and checks the ledger reads instead of
every remains, person and status change (one module per kind, all importable from here)."""

from ledger.models.checks import ConfirmedCheck, ConfirmedCheckKind
from ledger.models.figure_points import FigurePoint
from ledger.models.handover_days import HandoverDay, HandoverMismatch
from ledger.models.person_tallies import (
    CaptivityTally,
    HeldDaysTally,
    PersonCaptivity,
    PersonMonthTally,
    PersonNowTally,
    PersonSpell,
    PersonTally,
)
from ledger.models.pipeline_tallies import (
    PipelineConfirmedTally,
    PipelineDaysTally,
    PipelineReceiptTally,
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
    "FigurePoint",
    "HandoverDay",
    "HandoverMismatch",
    "HandoverReturnTally",
    "HandoverTally",
    "HeldDaysTally",
    "IdentificationTally",
    "IdentifiedPerson",
    "PersonCaptivity",
    "PersonMonthTally",
    "PersonNowTally",
    "PersonSpell",
    "PersonTally",
    "PipelineConfirmedTally",
    "PipelineDaysTally",
    "PipelineReceiptTally",
    "Release",
    "ReturnedTally",
]
