"""Benchmark: the same measurements at 50,000 and at 1,000,000 persons, side by side.

    .venv/bin/python bench/scale.py [--sizes 50k,1m] [--seconds 10] [--sync-rows 0]

Each size has a database of its own on the embedded server (``scale50k``, ``scale1m``; never
the dev database ``ledger`` nor a test database), created, migrated and filled by
``generate_data`` when missing (50k: 50,000 persons, 2,000 handovers × 30 remains, 500
statements; 1m: 1,000,000 persons, 5,000 handovers × 50 remains, 3,000 statements), its cached
answers emptied before each run. For each, gunicorn serves the app (DEBUG off, throttles
raised, 3 workers) and the script measures:

- ``/healthz`` and a persons page (100 rows) that differs at every request, with wrk
  (16 connections; a Lua script numbers the pages), as requests/s, and the page's p99;
- a full sync of the persons by ``cursor`` (1,000 a page), rows/s (``--sync-rows`` stops early);
- name search (``?q=``, distinct names, one after another): p50 and p95;
- the ledger computed (a distinct ``as_of`` each time, so never cached), after the data and
  inside it: p50, p95 (after 28 requests that warm the workers' prepared queries);
- the persons CSV streamed whole: seconds, rows, and the serving worker's peak RSS growth.
Prints one table, a column per size. Figures only; nothing is asserted.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"
PORT = 8079
LEDGER = "/api/v1/ledger/synthetic/SYN-A/"
WARM = range(1, 29)  # ledger requests before the measured ones: 3 workers, 6+ runs each
BASE = f"http://127.0.0.1:{PORT}"
# persons, handovers, remains per handover, statements
SIZES = {"50k": (50_000, 2_000, 30, 500), "1m": (1_000_000, 5_000, 50, 3_000)}
# Pages 1 to PAGES of 100 rows, one after another (never past the end of the 50k list).
DISTINCT_PAGES = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/persons/?page_size=100&page=" .. (counter % {pages} + 1))
end
"""
SEARCHES = [
    "Петросян",
    "Иванов",
    "Aram",
    "Petrosyan",
    "Ivanov Sergei",
    "Դավիթ Հակոբյան",
    "Smirnov",
    "Grigoryan",
    "Karapetian",
    "Kuznetsov Oleg",
    "Tigran",
    "Sidorov",
    "Vardanyan Hayk",
    "Морозов",
    "Pavlov",
    "Sargsyan Narek",
    "Lebedev",
    "Avetisyan",
    "Zaytsev",
    "Manukyan",
    "Volkov Roman",
]


def env_for(database: str) -> dict:
    socket = urllib.parse.quote(str(ROOT / "var" / "pg"), safe="")
    return {
        **os.environ,
        "DEBUG": "0",
        "DEMO_APP": "1",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@{socket}/{database}",
        "API_THROTTLE_ANON": "100000000/minute",
        "API_THROTTLE_JOURNALIST": "100000000/minute",
    }


def generate_options(size: str) -> list[str]:
    names = ("--persons", "--handovers", "--remains-per-handover", "--statements")
    return [
        part for name, value in zip(names, SIZES[size], strict=True) for part in (name, str(value))
    ]


