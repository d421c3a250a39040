"""Outage drill: PostgreSQL stops for 10 s under a write load; the app must answer 503 and recover.

    .venv/bin/python bench/outage.py [--outage 10] [--before 5] [--after 10] [--writers 4]

Never touches the shared database: it starts its own embedded PostgreSQL in ``var/pg-outage``,
migrates and seeds it (``seed_demo --force``, a clerk token), serves the app with gunicorn
(DEBUG off) on a free port of 127.0.0.1, and runs ``--writers`` threads POSTing handovers of
three remains (each with a unique marker and an ``Idempotency-Key``) plus one reader of the
API (a ledger, a list). After ``--before`` seconds the server is stopped (``pg_ctl stop -m fast``)
for ``--outage`` seconds, started again, and the load runs ``--after`` seconds more.

Then it prints the counts and checks, exiting 1 if any fails:
- every answer is 2xx or 503, and each 503 is the API's JSON error, with no traceback;
- every handover answered 2xx is in the database with all its remains; none whose request
  failed is there, and no handover has only part of its remains;
- requests succeed again after the restart (the time to the first 2xx is printed);
- 20 requests sent one after another while the database is down (API reads, a write,
  ``/healthz``) each get their 503 within ``LATENCY_LIMIT`` (1 s); the latencies are printed.
The instance is stopped and its data deleted at the end, whatever happened.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from outage_instance import (
    app_env,
    free_port,
    log_tail,
    pg_ctl,
    remove_instance,
    restart,
    serve,
    set_up,
    start_instance,
)

REMAINS_PER_HANDOVER = 3
# API reads only: a page needs collectstatic's manifest with DEBUG off, which is not this
# script's business (the plain 503 page is covered by tests/core/test_database_unavailable.py).
READ_URLS = ("/api/v1/ledger/sept-2022/ARM/", "/api/v1/handovers/?page_size=5")
PROBES = 20
LATENCY_LIMIT = 1.0


@dataclass
class Answer:
    started: float
    status: int | None  # None: no HTTP answer at all (connection refused or cut)
    kind: str  # "write" or "read"
    marker: str = ""
    ok_body: bool = True  # a 503 in the expected shape, or a 2xx naming its handover
    handover_id: int | None = None
    url: str = ""
    finished: float = 0.0


@dataclass
class Drill:
    base: str
    token: str
    run: str
    stop_at: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0
    probes: list[tuple[str, int | None, float]] = field(default_factory=list)


# --- the load -----------------------------------------------------------------------------


def handover_body(marker: str) -> dict:
    rows = [{"condition": "complete", "notes": f"{marker} row {i}"} for i in range(3)]
    return {
        "conflict": "sept-2022",
        "kind": "remains",
        "date": "2022-10-01",
        "from_party": "AZE",
        "to_party": "ARM",
        "reported_count": REMAINS_PER_HANDOVER,
        "citation": marker,
        "remains": rows,
    }


def send(request: urllib.request.Request) -> tuple[int | None, str, str]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()
    except OSError as error:
        if os.environ.get("OUTAGE_DEBUG"):
            print(repr(error))
        return None, "", ""


def well_formed_503(content_type: str, text: str) -> bool:
    if "Traceback" in text or 'File "' in text:
        return False
    try:
        body = json.loads(text)
    except ValueError:
        return False
    expected = {"status": 503, "code": "database_unavailable", "errors": {}}
    return content_type == "application/json" and body.items() >= expected.items()


def write_once(drill: Drill) -> Answer:
    with drill.lock:
        drill.counter += 1
        marker = f"OUTAGE {drill.run} #{drill.counter}"
    request = urllib.request.Request(
        drill.base + "/api/v1/handovers/",
        data=json.dumps(handover_body(marker)).encode(),
        headers={
            "Authorization": f"Token {drill.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": marker,
        },
        method="POST",
    )
    answer = Answer(time.monotonic(), None, "write", marker)
    answer.status, content_type, text = send(request)
    if answer.status == 201:
        body = json.loads(text)
        answer.handover_id = body.get("id")
        answer.ok_body = body.get("citation") == marker
    elif answer.status == 503:
        answer.ok_body = well_formed_503(content_type, text)
    return answer


def read_once(drill: Drill, url: str) -> Answer:
    answer = Answer(time.monotonic(), None, "read", url=url)
    answer.status, content_type, text = send(urllib.request.Request(drill.base + url))
    if answer.status == 503:
        answer.ok_body = well_formed_503(content_type, text)
    return answer


def probe_outage(drill: Drill) -> None:
    """PROBES requests one after another with the database down: (what, status, seconds)."""
    for turn in range(PROBES):
        started = time.monotonic()
        if turn % 4 == 3:
            what, status = "write", write_once(drill).status
        elif turn % 4 == 2:
            what = "/healthz"
            status = send(urllib.request.Request(drill.base + what))[0]
        else:
            what = READ_URLS[turn % 2]
            status = read_once(drill, what).status
        drill.probes.append((what, status, time.monotonic() - started))


def worker(drill: Drill, kind: str) -> None:
    turn = 0
    while time.monotonic() < drill.stop_at:
        turn += 1
        if kind == "write":
            answer = write_once(drill)
        else:
            answer = read_once(drill, READ_URLS[turn % len(READ_URLS)])
        answer.finished = time.monotonic()
        with drill.lock:
            drill.answers.append(answer)


def run_load(drill: Drill, args, socket_dir: str) -> dict:
    """The load throughout, with the database stopped in the middle; returns the timings."""
    total = args.before + args.outage + args.after + 30  # the restart and slow answers
    drill.stop_at = time.monotonic() + total
    threads = [threading.Thread(target=worker, args=(drill, "write")) for _ in range(args.writers)]
    threads.append(threading.Thread(target=worker, args=(drill, "read")))
    for thread in threads:
        thread.start()
    try:
        time.sleep(args.before)
        stopped = time.monotonic()
        pg_ctl("-w", "-m", "fast", "stop")
        time.sleep(1)  # the workers' pools have found out
        probe_outage(drill)
        time.sleep(max(0.0, args.outage - (time.monotonic() - stopped)))
        restarted = time.monotonic()
        restart(socket_dir)
        up = time.monotonic()
        time.sleep(args.after)
    finally:
        drill.stop_at = 0.0  # the threads finish the request in hand and stop
        for thread in threads:
            thread.join()
    return {"stopped": stopped, "restarted": restarted, "up": up}


def stored_handovers(socket_dir: str, run: str) -> dict[str, tuple[int, int]]:
    """marker -> (handover id, number of its remains) for every handover of this run."""
    import psycopg

    query = (
        "SELECT h.citation, h.id, count(r.id) FROM repatriation_handover h "
        "LEFT JOIN repatriation_remains r ON r.handover_id = h.id "
        "WHERE h.citation LIKE %s GROUP BY h.id"
    )
    with psycopg.connect(host=socket_dir, user="postgres", dbname="ledger") as conn:
        rows = conn.execute(query, [f"OUTAGE {run} #%"]).fetchall()
    return {marker: (pk, remains) for marker, pk, remains in rows}


def check(drill: Drill, stored: dict, times: dict) -> list[tuple[str, bool, str]]:
    answers = drill.answers
    writes = [a for a in answers if a.kind == "write"]
    created = [a for a in writes if a.status == 201]
    failed = [a for a in writes if a.status != 201]
    odd = [a for a in answers if a.status not in (200, 201, 503)]
    if odd:
        print("  unexpected:", sorted({(a.kind, a.url, a.status) for a in odd}))
    after = [a for a in answers if a.finished >= times["up"] and a.status in (200, 201)]
    first_ok = min((a.finished for a in after), default=None)
    whole = [a for a in created if stored.get(a.marker) == (a.handover_id, REMAINS_PER_HANDOVER)]
    partial = [m for m, (_pk, n) in stored.items() if n != REMAINS_PER_HANDOVER]
    ghosts = [a.marker for a in failed if a.marker in stored]
    recovered = "never" if first_ok is None else f"{first_ok - times['up']:.2f} s after restart"
    return [
        ("every answer is 200, 201 or 503", not odd, f"{len(odd)} others"),
        (
            "every 503 is the API's JSON error, no traceback",
            all(a.ok_body for a in answers if a.status == 503),
            f"{sum(not a.ok_body for a in answers if a.status == 503)} malformed",
        ),
        ("every 201 is stored with all its remains", len(whole) == len(created), f"{len(whole)}"),
        ("no failed request left a handover", not ghosts, f"{len(ghosts)} found"),
        ("no handover is half-written", not partial, f"{len(partial)} found"),
        ("requests succeed again after the restart", first_ok is not None, recovered),
        (
            f"{PROBES} requests with the database down each get a 503 within {LATENCY_LIMIT:.0f} s",
            len(drill.probes) == PROBES
            and all(s == 503 and t <= LATENCY_LIMIT for _w, s, t in drill.probes),
            f"slowest {max((t for _w, _s, t in drill.probes), default=0):.2f} s",
        ),
    ]


def report(drill: Drill, args, times: dict, checks: list) -> None:
    answers = drill.answers
    print(f"\nOutage drill: {args.writers} writers + 1 reader, database stopped {args.outage} s")
    for kind in ("write", "read"):
        mine = [a for a in answers if a.kind == kind]
        counts = {
            "sent": len(mine),
            "2xx": sum(1 for a in mine if a.status in (200, 201)),
            "503": sum(1 for a in mine if a.status == 503),
            "other": sum(1 for a in mine if a.status not in (None, 200, 201, 503)),
            "no answer": sum(1 for a in mine if a.status is None),
        }
        print(f"  {kind + 's':7s} " + "  ".join(f"{k} {v}" for k, v in counts.items()))
    during = [a for a in answers if times["stopped"] <= a.started < times["up"]]
    print(f"  sent while the database was down: {len(during)}")
    late = [a for a in answers if a.started >= times["up"] and a.status not in (200, 201)]
    print(f"  sent after the restart and failed: {len(late)}")
    print(f"  restart took {times['up'] - times['restarted']:.2f} s")
    latencies = sorted(t for _w, _s, t in drill.probes)
    if latencies:
        print(
            f"  503 latency, {len(latencies)} probes with the database down: "
            f"median {latencies[len(latencies) // 2]:.3f} s, slowest {latencies[-1]:.3f} s"
        )
        for what, status, seconds in drill.probes:
            print(f"    {what:34s} {status}  {seconds:.3f} s")
    outage_503 = sorted(
        a.finished - a.started for a in answers if a.status == 503 and a.kind in ("read", "write")
    )
    if outage_503:
        print(
            f"  every 503 of the load ({len(outage_503)}): "
            f"median {outage_503[len(outage_503) // 2]:.3f} s, slowest {outage_503[-1]:.3f} s"
        )
    for label, passed, detail in checks:
        print(f"  [{'ok' if passed else 'FAIL'}] {label} ({detail})")


def prepare(marks: dict) -> tuple[subprocess.Popen, Drill, str]:
    """The private database, migrated and seeded, and gunicorn serving it."""
    socket_dir = start_instance()
    env = app_env(socket_dir)
    marks["cluster"] = time.monotonic()
    token = set_up(env, socket_dir)
    marks["migrate and seed"] = time.monotonic()
    port = free_port()
    server = serve(env, port)
    marks["gunicorn"] = time.monotonic()
    drill = Drill(base=f"http://127.0.0.1:{port}", token=token, run=f"{time.time():.0f}")
    return server, drill, socket_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=10)
    parser.add_argument("--before", type=float, default=5)
    parser.add_argument("--after", type=float, default=10)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    marks = {"began": time.monotonic()}
    server, checks = None, []
    try:
        server, drill, socket_dir = prepare(marks)
        times = run_load(drill, args, socket_dir)
        checks = check(drill, stored_handovers(socket_dir, drill.run), times)
        report(drill, args, times, checks)
        if not all(passed for _label, passed, _detail in checks):
            print("\nThe end of gunicorn's log:\n" + log_tail())
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        remove_instance()
    steps = list(marks.items())
    phases = ", ".join(
        f"{name} {at - before:.0f} s"
        for (_, before), (name, at) in zip(steps, steps[1:], strict=False)
    )
    print(f"  set-up: {phases}")
    print(f"  whole drill, set-up and clean-up included: {time.monotonic() - marks['began']:.0f} s")
    return 0 if checks and all(passed for _label, passed, _detail in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
