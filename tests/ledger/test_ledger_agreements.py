"""The ledger's agreements block reads the agreement pages' counts, narrowed to the ledger's
conflict, party and day; and the scope the ledger's queries take."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from ledger.agreements import agreement_progress
from ledger.computation import ledger_for
from ledger.scope import LedgerScope
from ledger.sql.common import literal, literals
from repatriation.choices import HandoverKind, HandoverState
from repatriation.selectors import agreements_with_progress
from tests.factories import (
    AgreementFactory,
    ConflictFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
CONCLUDED = D(2022, 9, 15)
HANDED_OVER = D(2022, 9, 20)


@pytest.fixture
def war():
    return {"conflict": ConflictFactory(), "arm": PartyFactory(code="ARM"), "aze": PartyFactory()}


def deal(war, *, kind=HandoverKind.REMAINS, to_arm=10, to_aze=4, **kw):
    """An agreement between AZE (side A) and ARM (side B)."""
    return AgreementFactory(
        conflict=war["conflict"],
        party_a=war["aze"],
        party_b=war["arm"],
        kind=kind,
        count_to_a=to_aze,
        count_to_b=to_arm,
        concluded_on=CONCLUDED,
        **kw,
    )


def tranche(war, agreement, n, *, date=HANDED_OVER, verified=True, to="arm"):
    giver = "aze" if to == "arm" else "arm"
    review = {"verified_by": UserFactory(), "verified_at": timezone.now()}
    handover = HandoverFactory(
        conflict=war["conflict"],
        agreement=agreement,
        kind=agreement.kind,
        from_party=war[giver],
        to_party=war[to],
        date=date,
        reported_count=n,
        state=HandoverState.VERIFIED if verified else HandoverState.DRAFT,
        **(review if verified else {}),
    )
    if agreement.kind == HandoverKind.REMAINS:
        RemainsFactory.create_batch(n, handover=handover)
    else:
        persons = PersonFactory.create_batch(n, conflict=war["conflict"], party=war[to])
        handover.released_persons.add(*persons)
    return handover


def agreements(war, as_of=None):
    return ledger_for(conflict=war["conflict"], party=war["arm"], as_of=as_of)["agreements"]


def test_the_row_is_the_ledger_partys_side_of_the_agreement(war):
    agreement = deal(war, name="Exchange", to_arm=10, to_aze=4)
    tranche(war, agreement, 3)
    tranche(war, agreement, 2, verified=False)
    tranche(war, agreement, 1, to="aze")

    assert agreements(war) == [
        {
            "agreement": agreement.pk,
            "name": "Exchange",
            "kind": "remains",
            "concluded_on": CONCLUDED,
            "agreed": 10,
            "received": 3,
            "due": 7,
        }
    ]


def test_the_ledger_counts_what_the_agreement_pages_count(war):
    agreement = deal(war)
    tranche(war, agreement, 3)
    tranche(war, agreement, 2, verified=False)
    on_the_page = agreements_with_progress().get(pk=agreement.pk)

    [row] = agreements(war)

    assert (row["received"], row["due"]) == (on_the_page.received_to_b, on_the_page.due_to_b)


def test_as_of_counts_only_tranches_dated_by_then(war):
    agreement = deal(war, to_arm=10)
    tranche(war, agreement, 3, date=D(2022, 9, 20))
    tranche(war, agreement, 2, date=D(2022, 9, 25))

    [then] = agreements(war, as_of=D(2022, 9, 22))
    [now] = agreements(war)

    assert (then["received"], then["due"]) == (3, 7)
    assert (now["received"], now["due"]) == (5, 5)


def test_an_agreement_concluded_after_as_of_is_not_yet_in_the_ledger(war):
    deal(war)

    assert agreements(war, as_of=CONCLUDED - datetime.timedelta(days=1)) == []
    assert len(agreements(war, as_of=CONCLUDED)) == 1


def test_agreements_of_another_conflict_or_other_parties_are_left_out(war):
    AgreementFactory(party_a=war["aze"], party_b=war["arm"])
    AgreementFactory(conflict=war["conflict"], party_a=war["aze"], party_b=PartyFactory())

    assert agreements(war) == []


def test_a_prisoner_exchange_counts_the_persons_released(war):
    agreement = deal(war, kind=HandoverKind.PRISONERS, to_arm=6)
    tranche(war, agreement, 4)

    [row] = agreements(war)

    assert (row["kind"], row["received"], row["due"]) == ("prisoners", 4, 2)


def test_received_beyond_the_agreed_count_leaves_nothing_due(war):
    agreement = deal(war, to_arm=2)
    tranche(war, agreement, 5)

    [row] = agreements(war)

    assert (row["received"], row["due"]) == (5, 0)


def test_every_ledger_in_scope_gets_one_row_per_side():
    war = {"conflict": ConflictFactory(), "arm": PartyFactory(), "aze": PartyFactory()}
    agreement = deal(war, to_arm=10, to_aze=4)
    tranche(war, agreement, 3)

    rows = agreement_progress(LedgerScope(conflict=war["conflict"]))

    assert [(row["agreed"], row["received"]) for row in rows] == [(4, 0), (10, 3)]


def test_the_scope_turns_itself_into_the_sql_parameters(war):
    scope = LedgerScope(conflict=war["conflict"], party=war["arm"], as_of=D(2022, 9, 20))

    assert scope.sql_params() == {
        "conflict": war["conflict"].pk,
        "party": war["arm"].pk,
        "as_of": D(2022, 9, 20),
        "source": None,
    }
    assert LedgerScope().sql_params() == {
        "conflict": None,
        "party": None,
        "as_of": None,
        "source": None,
    }
    assert (scope.as_of_given, LedgerScope().as_of_given) == (True, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scope.as_of = None


def test_domain_values_become_quoted_sql_literals():
    assert literal(HandoverState.VERIFIED) == "'verified'"
    assert literal("it's") == "'it''s'"
    assert literals([HandoverKind.REMAINS, HandoverKind.PRISONERS]) == "'prisoners', 'remains'"
