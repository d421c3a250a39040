"""The database settings (read by config/settings.py): DATABASE_URL or the embedded PostgreSQL,
the connection pool, prepared statements, and a read replica.

DATABASE_URL   postgres://user:pass@host:port/name; without it an embedded PostgreSQL under var/.
DATABASE_POOL  "0" to turn psycopg's connection pool off (e.g. behind PgBouncer).
DATABASE_PREPARED  "0" to run the ledger's queries unprepared (PgBouncer before 1.21).
DATABASE_REPLICA_URL  optional read replica for public reads (core/db/replica.py).
DATABASE_REPLICA_TIMEOUT, DATABASE_REPLICA_RETRY_SECONDS
               a replica that does not connect within 0.5 s is left alone for 5 s (primary reads).
"""

import os
from pathlib import Path

import dj_database_url

from config.env import env_bool
from core.db.embedded import embedded_database
from core.db.routers import replica_database

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASE_URL = os.environ.get("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
else:
    DATABASES = {"default": embedded_database(BASE_DIR / "var" / "pg")}

DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not.
OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
# Short queries: parallel workers cost more to start than they save (bench/README.md, issue 19).
OPTIONS.setdefault("options", "-c max_parallel_workers_per_gather=0")
# The ledger's fixed queries are prepared on each connection the first time they run there
# (core/db/prepared.py); every other query binds on the client and is never prepared.
OPTIONS["prepare_threshold"] = 0 if env_bool("DATABASE_PREPARED", default=True) else None
if env_bool("DATABASE_POOL", default=True):
    # A short checkout timeout (DATABASE_POOL_TIMEOUT): with the database down a request answers
    # 503 within a second; a sync worker uses one connection at a time, so a healthy pool never
    # makes it wait that long.
    timeout = float(os.environ.get("DATABASE_POOL_TIMEOUT", "0.25"))
    OPTIONS["pool"] = {"min_size": 1, "max_size": 10, "timeout": timeout}
    # The pool checks a connection before lending it (one empty round trip): after a database
    # restart the dead connections it holds are replaced instead of failing one request each.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Scale-out: with DATABASE_REPLICA_URL, public reads (anonymous and journalist GETs of the API
# and the ledger pages) go to that read replica and everything else to the primary
# (core/db/replica.py says which reads, and why; config/settings.py adds its middleware).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL")
DATABASE_REPLICA_TIMEOUT = float(os.environ.get("DATABASE_REPLICA_TIMEOUT", "0.5"))
DATABASE_REPLICA_RETRY_SECONDS = float(os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "5"))
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(
        DATABASE_REPLICA_URL, DATABASES["default"], timeout=DATABASE_REPLICA_TIMEOUT
    )
    DATABASE_ROUTERS = ["core.db.routers.ReplicaRouter"]
