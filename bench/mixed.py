"""Benchmark: public reads while clerks write (issue 21). Prints figures; asserts nothing.

    .venv/bin/python bench/mixed.py [--seconds 60] [--connections 100] [--writers 10]
                                    [--scenarios alone,same,other]

Never touches the shared database: like the outage drill it starts its own embedded PostgreSQL
(``var/pg-mixed``), migrates, seeds the demo, runs ``collectstatic`` into it, and serves the app
with gunicorn as in production (3 workers, DEBUG off, throttles raised) on 127.0.0.1. Readers
are wrk (Debian package ``wrk``), ``--connections`` of them, spread evenly over the public ledger
page, the ledger JSON, a persons page, the handover list (those three of sept-2022/ARM) and
``/ledger/``. Writers are ``--writers`` threads, each with a clerk's and a verifier's token of its
own, POSTing handovers of three remains and having them verified, so the ledgers do change.

Scenarios: ``alone`` (no writers), ``same`` (writers enter handovers to the ledger being read),
``other`` (to a ledger of another conflict). Each prints read req/s, read p50/p99, write p50/p99
(create and verify), errors, writes touching the read ledger, and the staleness check: after
each verify a writer reads the ledger it wrote to, which must count every handover verified
before that read began.
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import outage_instance as instance

instance.PGDATA = instance.ROOT / "var" / "pg-mixed"
READ_CONFLICT, PARTY, OTHER_CONFLICT = "sept-2022", "ARM", "bench-other"
READ_PATHS = [
    f"/ledger/{READ_CONFLICT}/{PARTY}/",
    f"/api/v1/ledger/{READ_CONFLICT}/{PARTY}/",
    f"/api/v1/persons/?conflict={READ_CONFLICT}&party={PARTY}",
    f"/api/v1/handovers/?conflict={READ_CONFLICT}&party={PARTY}",
    "/ledger/",
]
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""
# One process: users, tokens and the other conflict for the writers (tokens printed as JSON).
SET_UP = """
import datetime, io, json, django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from knox.models import AuthToken
from casualties.models import Conflict
call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo", force=True, stdout=io.StringIO())
call_command("collectstatic", interactive=False, verbosity=0)
Conflict.objects.get_or_create(slug="%(other)s", defaults={
    "name": "Benchmark conflict", "start_date": datetime.date(2023, 1, 1)})
tokens = []
for i in range(%(writers)d):
    pair = []
    for role in ("clerk", "verifier"):
        user, _ = User.objects.get_or_create(username=f"bench-{role}-{i}")
        user.groups.set(User.objects.get(username=role).groups.all())
        pair.append(AuthToken.objects.create(user)[1])
    tokens.append(pair)
