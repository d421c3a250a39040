"""The ledger's identification pipeline figures (DESIGN §9), on a timeline built by hand."""

import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from ledger.identification import handover_identification, identification_block
from repatriation.choices import HandoverState
from repatriation.models import Remains
from repatriation.services import remains_return_to_sender
from tests.factories import HandoverFactory, UserFactory
from tests.ledger.test_ledger import World

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2023, 10, 1)
BLOCK_KEYS = {
    "received",
    "presumptive",
    "confirmed",
    "awaiting_release",
    "confirmed_within",
    "median_days_to_confirmation",
    "backlog_by_age",
    "projected_clear_date",
    "references_sufficient_share",
}


def confirmed(world, on):
    return {
        "condition": "complete",
        "identification": "confirmed",
        "person": world.person(),
        "identified_on": on,
        "method": "dna",
        "dna_sample_ref": "SECRET-DNA-REF",
        "notes": "SECRET-NOTE",
    }


UNIDENTIFIED = {"condition": "complete"}


def onward(world, date):
    """A verified handover from ARM back to AZE."""
    handover = HandoverFactory(
        conflict=world.conflict,
        from_party=world.arm,
        to_party=world.aze,
        date=date,
        reported_count=1,
        state=HandoverState.VERIFIED,
        verified_by=world.verifier,
        verified_at=timezone.now(),
    )
    return handover


class Timeline:
    """Five verified handovers to ARM; ages on AS_OF (2023-10-01) in days:

    H1 2022-09-20 (376): a confirmed 2022-10-10 (20 days), b 2022-12-19 (90), c 2023-08-12
       (326), d unidentified
    H2 2023-01-01 (273): e confirmed 2023-07-20 (200), f unidentified
    H3 2023-05-01 (153): g confirmed 2023-05-31 (30), h presumptive since 2023-06-10,
       i unidentified
    H4 2023-08-01 (61):  j confirmed 2023-09-30 (60), k found to be AZE's, returned 2023-08-20
    H5 2023-09-21 (10):  l unidentified, m confirmed 2023-10-05 (after AS_OF)
    """

    def __init__(self, world: World):
        self.world = world
        w = world
        self.h1 = w.handover(
            [confirmed(w, D(2022, 10, 10)), confirmed(w, D(2022, 12, 19))]
            + [confirmed(w, D(2023, 8, 12)), UNIDENTIFIED],
            date=D(2022, 9, 20),
        )
        self.h2 = w.handover([confirmed(w, D(2023, 7, 20)), UNIDENTIFIED], date=D(2023, 1, 1))
        presumptive = {
            "condition": "partial",
            "identification": "presumptive",
            "person": w.person(),
            "identified_on": D(2023, 6, 10),
        }
        self.h3 = w.handover(
            [confirmed(w, D(2023, 5, 31)), presumptive, UNIDENTIFIED], date=D(2023, 5, 1)
        )
        self.h4 = w.handover([confirmed(w, D(2023, 9, 30)), UNIDENTIFIED], date=D(2023, 8, 1))
        self.h5 = w.handover([UNIDENTIFIED, confirmed(w, D(2023, 10, 5))], date=D(2023, 9, 21))
        self.k = self.h4.remains.get(identification="unidentified")
        self.onward = onward(w, D(2023, 8, 20))
        admin = UserFactory(is_superuser=True)
        remains_return_to_sender(remains=self.k, user=admin, onward_handover=self.onward)


@pytest.fixture
def timeline():
    return Timeline(World())


def block(timeline, as_of=AS_OF):
    w = timeline.world
    return identification_block(conflict=w.conflict, party=w.arm, as_of=as_of)


def test_the_counts_leave_out_what_was_returned_and_what_came_after_as_of(timeline):
    figures = block(timeline)

    # 4 + 2 + 3 + (2 - k returned) + 2 = 12 received; a b c e g j confirmed (m is after as_of)
    assert (figures["received"], figures["presumptive"], figures["confirmed"]) == (12, 1, 6)


def test_each_share_confirmed_within_is_of_remains_received_long_enough_before(timeline):
    # 30 days: received >= 30 days before: H1-H4 = 4+2+3+1 = 10; within 30: a (20), g (30) = 2
    # 90: H1-H3 = 9; within 90: a, b (90), g = 3 -> 1/3
    # 180: H1, H2 = 6; within 180: a, b = 2 -> 1/3
    # 365: H1 = 4; within 365: a, b, c (326) = 3 -> 3/4
    assert block(timeline)["confirmed_within"] == {
        "30": 0.2,
        "90": 0.3333,
        "180": 0.3333,
        "365": 0.75,
    }


def test_the_median_backlog_and_projection_are_as_computed_by_hand(timeline):
    figures = block(timeline)

    # Days to confirmation: 20, 30, 60, 90, 200, 326 -> median (60 + 90) / 2 = 75
    assert figures["median_days_to_confirmation"] == 75.0
    # Not confirmed on AS_OF: d (376 days old), f (273), h and i (153), l and m (10)
    assert figures["backlog_by_age"] == {
        "0-30": 2,
        "31-90": 0,
        "91-180": 2,
        "181-365": 1,
        "over_365": 1,
    }
    # Confirmed after 2023-07-03 (the trailing 90 days): c, e, j = 3, i.e. 3/90 a day; the
    # backlog of 6 takes 6 * 90 / 3 = 180 days: 2023-10-01 + 180 = 2024-03-29
    assert figures["projected_clear_date"] == D(2024, 3, 29)


