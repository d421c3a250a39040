"""Privacy sweep for the identification records (DESIGN §5): AM/PM, samples, family data, DNA
reports, proposals and candidates never reach the public, journalists, clerks or verifiers —
not through the public API, the change feed, the ledger, nor the staff pages of handovers and
persons (clerks see the outcome: the remains' identification)."""

import datetime

import pytest

from identification.choices import ConsentScope, Relationship, SampleSource, Sex
from identification.models import AnteMortem, DnaMatchReport, PostMortem, Sample

pytestmark = pytest.mark.django_db
SECRETS = ("SECRET-PM", "SECRET-AM", "SECRET-REF", "SECRET-LAB", "SECRET-SITE")
FIELDS = ("likelihood_ratio", "post_mortem", "ante_mortem", "consent_scope", "stature_min")


@pytest.fixture
def forensic_records(body, missing):
    PostMortem.objects.create(
        remains=body, sex=Sex.MALE, marks="SECRET-PM", recovery_site="SECRET-SITE"
    )
    AnteMortem.objects.create(person=missing, sex=Sex.MALE, marks="SECRET-AM")
    Sample.objects.create(
        source=SampleSource.FAMILY,
        person=missing,
        relationship=Relationship.MOTHER,
        consent_scope=ConsentScope.ICRC,
        reference="SECRET-REF",
        taken_on=datetime.date(2023, 4, 1),
    )
    DnaMatchReport.objects.create(
        remains=body,
        person=missing,
        likelihood_ratio=1e9,
        lab="SECRET-LAB",
        reported_on=datetime.date(2023, 5, 1),
    )
    return body


def assert_clean(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, (response.status_code, secret)
    for field in FIELDS:
        assert field not in text, (response.status_code, field)


@pytest.mark.parametrize("role", ["anonymous", "journalist", "clerk", "verifier"])
def test_the_api_never_shows_forensic_records(api_for, forensic_records, missing, role):
    client = api_for(role)
    handover = forensic_records.handover
    answers = [
        client.get("/api/v1/handovers/"),
        client.get(f"/api/v1/handovers/{handover.pk}/"),
        client.get(f"/api/v1/handovers/{handover.pk}/", {"format": "csv"}),
        client.get("/api/v1/persons/"),
        client.get(f"/api/v1/persons/{missing.pk}/"),
        client.get("/api/v1/changes/"),
        client.get("/api/v1/ledger/sept-2022/ARM/"),
    ]
    assert answers[1].status_code == 200
    for answer in answers:
        assert answer.status_code < 500
        assert_clean(answer)


@pytest.mark.parametrize("role", ["clerk", "verifier"])
def test_staff_pages_show_the_outcome_not_the_records(
    client, request, forensic_records, missing, role
):
    client.force_login(request.getfixturevalue(role))
    pages = [
        client.get(f"/handovers/{forensic_records.handover_id}/"),
        client.get(f"/persons/{missing.pk}/"),
        client.get("/ledger/sept-2022/ARM/"),
    ]
    assert pages[0].status_code == 200
    assert forensic_records.case_number in pages[0].content.decode()
    for page in pages:
        assert_clean(page)


def test_anonymous_pages_never_show_forensic_records(client, forensic_records):
    for page in (client.get("/ledger/sept-2022/ARM/"), client.get("/identification/")):
        assert page.status_code in (200, 302)
        assert_clean(page)