print(json.dumps(tokens))
"""


def set_up(env: dict, socket_dir: str, writers: int) -> list:
    instance.durability("off", socket_dir)
    script = SET_UP % {"other": OTHER_CONFLICT, "writers": writers}
    done = subprocess.run(
        [instance.PYTHON, "-c", script], cwd=instance.ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"setting up the database failed:\n{done.stderr[-3000:]}")
    instance.durability("on", socket_dir)
    return json.loads(done.stdout.strip().splitlines()[-1])


class Writers:
    """``len(tokens)`` threads entering and verifying 3-row handovers until ``stop`` is set."""

    def __init__(self, port: int, tokens: list, conflict: str, date: str):
        self.port, self.tokens, self.conflict, self.date = port, tokens, conflict, date
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.create_ms, self.verify_ms, self.errors, self.stale = [], [], 0, 0
        self.verified = 0
        self.base = self.handovers_in_ledger(http.client.HTTPConnection("127.0.0.1", port))

    def handovers_in_ledger(self, conn) -> int:
        conn.request("GET", f"/api/v1/ledger/{self.conflict}/{PARTY}/")
        response = conn.getresponse()
        body = response.read()
        return json.loads(body)["returned"]["handovers"] if response.status == 200 else -1

    def call(self, conn, path: str, token: str, body: dict) -> tuple[int, dict, float]:
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        start = time.perf_counter()
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        data = response.read()
        took = (time.perf_counter() - start) * 1000
        return response.status, (json.loads(data) if data else {}), took

    def handover(self) -> dict:
        rows = [{"condition": "complete", "identification": "unidentified"}] * 3
        return {
            "conflict": self.conflict, "kind": "remains", "date": self.date,
            "location": "Benchmark", "from_party": "AZE", "to_party": PARTY,
            "reported_count": 3, "citation": "Benchmark", "remains": rows,
        }  # fmt: skip

    def run(self, clerk: str, verifier: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            try:
                status, body, took = self.call(conn, "/api/v1/handovers/", clerk, self.handover())
                if status != 201:
                    raise ValueError(status)
                self.create_ms.append(took)
                path = f"/api/v1/handovers/{body['id']}/verify/"
                status, _body, took = self.call(conn, path, verifier, {})
                if status != 200:
                    raise ValueError(status)
                self.verify_ms.append(took)
                with self.lock:
                    self.verified += 1
                    expected = self.base + self.verified
                if self.handovers_in_ledger(conn) < expected:
                    self.stale += 1
            except (OSError, ValueError, http.client.HTTPException):
                self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.run, args=pair) for pair in self.tokens]
        for thread in threads:
            thread.start()
        return threads


def wrk(port: int, seconds: int, connections: int, paths: list[str] = READ_PATHS) -> dict:
    paths = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": paths})
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    done = subprocess.run(
        [*command, "-s", script.name, f"http://127.0.0.1:{port}"], capture_output=True, text=True
    )
    os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50, p99, errors = map(int, line.split()[1:])
    return {"rps": requests / (duration_us / 1e6), "p50": p50 / 1000, "p99": p99 / 1000,
            "errors": errors, "requests": requests}  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]
    )


def scenario(name: str, port: int, tokens: list, args) -> None:
    writers, threads = None, []
    if name != "alone":
        conflict, date = (
            (READ_CONFLICT, "2022-12-01") if name == "same" else (OTHER_CONFLICT, "2023-02-01")
        )
        writers = Writers(port, tokens, conflict, date)
        threads = writers.start()
    reads = wrk(port, args.seconds, args.connections)
    if writers:
        writers.stop.set()
        for thread in threads:
            thread.join()
    print(f"\n{name}: {args.connections} readers, {len(threads)} writers, {args.seconds} s")
    print(
        f"  reads   {reads['rps']:8.1f} req/s  p50 {reads['p50']:7.1f} ms  "
        f"p99 {reads['p99']:7.1f} ms  errors {reads['errors']} of {reads['requests']}"
    )
    if writers:
        touching = writers.verified if name == "same" else 0
        print(f"  writes  {len(writers.create_ms)} created, {writers.verified} verified, "
              f"errors {writers.errors}; touching the read ledger: {touching}")  # fmt: skip
        for label, values in (("create", writers.create_ms), ("verify", writers.verify_ms)):
            print(f"  {label}  p50 {percentile(values, 0.5):7.1f} ms  "
                  f"p99 {percentile(values, 0.99):7.1f} ms")  # fmt: skip
        print(f"  stale reads after a verify: {writers.stale} of {writers.verified}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--scenarios", default="alone,same,other")
    parser.add_argument("--per-url", action="store_true", help="each read URL alone first")
    parser.add_argument(
        "--global-version", action="store_true", help="key every answer on the global version"
    )
    args = parser.parse_args()
    server = None
    try:
        socket_dir = instance.start_instance()
        env = {**instance.app_env(socket_dir), "SECRET_KEY": "benchmark-only",
               "STATIC_ROOT": str(instance.PGDATA / "static"),
               "API_THROTTLE_JOURNALIST": "100000000/minute",
               "SCOPED_DATA_VERSIONS": "0" if args.global_version else "1"}  # fmt: skip
        tokens = set_up(env, socket_dir, args.writers)
        port = instance.free_port()
        server = instance.serve(env, port)
        for path in READ_PATHS:  # warm the caches and the workers
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            status = conn.getresponse().status
            print(f"warm-up {path}: {status}")
        for path in READ_PATHS if args.per_url else ():
            alone = wrk(port, 10, args.connections, [path])
            print(f"  alone, {path}: {alone['rps']:.1f} req/s, p50 {alone['p50']:.1f} ms")
        for name in args.scenarios.split(","):
            scenario(name, port, tokens, args)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        instance.remove_instance()


if __name__ == "__main__":
    Path(instance.ROOT / "var").mkdir(exist_ok=True)
    main()
