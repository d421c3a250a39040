"""Account changes in the audit trail (DESIGN §5): group membership, permissions, activation
and the admin flags, and tokens issued and revoked, each an append-only event naming who did it;
no password hash, token key or digest in any of them."""

import io

import pghistory
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.roles import CLERK, VERIFIER
from accounts.tokens import token_issue, token_revoke
from tests.admin_forms import page_post_data
from tests.factories import UserFactory

UserEvent = apps.get_model("accounts", "UserEvent")
UserGroupEvent = apps.get_model("accounts", "UserGroupEvent")
UserPermissionEvent = apps.get_model("accounts", "UserPermissionEvent")
GroupPermissionEvent = apps.get_model("accounts", "GroupPermissionEvent")
TokenEvent = apps.get_model("accounts", "TokenEvent")
PasswordEvent = apps.get_model("accounts", "PasswordEvent")
EVENTS_URL = reverse("admin:pghistory_events_changelist")
ACCOUNT_EVENT_TABLES = [
    model._meta.db_table
    for model in (
        UserEvent,
        UserGroupEvent,
        UserPermissionEvent,
        GroupPermissionEvent,
        TokenEvent,
        PasswordEvent,
    )
]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def actor(event):
    return event.pgh_context.metadata.get("user") if event.pgh_context else None


def user_change(admin_client, user, **changes):
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = admin_client.get(url)
    data = page_post_data(page, **changes)
    # The admin splits this one field into a date and a time input.
    joined = user.date_joined
    data |= {"date_joined_0": joined.date().isoformat(), "date_joined_1": f"{joined:%H:%M:%S}"}
    return admin_client.post(url, data)


def test_making_a_clerk_a_verifier_in_the_admin_is_recorded_with_the_admin(
    admin_client, admin_user, clerk
):
    verifier_group = Group.objects.get(name=VERIFIER)

    response = user_change(admin_client, clerk, groups=[str(verifier_group.pk)])

    assert response.status_code == 302
    assert list(clerk.groups.values_list("name", flat=True)) == [VERIFIER]
    added = UserGroupEvent.objects.get(user=clerk, pgh_label="insert", group=verifier_group)
    removed = UserGroupEvent.objects.get(user=clerk, pgh_label="delete")
    assert removed.group.name == CLERK
    assert actor(added) == actor(removed) == admin_user.pk
    assert added.pgh_context.metadata["url"] == reverse("admin:auth_user_change", args=[clerk.pk])


@pytest.mark.parametrize("flag", ["is_active", "is_staff", "is_superuser"])
def test_each_account_flag_change_is_recorded_with_the_admin(admin_client, admin_user, flag):
    user = UserFactory(is_active=True, is_staff=False, is_superuser=False)
    before = UserEvent.objects.filter(pgh_obj=user).count()
    values = {"is_active": "on", "is_staff": "", "is_superuser": ""}
    values[flag] = "" if flag == "is_active" else "on"

    response = user_change(admin_client, user, **values)

    assert response.status_code == 302
    event = UserEvent.objects.filter(pgh_obj=user, pgh_label="update").get()
    assert UserEvent.objects.filter(pgh_obj=user).count() == before + 1
    assert getattr(event, flag) is (flag != "is_active")
    assert actor(event) == admin_user.pk


def test_direct_and_group_permissions_are_recorded_with_the_actor(db, admin_user):
    user = UserFactory()
    permission = Permission.objects.get(codename="verify_handover")
    group = Group.objects.get(name=CLERK)

    with pghistory.context(user=admin_user.pk):
        user.user_permissions.add(permission)
        group.permissions.add(permission)
        user.user_permissions.remove(permission)

    direct = UserPermissionEvent.objects.filter(user=user, permission=permission)
    assert sorted(direct.values_list("pgh_label", flat=True)) == ["delete", "insert"]
    given = GroupPermissionEvent.objects.get(group=group, permission=permission)
    assert given.pgh_label == "insert"
    assert {actor(event) for event in [*direct, given]} == {admin_user.pk}


