"""``manage.py runtime_role_grants --role ledger_app``: the GRANTs of the runtime role.

The runtime role reads and writes rows and owns nothing: it cannot TRUNCATE, ALTER a table (so
cannot disable a trigger) nor set ``session_replication_role`` (a superuser's parameter). The
audit trail's tables take only SELECT and INSERT (the context table also the UPDATE pghistory's
upsert needs, which its guard limits to adding keys); the chain's tables take SELECT only, as
their triggers write them with their owner's rights. Run the output as the migration role after
every ``migrate``: a table added by a release gets its grants then.
"""

from django.core.management.base import BaseCommand
from django.db import connections

from core.audit_trail import event_models

CHAIN_TABLES = {"core_audit_link", "core_audit_head", "django_migrations"}
CONTEXT = "pghistory_context"


def grant_statements(role: str, using: str = "default") -> list[str]:
    connection = connections[using]
    quote = connection.ops.quote_name
    role = quote(role)
    tables = sorted(connection.introspection.table_names(include_views=False))
    events = {model._meta.db_table for model in event_models()}
    database = quote(connection.settings_dict["NAME"])
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    for table in tables:
        if table in events:
            rights = "SELECT, INSERT"
        elif table == CONTEXT:
            rights = "SELECT, INSERT, UPDATE"
        elif table in CHAIN_TABLES:
            rights = "SELECT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {quote(table)} TO {role}")
    return statements


class Command(BaseCommand):
    help = "Print the GRANT statements of the runtime database role (rows only, owns nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--role", default="ledger_app")
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, database, **options):
        for statement in grant_statements(role, database):
            self.stdout.write(f"{statement};")
