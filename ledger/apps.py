from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The ledger: official figures, handovers and person records side by side. Nothing
    imports it."""

    name = "ledger"
    verbose_name = _("Ledger")
