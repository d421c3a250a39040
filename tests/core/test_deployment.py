"""README's "Deployment", followed literally against a fresh, empty database owned by an
ordinary role (no superuser, no `make`): collectstatic, migrate, check --deploy, gunicorn; then
the ledger, the API lists and the docs answer 200."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
README = BASE_DIR / "README.md"
DATABASE = "ledger_deploy_test"
ROLE = "ledger_deploy_owner"
PAGES = [
    "/ledger/",
    "/api/v1/ledger/",
    "/api/v1/persons/",
    "/api/v1/statements/",
    "/api/v1/handovers/",
    "/api/docs/",
    "/api/schema/",
    "/healthz",
]


def readme_commands() -> list[str]:
    """The indented commands of README's Deployment section, as written."""
    section = README.read_text().split("## Deployment", 1)[1].split("\n## ", 1)[0]
    block = section.split("\n\n    ", 1)[1].split("\n\n", 1)[0]
    return [line.split("#", 1)[0].strip() for line in ("    " + block).splitlines()]


@pytest.fixture
def fresh_database(db):
    """An empty UTF-8 database on the test server, owned by a role that is no superuser."""
    params = connection.get_connection_params()
    admin = {"host": params["host"], "user": params["user"], "dbname": "postgres"}
    if params.get("port"):
        admin["port"] = params["port"]
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"DROP ROLE IF EXISTS {ROLE}")
        conn.execute(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        conn.execute(
            f"CREATE DATABASE {DATABASE} OWNER {ROLE} ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
    host = urllib.parse.quote(params["host"], safe="")
    port = f":{params['port']}" if params.get("port") else ""
    yield f"postgres://{ROLE}@{host}{port}/{DATABASE}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"DROP ROLE IF EXISTS {ROLE}")


def deploy_env(database_url: str, static_root: Path) -> dict:
    """README's variables: no DEBUG, no demo app, no test settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO_APP", "TEST_DATABASE_NAME"}
    }
    return env | {
        "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ledger.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://ledger.example.org",
        "DATABASE_URL": database_url,
        "BEHIND_PROXY": "1",
        "API_NUM_PROXIES": "1",
        "STATIC_ROOT": str(static_root),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: str, env: dict) -> str:
    done = subprocess.run(
        command.replace("python ", f"{sys.executable} ", 1).split(),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def get(port: int, path: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        # What README's nginx sends on.
        headers={
            "Host": "ledger.example.org",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def serve(command: str, env: dict, port: int, log: Path) -> subprocess.Popen:
    """README's gunicorn line, bound to the loopback on a free port with two workers."""
    command = command.replace("0.0.0.0:8000", f"127.0.0.1:{port}").replace(
        "--workers 4", "--workers 2"
    )
    server = subprocess.Popen(
        [*command.split(), "--no-control-socket"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(240):
        try:
            get(port, "/healthz")
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.25)
    os.killpg(server.pid, 15)
    raise AssertionError("gunicorn did not answer:\n" + log.read_text()[-3000:])


def test_readme_s_deployment_steps_give_a_working_site(fresh_database, tmp_path):
    commands = readme_commands()
    assert [c.split()[:3] for c in commands] == [
        ["python", "manage.py", "collectstatic"],
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "check"],
        ["gunicorn", "config.wsgi:application", "--bind"],
        ["python", "manage.py", "procrastinate"],
    ]
    env = deploy_env(fresh_database, tmp_path / "static")
    collect, migrate, check, gunicorn, _worker = commands

    run(collect, env)
    run(migrate, env)
    assert "System check identified no issues" in run(check, env)
    port = free_port()
    server = serve(gunicorn, env, port, tmp_path / "gunicorn.log")
    try:
        answers = {path: get(port, path) for path in PAGES}
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', answers["/ledger/"][1])
        static = get(port, stylesheet[1]) if stylesheet else (None, "")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)

    log = (tmp_path / "gunicorn.log").read_text()
    assert {path: status for path, (status, _body) in answers.items()} == dict.fromkeys(
        PAGES, 200
    ), log[-3000:]
    assert static[0] == 200
