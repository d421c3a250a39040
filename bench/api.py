"""Benchmark: the API under load, served as in production. Prints figures; asserts nothing.

    .venv/bin/python bench/api.py [--seconds 20] [--workers 3] [--generate]

Serves the app with gunicorn (DEBUG off, throttles raised) on 127.0.0.1 only, drives each URL
with wrk (Debian package ``wrk``) for ``--seconds``, and downloads the full persons CSV.
Data: the ``synthetic`` conflict of ``manage.py generate_data`` (50,000 persons …); with
``--generate``, or when it is missing, it is generated first.
Targets (issue 4): persons page ≥ 25 % of /healthz requests/s; the 50,000-row CSV in ≤ 3 s.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PORT = 8077
BASE = f"http://127.0.0.1:{PORT}"
URLS = [
    ("/healthz", "/healthz"),
    ("persons, 100 a page", "/api/v1/persons/?page_size=100"),
    ("one ledger", "/api/v1/ledger/synthetic/SYN-A/"),
]
ENV = {
    **os.environ,
    "DEBUG": "0",
    "DEMO_APP": "1",  # generate_data
    "SECRET_KEY": "benchmark-only",
    "ALLOWED_HOSTS": "127.0.0.1",
    "API_THROTTLE_ANON": "100000000/minute",
    "API_THROTTLE_JOURNALIST": "100000000/minute",
}


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def has_synthetic_data() -> bool:
    probe = (
        "from casualties.models import Person; "
        "print(Person.objects.filter(conflict__slug='synthetic').count())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", probe],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    # The shell may print a banner first; the count is the last line.
    last = out.stdout.strip().splitlines()[-1:] or [""]
    return out.returncode == 0 and last[0].isdigit() and int(last[0]) > 0


def serve(workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            ROOT / ".venv/bin/gunicorn",
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group()), re.sub(r"[\d.]+", "", text)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def drive(url: str, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", BASE + url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def download_csv() -> tuple[float, int]:
    start = time.perf_counter()
    url = BASE + "/api/v1/persons/?format=csv&conflict=synthetic"
    with urllib.request.urlopen(url, timeout=120) as response:
        rows = sum(1 for _ in response) - 1
    return time.perf_counter() - start, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--generate", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    manage("migrate", "--noinput", "-v0")
    if args.generate or not has_synthetic_data():
        manage("generate_data", "--replace", "--force")

    server = serve(args.workers)
    try:
        results = {label: drive(url, args.seconds) for label, url in URLS}
        csv_seconds, csv_rows = download_csv()
    finally:
        stop(server)

    ceiling = results["/healthz"]["rate"]
    print(
        f"\ngunicorn, {args.workers} workers; wrk 2 threads, 16 connections, {args.seconds} s each"
    )
    columns = ("req/s", "p50 ms", "p99 ms", "of /healthz", "non-2xx")
    print(f"  {'':22s} " + " ".join(f"{c:>11s}" for c in columns))
    for label, r in results.items():
        share = r["rate"] / ceiling
        cells = (f"{r['rate']:.1f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", f"{share:.0%}")
        print(f"  {label:22s} " + " ".join(f"{c:>11s}" for c in (*cells, str(r["errors"]))))
    print(f"  persons CSV: {csv_rows:,} rows in {csv_seconds:.2f} s (target ≤ 3 s)")


if __name__ == "__main__":
    main()
