"""The ledger of DESIGN §4: each figure and each discrepancy code, built from exact situations."""

import datetime

import pytest
from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.services import person_change_status
from ledger.computation import ledger_for, ledger_summaries
from repatriation.choices import HandoverState
from tests.factories import (
    AgreementFactory,
    ConflictFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    RemainsFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
HANDOVER_DAY = D(2022, 9, 20)
MISSING_SINCE = D(2022, 9, 14)
IDENTIFIED_ON = D(2022, 10, 1)


class World:
    """One conflict, the party whose ledger we read (ARM), the other side (AZE)."""

    def __init__(self):
        self.conflict = ConflictFactory(slug="war", start_date=D(2022, 9, 1))
        self.arm = PartyFactory(code="ARM")
        self.aze = PartyFactory(code="AZE")
        self.ministry = SourceFactory(name="ARM ministry", party=self.arm)
        self.enemy = SourceFactory(name="AZE ministry", party=self.aze)
        self.verifier = UserFactory()

    def figure(self, category, value, *, as_of, source=None, civilians=None, issued_on=None):
        statement = StatementFactory(
            conflict=self.conflict,
            source=source or self.ministry,
            as_of=as_of,
            issued_on=issued_on or as_of,
        )
        return FigureFactory(
            statement=statement,
            subject_party=self.arm,
            category=category,
            value=value,
            civilians=civilians,
        )

    def handover(self, remains=(), *, date=HANDOVER_DAY, reported=None, verified=True, **kw):
        handover = HandoverFactory(
            conflict=self.conflict,
            from_party=self.aze,
            to_party=self.arm,
            date=date,
            reported_count=len(remains) if reported is None else reported,
            **kw,
        )
        if verified:
            handover.state = HandoverState.VERIFIED
            handover.verified_by = self.verifier
            handover.verified_at = timezone.now()
            handover.save()
        for fields in remains:
            RemainsFactory(handover=handover, **fields)
        return handover

    def person(self, status="missing", status_date=MISSING_SINCE):
        return PersonFactory(
            conflict=self.conflict, party=self.arm, status=status, status_date=status_date
        )

    def ledger(self, as_of=None):
        return ledger_for(conflict=self.conflict, party=self.arm, as_of=as_of)


def complete(n=1):
    return [{"condition": "complete"}] * n


def partial(n=1):
    return [{"condition": "partial"}] * n


def confirmed(person, condition="complete", on=IDENTIFIED_ON):
    return {
        "condition": condition,
        "identification": "confirmed",
        "person": person,
        "identified_on": on,
        "method": "dna",
    }


def codes(ledger):
    return [item["code"] for item in ledger["discrepancies"]]


@pytest.fixture
def world():
    return World()


def test_the_demo_ledger_for_armenia_reads_as_the_press_reported(client):
    from django.core.management import call_command

    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from casualties.models import Conflict, Party

    conflict = Conflict.objects.get(slug="sept-2022")
    arm = ledger_for(conflict=conflict, party=Party.objects.get(code="ARM"))
    aze = ledger_for(conflict=conflict, party=Party.objects.get(code="AZE"))

    official = arm["official"]
    assert (official["killed_or_missing"]["value"], official["killed_or_missing"]["civilians"]) == (
        207,
        5,
    )
    assert (official["injured"]["value"], official["injured"]["civilians"]) == (296, 3)
    assert official["captured"]["value"] == 20
    assert official["remains_returned"]["value"] == 127
    assert official["killed_or_missing"]["source"] == "Security Council of Armenia"
    assert arm["returned"]["handovers"] == 2
    assert arm["returned"]["received"] == 127
    assert arm["outstanding"] == {
        "official_total": 207,
        "not_returned_min": 80,
        "not_returned_max": 80,
        "official_total_civilians": 5,
        "official_total_categories": ["killed_or_missing"],
    }
    assert arm["discrepancies"] == []
    assert aze["official"]["killed"]["value"] == 80
    assert aze["official"]["injured"]["value"] == 282


def test_a_clean_scenario_has_no_discrepancies(world):
    world.figure("killed_or_missing", 10, as_of=D(2022, 9, 19))
    world.figure("remains_returned", 3, as_of=D(2022, 9, 21))
    missing = world.person("missing")
    world.handover([*complete(2), confirmed(missing)], date=D(2022, 9, 20))
    world.person("killed")

    ledger = world.ledger()

    assert ledger["discrepancies"] == []
    assert ledger["returned"]["received"] == 3
    assert ledger["outstanding"]["not_returned_min"] == 7


def test_a_category_with_no_figure_is_null(world):
    world.figure("injured", 4, as_of=D(2022, 9, 19))
    ledger = world.ledger()
    assert ledger["official"]["killed"] is None
    assert ledger["official"]["injured"]["value"] == 4
    assert ledger["outstanding"]["official_total"] is None
    assert ledger["outstanding"]["not_returned_min"] is None
    assert ledger["outstanding"]["not_returned_max"] is None


def test_the_latest_self_reported_figure_wins_and_others_go_to_other_claims(world):
    world.figure("killed_or_missing", 100, as_of=D(2022, 9, 15))
    latest = world.figure("killed_or_missing", 120, as_of=D(2022, 9, 18))
    world.figure("killed_or_missing", 999, as_of=D(2022, 9, 25), source=world.enemy)

    ledger = world.ledger()

    assert ledger["official"]["killed_or_missing"]["value"] == 120
    assert ledger["official"]["killed_or_missing"]["statement"] == latest.statement_id
    assert [(c["source"], c["value"]) for c in ledger["other_claims"]] == [("AZE ministry", 999)]


def test_same_as_of_the_later_issue_wins(world):
    world.figure("injured", 5, as_of=D(2022, 9, 15), issued_on=D(2022, 9, 15))
    world.figure("injured", 6, as_of=D(2022, 9, 15), issued_on=D(2022, 9, 16))
    assert world.ledger()["official"]["injured"]["value"] == 6


def test_killed_plus_missing_replace_an_older_combined_total(world):
    world.figure("killed_or_missing", 100, as_of=D(2022, 9, 15), civilians=2)
    world.figure("killed", 70, as_of=D(2022, 9, 20), civilians=1)
    world.figure("missing", 40, as_of=D(2022, 9, 21), civilians=3)

    outstanding = world.ledger()["outstanding"]

    assert outstanding["official_total"] == 110
    assert outstanding["official_total_civilians"] == 4


def test_a_combined_total_newer_than_killed_or_missing_stays(world):
    world.figure("killed", 70, as_of=D(2022, 9, 20))
    world.figure("missing", 40, as_of=D(2022, 9, 14))
    world.figure("killed_or_missing", 100, as_of=D(2022, 9, 15))
    assert world.ledger()["outstanding"]["official_total"] == 100


def test_drafts_count_only_as_pending(world):
    world.handover(complete(3), date=D(2022, 9, 20))
    world.handover(complete(5), date=D(2022, 9, 21), verified=False)

    returned = world.ledger()["returned"]

    assert (returned["handovers"], returned["received"], returned["pending"]) == (1, 3, 5)
    assert returned["reported"] == 3
    assert returned["pending_handovers"] == 1


def test_individuals_over_mixed_remains(world):
    """3 partial pieces of one identified person count once; unidentified partials widen the
    range; unidentified complete bodies count in both bounds."""
    a, b = world.person(), world.person()
    world.handover(
        [
            confirmed(a, "partial"),
            confirmed(a, "partial"),
            confirmed(a, "partial"),
            confirmed(b, "complete"),
            *complete(2),
            *partial(4),
            {"condition": "complete", "identification": "presumptive", "person": world.person()},
        ]
    )

    returned = world.ledger()["returned"]

    assert returned["received"] == 11
    assert returned["identified"] == 2
    assert returned["presumptive"] == 1
    assert returned["unidentified"] == 6
    assert returned["individuals_min"] == 2 + 2 + 1
    assert returned["individuals_max"] == 2 + 6 + 1


def test_outstanding_never_goes_below_zero(world):
    world.figure("killed_or_missing", 3, as_of=D(2022, 9, 19))
    world.handover(complete(5))

    ledger = world.ledger()

    assert ledger["outstanding"]["not_returned_min"] == 0
    assert ledger["outstanding"]["not_returned_max"] == 0
    assert "returned_exceeds_official_total" in codes(ledger)


# One test per discrepancy code: exactly that situation gives exactly that code.


def test_handover_count_mismatch(world):
    world.figure("killed_or_missing", 50, as_of=D(2022, 9, 19))
    handover = world.handover(complete(3), reported=4)

    ledger = world.ledger()

    assert codes(ledger) == ["handover_count_mismatch"]
    item = ledger["discrepancies"][0]
    assert (item["handover"], item["reported"], item["received"]) == (handover.pk, 4, 3)
    assert "announced as 4 but 3 remains were logged" in item["message"]


def test_a_draft_with_a_count_mismatch_is_not_yet_a_discrepancy(world):
    world.handover(complete(3), reported=4, verified=False)
    assert codes(world.ledger()) == []


def test_official_returned_mismatch(world):
    world.figure("killed_or_missing", 50, as_of=D(2022, 9, 19))
    world.handover(complete(3), date=D(2022, 9, 17))
    world.handover(complete(2), date=D(2022, 9, 25))  # after the statement: not compared
    statement = world.figure("remains_returned", 4, as_of=D(2022, 9, 20)).statement

    ledger = world.ledger()

    assert codes(ledger) == ["official_returned_mismatch"]
    item = ledger["discrepancies"][0]
    assert (item["statement"], item["official"], item["received"]) == (statement.pk, 4, 3)


def test_returned_exceeds_official_total(world):
    world.figure("killed_or_missing", 2, as_of=D(2022, 9, 19))
    world.handover(complete(3))

    ledger = world.ledger()

    assert codes(ledger) == ["returned_exceeds_official_total"]
    assert ledger["discrepancies"][0]["individuals_min"] == 3


def test_partial_remains_alone_do_not_exceed_the_total(world):
    world.figure("killed_or_missing", 2, as_of=D(2022, 9, 19))
    world.handover(partial(5))
    assert codes(world.ledger()) == []


def test_registry_exceeds_official_total(world):
    world.figure("killed_or_missing", 2, as_of=D(2022, 9, 19))
    world.person("killed")
    world.person("missing")
    world.person("missing")
    world.person("captured")

    ledger = world.ledger()

    assert codes(ledger) == ["registry_exceeds_official_total"]
    assert ledger["discrepancies"][0]["recorded"] == 3


def test_figure_decreased(world):
    world.figure("killed_or_missing", 50, as_of=D(2022, 9, 15))
    earlier = world.figure("injured", 30, as_of=D(2022, 9, 15))
    lowered = world.figure("injured", 25, as_of=D(2022, 9, 18))

    ledger = world.ledger()

    assert codes(ledger) == ["figure_decreased"]
    item = ledger["discrepancies"][0]
    assert (item["statement"], item["previous_statement"]) == (
        lowered.statement_id,
        earlier.statement_id,
    )
    assert (item["previous_value"], item["value"], item["source"]) == (30, 25, "ARM ministry")


def test_a_falling_stock_figure_is_not_a_decrease(world):
    """Missing and captured go down as people are found or released: not cumulative."""
    world.figure("missing", 30, as_of=D(2022, 9, 15))
    world.figure("missing", 20, as_of=D(2022, 9, 18))
    world.figure("captured", 20, as_of=D(2022, 9, 15))
    world.figure("captured", 17, as_of=D(2022, 9, 18))
    assert codes(world.ledger()) == []


def test_identified_alive_conflict(world):
    released = world.person("released")
    handover = world.handover([confirmed(released)])

    ledger = world.ledger()

    assert codes(ledger) == ["identified_alive_conflict"]
    item = ledger["discrepancies"][0]
    assert (item["person"], item["status"], item["handover"]) == (
        released.pk,
        "released",
        handover.pk,
    )


def test_duplicate_complete_remains(world):
    person = world.person("killed")
    world.handover([confirmed(person), confirmed(person), confirmed(person, "partial")])

    ledger = world.ledger()

    assert codes(ledger) == ["duplicate_complete_remains"]
    assert len(ledger["discrepancies"][0]["case_numbers"]) == 2


# as_of: the ledger as the evidence stood on a given day.


def test_as_of_excludes_a_later_handover(world):
    world.handover(complete(2), date=D(2022, 9, 17))
    world.handover(complete(5), date=D(2022, 9, 20))

    assert world.ledger(as_of=D(2022, 9, 18))["returned"]["received"] == 2
    assert world.ledger(as_of=D(2022, 9, 20))["returned"]["received"] == 7


def test_as_of_ignores_a_later_statement(world):
    world.figure("killed_or_missing", 100, as_of=D(2022, 9, 15))
    world.figure("killed_or_missing", 150, as_of=D(2022, 9, 19))

    official = world.ledger(as_of=D(2022, 9, 16))["official"]

    assert official["killed_or_missing"]["value"] == 100


def test_as_of_leaves_a_later_status_change_out_of_the_registry(world, clerk):
    person = world.person("missing", status_date=D(2022, 9, 14))
    person_change_status(
        person=person, status=PersonStatus.KILLED, effective_date=D(2022, 9, 25), user=clerk
    )
    world.person("injured", status_date=D(2022, 9, 22))

    before = world.ledger(as_of=D(2022, 9, 20))["registry"]
    now = world.ledger()["registry"]

    assert (before["missing"], before["killed"], before["injured"], before["total"]) == (1, 0, 0, 1)
    assert (now["missing"], now["killed"], now["injured"], now["total"]) == (0, 1, 1, 2)


def test_as_of_counts_an_identification_only_from_its_date(world):
    person = world.person()
    world.handover([confirmed(person, on=D(2022, 10, 5))], date=D(2022, 9, 20))

    before = world.ledger(as_of=D(2022, 10, 1))["returned"]
    after = world.ledger(as_of=D(2022, 10, 5))["returned"]

    assert (before["identified"], before["unidentified"]) == (0, 1)
    assert (after["identified"], after["unidentified"]) == (1, 0)


def test_the_timeline_carries_each_series_forward(world):
    world.handover(complete(2), date=D(2022, 9, 17))
    world.figure("killed_or_missing", 100, as_of=D(2022, 9, 18))
    world.handover(complete(3), date=D(2022, 9, 20))
    world.figure("remains_returned", 5, as_of=D(2022, 9, 21))

    points = [
        (p["date"], p["official_total"], p["official_returned"], p["received"])
        for p in world.ledger()["timeline"]
    ]

    assert points == [
        (D(2022, 9, 17), None, None, 2),
        (D(2022, 9, 18), 100, None, 2),
        (D(2022, 9, 20), 100, None, 5),
        (D(2022, 9, 21), 100, 5, 5),
    ]


def test_agreements_show_agreed_received_and_due(world):
    agreement = AgreementFactory(
        conflict=world.conflict, party_a=world.arm, party_b=world.aze, count_to_a=10, count_to_b=4
    )
    world.handover(complete(3), agreement=agreement)
    world.handover(complete(2), agreement=agreement, verified=False)

    [row] = world.ledger()["agreements"]

    assert (row["agreement"], row["agreed"], row["received"], row["due"]) == (
        agreement.pk,
        10,
        3,
        7,
    )


def test_summaries_have_one_row_per_conflict_and_party(world):
    world.figure("killed_or_missing", 10, as_of=D(2022, 9, 19))
    world.handover(complete(3), reported=4)
    PersonFactory(conflict=world.conflict, party=world.aze)

    rows = {(r["conflict"], r["party"]): r for r in ledger_summaries()}

    assert set(rows) == {("war", "ARM"), ("war", "AZE")}
    arm = rows[("war", "ARM")]
    assert (arm["official_total"], arm["received"], arm["discrepancy_count"]) == (10, 3, 1)
    assert (arm["not_returned_min"], arm["not_returned_max"]) == (7, 7)


@pytest.mark.parametrize("remains_count", [10, 2000])
def test_one_ledger_takes_the_same_number_of_queries_at_any_size(
    world, remains_count, django_assert_max_num_queries
):
    from repatriation.models import Remains

    person = world.person()
    handover = world.handover([confirmed(person)], reported=remains_count)
    Remains.objects.bulk_create(
        Remains(handover=handover, case_number=f"Q/{n}", condition="partial")
        for n in range(remains_count - 1)
    )
    world.figure("killed_or_missing", 5000, as_of=D(2022, 9, 19))

    # official, other claims, handovers (with the timeline), confirmed remains, registry,
    # lowered figures, agreements, registry by region, captives, each authority's figures,
    # the identification pipeline and its references share
    with django_assert_max_num_queries(12):
        ledger = world.ledger()

    assert ledger["returned"]["received"] == remains_count


def test_an_official_returned_figure_with_nothing_received_is_a_mismatch(world):
    world.figure("remains_returned", 12, as_of=D(2022, 9, 20))

    ledger = world.ledger()

    assert codes(ledger) == ["official_returned_mismatch"]
    assert (ledger["discrepancies"][0]["official"], ledger["discrepancies"][0]["received"]) == (
        12,
        0,
    )


def test_a_party_with_only_drafts_shows_them_pending(world):
    world.handover(complete(4), verified=False)

    returned = world.ledger()["returned"]

    assert (returned["handovers"], returned["received"], returned["pending"]) == (0, 0, 4)
    assert world.ledger()["timeline"] == []


def test_as_of_judges_an_identified_person_by_their_status_on_that_day(world, clerk):
    person = world.person("missing", status_date=D(2022, 9, 14))
    person_change_status(
        person=person, status=PersonStatus.CAPTURED, effective_date=D(2022, 9, 16), user=clerk
    )
    person_change_status(
        person=person, status=PersonStatus.RELEASED, effective_date=D(2022, 10, 20), user=clerk
    )
    world.handover([confirmed(person, on=D(2022, 10, 1))], date=D(2022, 9, 20))

    assert codes(world.ledger(as_of=D(2022, 9, 25))) == []  # not yet identified
    on_the_day = world.ledger(as_of=D(2022, 10, 2))
    assert codes(on_the_day) == ["identified_alive_conflict"]
    assert on_the_day["discrepancies"][0]["status"] == "captured"
    assert world.ledger()["discrepancies"][0]["status"] == "released"
