from django.apps import AppConfig, apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from core.audit_trail import allow_truncate_for_tests, install_after_migrate
from core.db.embedded import require_utf8


class CoreConfig(AppConfig):
    """Infrastructure every app uses; it imports none of them."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        connection_created.connect(require_utf8, dispatch_uid="require_utf8")
        connection_created.connect(allow_truncate_for_tests, dispatch_uid="audit_truncate")
        # After every migrate, whatever it changed: the audit trail's guards and chain on every
        # event table there is then (core/audit_trail.py). Sent per app that has models, which
        # core has not: pghistory's signal, once per migrate.
        pghistory_app = apps.get_app_config("pghistory")
        post_migrate.connect(install_after_migrate, sender=pghistory_app, dispatch_uid="audit")
