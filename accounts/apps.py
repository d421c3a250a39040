"""Accounts: logins, two-factor, sessions, the roles' groups, and the admin site checking them."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from accounts import sessions
from accounts.roles import ensure_roles


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        sessions.connect_receivers()
        # Permissions exist only after post_migrate has created them, so groups are set up then.
        post_migrate.connect(ensure_roles, dispatch_uid="ensure_roles")


class LedgerAdminConfig(AdminConfig):
    """django.contrib.admin, with ``admin.site`` a LedgerAdminSite."""

    default_site = "accounts.admin_site.LedgerAdminSite"
