"""A person's identification case on the staff person page, and the cases by region on the
references page (DESIGN §5, §9): forensic coordinators see the case whole and their read is
logged; clerks and verifiers see only whether it is open or identified."""

import datetime

import pytest
from django.urls import reverse

from casualties.choices import PersonStatus
from identification.choices import ConsentScope, Evidence, LabStatus, Relationship, SampleSource
from identification.models import AmAccess, AnteMortem, Sample
from identification.selectors import case_states_by_region
from identification.services import proposal_confirm, proposal_create
from tests.factories import PersonFactory, RemainsFactory

pytestmark = pytest.mark.django_db


def reference(person, relationship, scope, status=LabStatus.PROFILED):
    return Sample.objects.create(
        source=SampleSource.FAMILY,
        person=person,
        relationship=relationship,
        consent_scope=scope,
        reference=f"REF-{person.pk}-{Sample.objects.count()}",
        taken_on=datetime.date(2023, 4, 1),
        lab_status=status,
    )


@pytest.fixture
def case(body, missing, forensic):
    """An AM record, two references (one profiled, under two consent scopes), a proposal."""
    AnteMortem.objects.create(person=missing, marks="SECRET-AM", region="Syunik")
    reference(missing, Relationship.MOTHER, ConsentScope.MINISTRY)
    reference(missing, Relationship.FULL_SIBLING, ConsentScope.ICRC, status=LabStatus.SENT)
    return proposal_create(remains=body, person=missing, evidence=[Evidence.DENTAL], user=forensic)


def section(client, person) -> str:
    page = client.get(reverse("casualties:person_detail", args=[person.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    if 'id="identification-case"' not in text:
        return ""
    start = text.index('id="identification-case"')
    return text[start : text.index("</section>", start)]


def test_a_forensic_coordinator_sees_the_case_and_the_read_is_logged(
    client, case, missing, forensic
):
    client.force_login(forensic)

    shown = section(client, missing)

    assert "Proposal pending" in shown
    assert "on file" in shown
    assert "2 samples, 1 profiled" in shown
    assert "This ministry only: 1" in shown and "The ICRC: 1" in shown
    assert "enough for kinship matching" in shown and "not enough" not in shown
    assert reverse("identification:proposal", args=[case.pk]) in shown
    path = reverse("casualties:person_detail", args=[missing.pk])
    assert list(AmAccess.objects.values_list("viewer", "person", "path")) == [
        (forensic.pk, missing.pk, path)
    ]


def test_a_confirmed_identification_shows_case_number_date_and_method(
    client, case, body, missing, forensic, other_forensic
):
    proposal_confirm(proposal=case, user=other_forensic)
    client.force_login(forensic)

    shown = section(client, missing)

    assert "Identified" in shown
    body.refresh_from_db()
    assert body.case_number in shown
    assert body.identified_on.isoformat() in shown
    assert "Dental" in shown
    assert reverse("identification:proposal", args=[case.pk]) not in shown


@pytest.mark.parametrize("role", ["clerk", "verifier"])
def test_other_staff_see_only_open_or_identified(
    client, request, case, missing, other_forensic, role
):
    client.force_login(request.getfixturevalue(role))

    pending = section(client, missing)
    proposal_confirm(proposal=case, user=other_forensic)
    identified = section(client, missing)

    assert "Open" in pending and "Proposal pending" not in pending
    assert "Identified" in identified
    for shown in (pending, identified):
        for secret in ("Ante-mortem", "samples", "ICRC", "proposals/", "SECRET-AM"):
            assert secret not in shown
    assert not AmAccess.objects.exists()


def test_a_case_with_nothing_forensic_logs_no_read(client, setting, forensic):
    person = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    client.force_login(forensic)

    shown = section(client, person)

    assert "Open" in shown and "none yet" in shown and "0 samples" in shown
    assert not AmAccess.objects.exists()


def test_a_person_with_no_case_has_no_section(client, setting, clerk, forensic):
    alive = PersonFactory(
        conflict=setting["conflict"], party=setting["arm"], status=PersonStatus.RELEASED
    )
    for user in (clerk, forensic):
        client.force_login(user)
        assert section(client, alive) == ""


def test_case_states_by_region_in_one_query(
    setting, verified_handover, forensic, other_forensic, django_assert_num_queries
):
    def person(region, **kwargs):
        return PersonFactory(
            conflict=setting["conflict"], party=setting["arm"], home_region=region, **kwargs
        )

    person("Lori")
    person("Lori")
    person("Lori", status=PersonStatus.RELEASED)  # no case
    waiting, done = person("Syunik"), person("Syunik")
    for who in (waiting, done):
        proposal = proposal_create(
            remains=RemainsFactory(handover=verified_handover),
            person=who,
            evidence=[Evidence.DENTAL],
            user=forensic,
        )
    proposal_confirm(proposal=proposal, user=other_forensic)

    # one aggregate over the persons with a case, grouped by region
    with django_assert_num_queries(1):
        rows = case_states_by_region()

    assert rows == [
        {"region": "Lori", "open": 2, "pending": 0, "identified": 0},
        {"region": "Syunik", "open": 0, "pending": 1, "identified": 1},
    ]


def test_the_references_page_shows_the_cases_by_region(client, case, forensic):
    client.force_login(forensic)

    page = client.get(reverse("identification:references"))

    assert page.status_code == 200
    assert page.context["cases"] == [{"region": "Syunik", "open": 0, "pending": 1, "identified": 0}]
    assert 'id="case-states"' in page.content.decode()
