"""The project's own app configs: the admin site with the two-factor check, and the signal
receivers that live in config/."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class LedgerConfig(AppConfig):
    name = "config"
    label = "ledger_config"
    verbose_name = "Ledger configuration"

    def ready(self):
        # Connects the login receiver that starts a session's expiry clocks.
        from config import sessions  # noqa: F401


class LedgerAdminConfig(AdminConfig):
    """django.contrib.admin, with ``admin.site`` a LedgerAdminSite."""

    default_site = "config.admin_site.LedgerAdminSite"

    def ready(self):
        super().ready()
        from config.device_admin import register_device_admin

        register_device_admin()
