"""The groups of DESIGN §5 carry exactly the rights the table gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ensure_roles

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