def test_as_of_before_a_confirmation_excludes_it(timeline):
    figures = block(timeline, as_of=D(2023, 8, 1))

    # H5 not yet received; k not yet returned; c (2023-08-12) and j (2023-09-30) not yet
    # confirmed: confirmed a b e g = 4 of 4 + 2 + 3 + 2 = 11
    assert (figures["received"], figures["confirmed"]) == (11, 4)
    # Days 20, 30, 90, 200 -> median 60; within 365: H1 only (age 315 < 365): none qualify
    assert figures["median_days_to_confirmation"] == 60.0
    assert figures["confirmed_within"]["365"] is None
    # Trailing 90 days from 2023-08-01 (after 2023-05-03): e, g = 2; backlog 7 ->
    # ceil(7 * 90 / 2) = 315 days -> 2024-06-11
    assert figures["projected_clear_date"] == D(2024, 6, 11)


def test_nothing_confirmed_lately_gives_no_projection_and_none_received_no_shares():
    world = World()
    world.handover([UNIDENTIFIED], date=D(2023, 1, 1))
    figures = identification_block(conflict=world.conflict, party=world.arm, as_of=AS_OF)
    assert figures["projected_clear_date"] is None
    assert figures["median_days_to_confirmation"] is None

    empty = identification_block(conflict=world.conflict, party=world.aze, as_of=AS_OF)
    assert empty["received"] == 0
    assert set(empty["confirmed_within"].values()) == {None}
    assert empty["projected_clear_date"] == AS_OF  # nothing left to clear


def test_per_handover_figures_count_that_handover_only(timeline):
    figures = handover_identification(handover=timeline.h1, as_of=AS_OF)

    assert (figures["received"], figures["confirmed"]) == (4, 3)
    # within 30: a of 4; 90: a, b; 180: a, b; 365: a, b, c
    assert figures["confirmed_within"] == {"30": 0.25, "90": 0.5, "180": 0.5, "365": 0.75}
    assert figures["backlog_by_age"]["over_365"] == 1
    returned = handover_identification(handover=timeline.h4, as_of=AS_OF)
    assert returned["received"] == 1  # k went back


def test_drafts_do_not_count():
    world = World()
    world.handover([UNIDENTIFIED, UNIDENTIFIED], date=D(2023, 1, 1), verified=False)
    assert identification_block(conflict=world.conflict, party=world.arm)["received"] == 0


def test_the_ledger_carries_the_block_and_shows_returned_remains_apart(timeline):
    ledger = timeline.world.ledger(as_of=AS_OF)

    assert set(ledger["identification"]) == BLOCK_KEYS
    assert ledger["identification"]["received"] == 12
    returned = ledger["returned"]
    assert (returned["received"], returned["returned_to_sender"]) == (12, 1)
    # k was logged as announced: no count mismatch for H4
    assert "handover_count_mismatch" not in [item["code"] for item in ledger["discrepancies"]]
    before = timeline.world.ledger(as_of=D(2023, 8, 19))["returned"]
    assert (before["received"], before["returned_to_sender"]) == (11, 0)


def test_the_public_block_holds_no_restricted_data(client, timeline):
    body = client.get("/api/v1/ledger/war/ARM/", {"as_of": AS_OF.isoformat()})

    assert body.status_code == 200
    shown = body.json()["identification"]
    assert set(shown) == BLOCK_KEYS
    text = json.dumps(shown, cls=DjangoJSONEncoder)
    names = Remains.objects.filter(person__isnull=False).values_list("person__full_name", flat=1)
    for secret in ["SECRET-DNA-REF", "SECRET-NOTE", "case_number", *names]:
        assert secret not in text


@pytest.mark.parametrize("extra", [0, 3000])
def test_the_figures_take_the_same_queries_at_any_size(timeline, extra, django_assert_num_queries):
    Remains.objects.bulk_create(
        Remains(handover=timeline.h2, case_number=f"X/{n}", condition="partial")
        for n in range(extra)
    )
    # the pipeline aggregate; the missing persons (the ledger passes its registry's); the
    # references share
    with django_assert_num_queries(3):
        figures = block(timeline)
    # the pipeline aggregate of one handover
    with django_assert_num_queries(1):
        handover_identification(handover=timeline.h2, as_of=AS_OF)

    assert figures["received"] == 12 + extra
    assert figures["backlog_by_age"]["181-365"] == 1 + extra


def test_the_onward_handover_counts_for_the_side_it_went_to(timeline):
    aze = identification_block(
        conflict=timeline.world.conflict, party=timeline.world.aze, as_of=AS_OF
    )
    assert aze["received"] == 0  # logged with no remains rows: nothing to identify


def test_the_public_ledger_page_draws_the_pipeline_with_a_table_of_its_numbers(client, timeline):
    response = client.get("/ledger/war/ARM/", {"as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="identification-heading"' in page
    assert page.count('class="pipeline-chart"') == 2
    assert "over 365 days" in page and "75.0" in page
    assert "SECRET-DNA-REF" not in page and "SECRET-NOTE" not in page


def test_the_public_handover_page_shows_that_handovers_figures(client, timeline):
    h1 = timeline.h1
    response = client.get(f"/ledger/war/ARM/handovers/{h1.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="identification-heading"' in page
    assert "pipeline-chart" in page
    assert "SECRET-DNA-REF" not in page
