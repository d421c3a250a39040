"""Accounts in the audit trail: who was given or lost a role, a permission, an account or a
token, and who did it (DESIGN §5).

The tracked tables belong to other packages (django.contrib.auth, knox), so they are tracked
through proxy models of this app: the triggers and the event tables then come with this app's
migrations, not with migrations of those packages. Like the domain's events (core.audit), the
event tables are append-only and each event carries the context (acting user, URL or command).

Secrets stay out: a user's password hash and last login (which would add an event per login)
are not copied (a password change is an event of its own that names the account, not the
hash), nor a token's key or digest — a token's digest is its primary key, so its events
keep no reference to the row either; the token is known by its user and creation time.
"""

import pghistory
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

ROW_EVENTS = (pghistory.InsertEvent, pghistory.UpdateEvent, pghistory.DeleteEvent)
# A row of a many-to-many table is only ever added or removed.
LINK_EVENTS = (pghistory.InsertEvent, pghistory.DeleteEvent)


def _trackers(kinds):
    # Fresh tracker instances per model: pghistory binds each instance to one model.
    return [kind() for kind in kinds]


class TrackedUser(User):
    """An account, for its audit trail: activation and the staff and superuser flags."""

    class Meta:
        proxy = True
        verbose_name = _("account (audit)")
        verbose_name_plural = _("accounts (audit)")


class TrackedGroup(Group):
    """A group (a role), for its audit trail."""

    class Meta:
        proxy = True
        verbose_name = _("group (audit)")
        verbose_name_plural = _("groups (audit)")


class UserGroupLink(User.groups.through):
    """A user's membership of a group: added or removed."""

    class Meta:
        proxy = True
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")


class UserPermissionLink(User.user_permissions.through):
    """A permission given to a user directly: added or removed."""

    class Meta:
        proxy = True
        verbose_name = _("user permission")
        verbose_name_plural = _("user permissions")


class GroupPermissionLink(Group.permissions.through):
    """A permission of a group: added or removed."""

    class Meta:
        proxy = True
        verbose_name = _("group permission")
        verbose_name_plural = _("group permissions")


class TrackedToken(AuthToken):
    """An API token, for its audit trail: issued, changed and revoked (deleted)."""

    class Meta:
        proxy = True
        verbose_name = _("API token (audit)")
        verbose_name_plural = _("API tokens (audit)")


pghistory.track(*_trackers(ROW_EVENTS), exclude=["password", "last_login"], model_name="UserEvent")(
    TrackedUser
)
# Who changed whose password, and when; the hash itself never leaves the accounts table.
pghistory.track(
    pghistory.UpdateEvent("password_changed", condition=pghistory.AnyChange("password")),
    fields=["username"],
    model_name="PasswordEvent",
    obj_field=pghistory.ObjForeignKey(related_name="password_events"),
)(TrackedUser)
pghistory.track(*_trackers(ROW_EVENTS), model_name="GroupEvent")(TrackedGroup)
pghistory.track(*_trackers(LINK_EVENTS), model_name="UserGroupEvent")(UserGroupLink)
pghistory.track(*_trackers(LINK_EVENTS), model_name="UserPermissionEvent")(UserPermissionLink)
pghistory.track(*_trackers(LINK_EVENTS), model_name="GroupPermissionEvent")(GroupPermissionLink)
pghistory.track(
    *_trackers(ROW_EVENTS),
    fields=["user", "created", "expiry"],
    obj_field=None,
    model_name="TokenEvent",
)(TrackedToken)