def test_a_password_hash_and_logins_stay_out_of_the_trail(db):
    user = UserFactory()
    user.set_password("a-new-secret")
    user.save()
    User.objects.filter(pk=user.pk).update(last_login="2026-01-01T00:00:00Z")

    for model in (UserEvent, PasswordEvent):
        fields = {field.name for field in model._meta.fields}
        assert "password" not in fields and "last_login" not in fields
    # A password change or a login is no change of the account's standing: no update event.
    assert list(UserEvent.objects.filter(pgh_obj=user).values_list("pgh_label", flat=True)) == [
        "insert"
    ]
    rows = str(list(PasswordEvent.objects.filter(pgh_obj=user).values()))
    assert User.objects.get(pk=user.pk).password not in rows


def test_a_password_change_is_recorded_with_who_made_it_and_no_login_is(db, admin_user):
    user = UserFactory()
    with pghistory.context(user=admin_user.pk):
        user.set_password("a-new-secret")
        user.save()
    User.objects.filter(pk=user.pk).update(last_login="2026-01-01T00:00:00Z")
    user.first_name = "Anna"
    user.save()

    event = PasswordEvent.objects.get(pgh_obj=user)
    assert (event.pgh_label, event.username, actor(event)) == (
        "password_changed",
        user.username,
        admin_user.pk,
    )


def test_a_password_set_in_the_admin_is_recorded(admin_client, admin_user, clerk):
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])

    response = admin_client.post(
        url, {"password1": "Another-secret-42", "password2": "Another-secret-42"}
    )

    assert response.status_code == 302
    event = PasswordEvent.objects.get(pgh_obj=clerk)
    assert actor(event) == admin_user.pk


def test_issue_token_records_the_issue_and_the_admin_given(admin_user, clerk):
    out = io.StringIO()
    call_command("issue_token", "clerk", "--by", "admin", stdout=out, stderr=io.StringIO())

    token = AuthToken.objects.get(user=clerk)
    event = TokenEvent.objects.get(user=clerk, pgh_label="insert")
    assert (event.created, event.expiry) == (token.created, token.expiry)
    assert event.pgh_context.metadata == {"user": admin_user.pk, "command": "issue_token"}


def test_issue_token_refuses_an_actor_who_is_not_an_admin(clerk, verifier):
    with pytest.raises(Exception, match="no active admin"):
        call_command("issue_token", "clerk", "--by", "verifier", stdout=io.StringIO())
    assert not AuthToken.objects.exists() and not TokenEvent.objects.exists()


def test_revoking_through_the_api_is_recorded_with_the_token_owner(clerk):
    _token, key = token_issue(user=clerk)

    response = APIClient().post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 204
    event = TokenEvent.objects.get(user=clerk, pgh_label="delete")
    assert actor(event) == clerk.pk


def test_no_token_key_or_digest_is_in_the_trail(clerk, admin_user):
    token, key = token_issue(user=clerk, issued_by=admin_user)
    token_revoke(tokens=AuthToken.objects.filter(user=clerk), revoked_by=admin_user)

    fields = {field.name for field in TokenEvent._meta.fields}
    assert not fields & {"digest", "token_key", "pgh_obj"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(e)::text FROM {TokenEvent._meta.db_table} AS e")
        rows = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT metadata::text FROM pghistory_context")
        rows += " ".join(row[0] for row in cursor.fetchall())
    assert TokenEvent.objects.count() == 2
    assert token.digest not in rows and key[:8] not in rows and token.token_key not in rows


@pytest.mark.parametrize("table", ACCOUNT_EVENT_TABLES)
def test_account_events_cannot_be_changed_in_the_database(clerk, table):
    token_issue(user=clerk)
    clerk.user_permissions.add(Permission.objects.get(codename="verify_handover"))
    Group.objects.get(name=CLERK).permissions.clear()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def test_the_admins_audit_list_shows_account_changes_and_who_made_them(
    admin_client, admin_user, clerk
):
    user_change(admin_client, clerk, groups=[str(Group.objects.get(name=VERIFIER).pk)])

    response = admin_client.get(
        EVENTS_URL, {"event_model": "accounts.usergroupevent", "user": admin_user.pk}
    )

    assert response.status_code == 200
    events = response.context["cl"].result_list
    assert sorted(event.pgh_label for event in events) == ["delete", "insert"]
    assert f'<td class="field-user">{admin_user.username}</td>' in response.content.decode()