def ensure_data(size: str) -> None:
    """Create, migrate and fill the size's database unless it already holds the data."""
    database = f"scale{size}"
    manage = [PYTHON, "manage.py"]
    dev = {**os.environ, "DEBUG": "1"}
    subprocess.run([*manage, "check"], cwd=ROOT, env=dev, check=True, capture_output=True)
    import psycopg  # the embedded server now runs

    with psycopg.connect(
        host=str(ROOT / "var" / "pg"), user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(
                f"CREATE DATABASE \"{database}\" ENCODING 'UTF8' TEMPLATE template0 "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    env = env_for(database)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    generate = [*manage, "generate_data", "--force", *generate_options(size)]
    done = subprocess.run(generate, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode == 0:
        print(done.stdout)
    elif "already has data" not in done.stderr:
        sys.exit(done.stderr[-2000:])


def empty_cache(database: str) -> None:
    """Forget the answers an earlier run cached: unless the data changed since, their data
    version is still current, and they would be served instead of computed."""
    import psycopg  # as in ensure_data

    with psycopg.connect(host=str(ROOT / "var" / "pg"), user="postgres", dbname=database) as conn:
        conn.execute("DELETE FROM django_cache")


def serve(database: str) -> subprocess.Popen:
    gunicorn = [ROOT / ".venv/bin/gunicorn", "config.wsgi", "-w", "3", "--no-control-socket"]
    server = subprocess.Popen(
        [*gunicorn, "-b", f"127.0.0.1:{PORT}", "--log-level", "warning", "--timeout", "300"],
        cwd=ROOT,
        env=env_for(database),
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def wrk(path: str, seconds: int, script: str | None = None) -> tuple[float, float]:
    """(requests/s, p99 ms)."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        out = subprocess.run(
            [*command, BASE + path], capture_output=True, text=True, check=True
        ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  wrk {path}: {errors.group(1)} non-2xx answers", file=sys.stderr)
    value, unit = re.search(r"\s99%\s+([\d.]+)(\w+)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), p99


def get(path: str) -> tuple[dict, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(BASE + path, timeout=300) as response:
        body = json.loads(response.read())
    return body, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cursor_sync(limit: int) -> tuple[float, int]:
    """(rows/s, rows) of a walk by cursor, 1,000 a page."""
    url, rows, started = "/api/v1/persons/?page_size=1000&cursor=", 0, time.perf_counter()
    while url and (not limit or rows < limit):
        body, _ = get(url)
        rows += len(body["results"])
        url = body["next"] and body["next"].removeprefix(BASE)
    return rows / (time.perf_counter() - started), rows


def optional(measure, *args):
    """``measure(*args)``, or None where the data lacks what it reads (a 404)."""
    try:
        return measure(*args)
    except urllib.error.HTTPError:
        return None


def latencies(paths: list[str]) -> list[float]:
    return [get(path)[1] * 1000 for path in paths]


def csv_export() -> tuple[float, int, float]:
    """(seconds, rows, peak RSS growth of the gunicorn workers in MB) for the persons CSV."""
    workers = [p for p in psutil.process_iter(["cmdline"]) if _is_worker(p)]
    before = {p.pid: p.memory_info().rss for p in workers}
    peak, done = dict(before), threading.Event()

    def sample():
        while not done.is_set():
            for p in workers:
                with contextlib.suppress(psutil.Error):
                    peak[p.pid] = max(peak[p.pid], p.memory_info().rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    with urllib.request.urlopen(BASE + "/api/v1/persons/?format=csv", timeout=600) as response:
        rows = sum(1 for _ in response) - 1
    took = time.perf_counter() - started
    done.set()
    sampler.join()
    growth = max(peak[pid] - before[pid] for pid in before) / 2**20 if before else 0.0
    return took, rows, growth


def _is_worker(process) -> bool:
    cmdline = " ".join(process.info.get("cmdline") or [])
    return "gunicorn" in cmdline and f"127.0.0.1:{PORT}" in cmdline and process.children() == []


def measure(size: str, seconds: int, sync_rows: int) -> dict[str, str]:
    """Figures at one size; ``db:NAME`` measures the database NAME as it is (read only)."""
    database = size.removeprefix("db:")
    if database == size:
        ensure_data(size)
        database = f"scale{size}"
        empty_cache(database)
    server = serve(database)
    figures = {}
    try:
        get("/api/v1/persons/?page_size=100")  # warm the pools and the buffers
        health, _ = wrk("/healthz", seconds)
        pages = min(2000, SIZES[size][0] // 100) if size in SIZES else 2000
        page, page_p99 = wrk("/api/v1/persons/", seconds, DISTINCT_PAGES.format(pages=pages))
        figures["/healthz req/s"] = f"{health:,.0f}"
        figures["distinct persons page req/s"] = f"{page:,.0f} ({page / health:.0%})"
        figures["distinct persons page p99"] = f"{page_p99:.0f} ms"
        rate, rows = cursor_sync(sync_rows)
        figures["cursor sync rows/s"] = f"{rate:,.0f} ({rows:,} rows)"
        count = get("/api/v1/persons/?page_size=1")[0]
        figures["persons count"] = f"{count['count']:,}" + (
            " (est.)" if count.get("count_estimated") else ""
        )
        searched = latencies([f"/api/v1/persons/?q={urllib.parse.quote(q)}" for q in SEARCHES])
        figures["name search p50 / p95"] = (
            f"{statistics.median(searched):.0f} / {percentile(searched, 0.95):.0f} ms"
        )
        # A running server has planned the ledger's prepared queries long before (once per
        # connection, core/db/prepared.py): warm each worker's with days not measured below.
        optional(latencies, [f"{LEDGER}?as_of=2026-01-{n:02d}" for n in WARM])
        ledgers = optional(
            latencies,
            [f"{LEDGER}?as_of=2025-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(20)],
        )
        if ledgers:
            figures["ledger computed p50 / p95"] = (
                f"{statistics.median(ledgers):.0f} / {percentile(ledgers, 0.95):.0f} ms"
            )
        # Days inside the data too (it spans 2023 and 2024): as of those, less of it counts.
        inside = optional(
            latencies,
            [
                f"{LEDGER}?as_of="
                + (datetime.date(2023, 1, 15) + datetime.timedelta(days=35 * n)).isoformat()
                for n in range(20)
            ],
        )
        if inside:
            figures["ledger computed inside the data p50 / p95"] = (
                f"{statistics.median(inside):.0f} / {percentile(inside, 0.95):.0f} ms"
            )
        took, rows, growth = csv_export()
        figures["persons CSV"] = f"{took:.1f} s, {rows:,} rows, +{growth:.0f} MB RSS"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50k,1m")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per URL")
    parser.add_argument("--sync-rows", type=int, default=0, help="stop the sync early (0: all)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    sizes = args.sizes.split(",")
    results = {}
    for size in sizes:
        print(f"measuring {size} …", flush=True)
        results[size] = measure(size, args.seconds, args.sync_rows)
    rows = list(next(iter(results.values())))
    width = max(len(row) for row in rows) + 2
    print(f"\n{'':<{width}}" + "".join(f"{size:>34}" for size in sizes))
    for row in rows:
        print(f"{row:<{width}}" + "".join(f"{results[s].get(row, '-'):>34}" for s in sizes))
    print(f"\ngunicorn 3 workers, wrk 2 threads 16 connections {args.seconds} s; {time.ctime()}")


if __name__ == "__main__":
    main()
