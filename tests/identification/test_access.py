"""Who sees the identification records (DESIGN §5): forensic coordinators only; AM reads are
logged, and the log cannot be rewritten."""

import pytest
from django.db import InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from identification.choices import Evidence, Sex
from identification.models import AmAccess, AnteMortem, PostMortem, Proposal
from identification.services import proposal_create
from tests.api_clients import token_client

pytestmark = pytest.mark.django_db
API = "/api/v1/identification/"
ENDPOINTS = ["post-mortems/", "ante-mortems/", "samples/", "dna-reports/", "proposals/"]


@pytest.fixture
def records(body, missing):
    PostMortem.objects.create(remains=body, sex=Sex.MALE, marks="SECRET-PM-MARK")
    AnteMortem.objects.create(person=missing, sex=Sex.MALE, marks="SECRET-AM-MARK", birth_year=1990)
    return body


@pytest.mark.parametrize("path", [*ENDPOINTS, "remains/{pk}/candidates/"])
@pytest.mark.parametrize("role", ["anonymous", "journalist", "clerk", "verifier"])
def test_only_forensic_coordinators_reach_the_api(api_for, records, role, path):
    answer = api_for(role).get(API + path.format(pk=records.pk))
    assert answer.status_code == (401 if role == "anonymous" else 403)
    assert b"SECRET" not in answer.content


def test_a_forensic_coordinator_reads_and_the_am_read_is_logged(records, missing, forensic):
    client = token_client(forensic)
    answer = client.get(API + "ante-mortems/")
    assert answer.status_code == 200
    assert "SECRET-AM-MARK" in answer.content.decode()
    logged = list(AmAccess.objects.values_list("viewer", "person", "path"))
    assert logged == [(forensic.pk, missing.pk, API + "ante-mortems/")]


def test_candidates_through_the_api_are_logged_as_reads(records, missing, forensic):
    answer = token_client(forensic).get(API + f"remains/{records.pk}/candidates/")
    assert answer.status_code == 200
    assert [row["person_id"] for row in answer.json()] == [missing.pk]
    assert AmAccess.objects.filter(viewer=forensic, person=missing).count() == 1


def test_a_proposal_over_the_api_and_the_proposer_cannot_confirm(
    records, missing, forensic, other_forensic
):
    body = {"remains": records.pk, "person": missing.pk, "evidence": ["dental"]}
    created = token_client(forensic).post(API + "proposals/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = token_client(forensic).post(API + f"proposals/{pk}/confirm/")
    assert refused.status_code == 403
    confirmed = token_client(other_forensic).post(API + f"proposals/{pk}/confirm/")
    assert confirmed.status_code == 200
    assert Proposal.objects.get(pk=pk).state == "confirmed"


def test_bad_input_is_a_400_not_a_500(records, forensic):
    answer = token_client(forensic).post(
        API + "post-mortems/",
        {"remains": records.pk + 999, "age_min": 50, "age_max": 20},
        format="json",
    )
    assert answer.status_code == 400


def test_the_database_refuses_an_inverted_age_range(records, forensic):
    client = token_client(forensic)
    pm = PostMortem.objects.get(remains=records)
    answer = client.patch(
        API + f"post-mortems/{pm.pk}/", {"age_min": 50, "age_max": 20}, format="json"
    )
    assert answer.status_code == 400
    pm.refresh_from_db()
    assert pm.age_min is None


@pytest.mark.parametrize("name", ["board", "references"])
@pytest.mark.parametrize("role", ["clerk", "verifier", "journalist"])
def test_the_pages_are_forensic_only(client, request, records, name, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(f"identification:{name}")).status_code == 403


def test_anonymous_visitors_go_to_the_login(client, records):
    answer = client.get(reverse("identification:remains", args=[records.pk]))
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_the_remains_page_shows_pm_and_candidates_and_logs_them(client, records, missing, forensic):
    client.force_login(forensic)
    answer = client.get(reverse("identification:remains", args=[records.pk]))
    assert answer.status_code == 200
    assert "SECRET-PM-MARK" in answer.content.decode()
    assert f'data-person="{missing.pk}"' in answer.content.decode()
    assert AmAccess.objects.filter(viewer=forensic, person=missing).exists()


def test_propose_then_confirm_through_the_pages(client, records, missing, forensic, other_forensic):
    client.force_login(forensic)
    page = reverse("identification:remains", args=[records.pk])
    answer = client.post(page, {"person": missing.pk, "evidence": ["dental"], "reasoning": ""})
    proposal = Proposal.objects.get()
    assert answer.status_code == 302
    refused = client.post(
        reverse("identification:proposal", args=[proposal.pk]), {"action": "confirm"}
    )
    assert refused.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    client.force_login(other_forensic)
    client.post(reverse("identification:proposal", args=[proposal.pk]), {"action": "confirm"})
    records.refresh_from_db()
    assert records.identification == "confirmed"


def test_the_board_lists_pending_oldest_first_in_constant_queries(
    client, verified_handover, setting, forensic, django_assert_max_num_queries
):
    from tests.factories import PersonFactory, RemainsFactory

    for n in range(5):
        body = RemainsFactory(handover=verified_handover, case_number=f"B/{n}")
        person = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
        proposal_create(remains=body, person=person, evidence=[Evidence.DENTAL], user=forensic)
    client.force_login(forensic)
    # session, user, groups, the pending rows with remains/handover/party/person/proposer joined
    with django_assert_max_num_queries(8):
        answer = client.get(reverse("identification:board"))
    text = answer.content.decode()
    assert [text.index(f"B/{n}") for n in range(5)] == sorted(
        text.index(f"B/{n}") for n in range(5)
    )


def test_the_access_log_cannot_be_rewritten(records, missing, forensic):
    AmAccess.objects.create(viewer=forensic, person=missing, path="/x")
    for sql in (
        f"UPDATE {AmAccess._meta.db_table} SET path = 'y'",
        f"DELETE FROM {AmAccess._meta.db_table}",
    ):
        with (
            pytest.raises((InternalError, ProgrammingError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert list(AmAccess.objects.values_list("path", flat=True)) == ["/x"]


def test_references_page_lists_the_missing_by_region(client, records, missing, forensic):
    client.force_login(forensic)
    answer = client.get(reverse("identification:references"))
    assert answer.status_code == 200
    assert missing.full_name in answer.content.decode()


def test_the_admins_ante_mortem_list_logs_every_person_it_shows(client, records, missing, forensic):
    forensic.is_staff = True  # the admin's door
    forensic.save()
    client.force_login(forensic)

    response = client.get(reverse("admin:identification_antemortem_changelist"))

    assert response.status_code == 200
    assert AmAccess.objects.filter(viewer=forensic, person=missing).count() == 1
    assert AmAccess.objects.get().path == reverse("admin:identification_antemortem_changelist")
