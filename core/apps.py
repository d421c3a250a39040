from django.apps import AppConfig
from django.db.backends.signals import connection_created

from core.db.embedded import require_utf8


class CoreConfig(AppConfig):
    """Infrastructure every app uses; it imports none of them."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        connection_created.connect(require_utf8, dispatch_uid="require_utf8")
