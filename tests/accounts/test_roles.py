"""The groups of DESIGN §5 carry exactly the rights the table gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ensure_roles
from casualties.models import Conflict, Party, Source
from core.tiers import COORDINATOR
from tests.api_clients import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_clerk_enters_drafts_persons_status_changes_and_statements(clerk):
    for perm in (
        "repatriation.add_handover",
        "repatriation.add_remains",
        "casualties.add_person",
        "casualties.change_person",
        "casualties.add_statuschange",
        "casualties.add_statement",
        "casualties.add_figure",
        "casualties.view_person",
    ):
        assert clerk.has_perm(perm), perm


def test_a_clerk_cannot_verify_nor_edit_reference_data(clerk):
    for perm in (
        "repatriation.verify_handover",
        "casualties.change_conflict",
        "casualties.add_party",
        "casualties.delete_person",
        "pghistory.change_events",
    ):
        assert not clerk.has_perm(perm), perm


def test_a_verifier_can_do_what_a_clerk_does_and_verify(verifier, clerk):
    assert verifier.has_perm("repatriation.verify_handover")
    assert clerk.get_all_permissions() < verifier.get_all_permissions()


def test_a_journalist_holds_no_model_permission(journalist):
    assert journalist.get_all_permissions() == set()


def test_roles_are_restored_when_they_drift(db):
    clerk = Group.objects.get(name="clerk")
    clerk.permissions.add(Permission.objects.get(codename="delete_conflict"))
    before = Group.objects.count()

    ensure_roles()

    assert not clerk.permissions.filter(codename="delete_conflict").exists()
    assert clerk.permissions.filter(codename="add_handover").exists()
    assert Group.objects.count() == before


def test_a_coordinator_does_what_a_clerk_does_and_sets_up_reference_data(clerk):
    coordinator = UserFactory(username="coordinator", groups=[COORDINATOR])
    for perm in ("casualties.add_conflict", "casualties.change_party", "casualties.add_source"):
        assert coordinator.has_perm(perm), perm
    assert not coordinator.has_perm("casualties.delete_conflict")
    assert not coordinator.has_perm("repatriation.verify_handover")
    assert clerk.get_all_permissions() < coordinator.get_all_permissions()


@pytest.fixture
def coordinator_api(db):
    return token_client(UserFactory(username="coordinator", groups=[COORDINATOR]))


NEW_CONFLICT = {"slug": "war-x", "name": "War X", "start_date": "2020-09-27"}


def test_only_a_coordinator_creates_reference_data_through_the_api(
    anonymous_api, clerk_api, coordinator_api
):
    url = "/api/v1/conflicts/"
    assert anonymous_api.post(url, NEW_CONFLICT, format="json").status_code in (401, 403)
    assert clerk_api.post(url, NEW_CONFLICT, format="json").status_code == 403
    assert not Conflict.objects.exists()

    response = coordinator_api.post(url, NEW_CONFLICT, format="json")
    assert response.status_code == 201, response.content
    assert Conflict.objects.get().name == "War X"

    new_party = {"code": "XX", "name": "X", "kind": "state"}
    party = coordinator_api.post("/api/v1/parties/", new_party, format="json")
    assert party.status_code == 201, party.content
    source = {"name": "X Ministry", "party": "XX", "kind": "government"}
    assert coordinator_api.post("/api/v1/sources/", source, format="json").status_code == 201
    assert Source.objects.get().party == Party.objects.get(code="XX")

    renamed = coordinator_api.patch(f"{url}war-x/", {"name": "War Y"}, format="json")
    assert renamed.status_code == 200
    assert Conflict.objects.get().name == "War Y"


def test_a_coordinators_bad_conflict_is_a_400_naming_the_field(coordinator_api):
    bad = {**NEW_CONFLICT, "end_date": "2019-01-01"}
    response = coordinator_api.post("/api/v1/conflicts/", bad, format="json")
    assert response.status_code == 400
    assert not Conflict.objects.exists()
