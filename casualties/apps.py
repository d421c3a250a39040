from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CasualtiesConfig(AppConfig):
    name = "casualties"
    verbose_name = _("Casualties")

    def ready(self):
        from casualties.roles import ensure_roles
        from config.database import require_utf8

        connection_created.connect(require_utf8, dispatch_uid="require_utf8")
        # Permissions exist only after post_migrate has created them, so groups are set up then.
        post_migrate.connect(ensure_roles, dispatch_uid="ensure_roles")
