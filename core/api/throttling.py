"""API rate limits per kind of caller, counted in PostgreSQL so all workers count together.

A fixed window per caller: one atomic statement per request counts the request and returns
the count so far (unlike DRF's sliding window, which rewrites the caller's whole request
history into the cache on every request). The same statement drops the caller's earlier
windows; callers who never come back leave their last window behind, which the periodic task
``core.tasks.purge_api_throttle`` deletes (``throttle_purge``).

An anonymous caller is the connection's address (``core.clients``; X-Forwarded-For only behind
``API_NUM_PROXIES`` proxies), and every caller's key is stored hashed: a fixed length, whatever
a header held, so no value can outgrow the primary key's index.
"""

import hashlib
import time

from django.conf import settings
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.clients import client_address
from core.tiers import is_staff

COUNT = """
    WITH earlier AS (
        DELETE FROM api_throttle WHERE bucket = %(bucket)s AND window_start < %(window)s
    )
    INSERT INTO api_throttle (bucket, window_start, hits) VALUES (%(bucket)s, %(window)s, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = api_throttle.hits + 1
    RETURNING hits
"""
PURGE = "DELETE FROM api_throttle WHERE window_start < %s"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def bucket(scope: str, ident) -> str:
    """The stored key of one caller: the scope, and a hash of who it is."""
    digest = hashlib.sha256(str(ident).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{scope}:{digest}"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60)."""
    number, period = rate.split("/")
    return int(number), PERIOD_SECONDS[period[0]]


def throttle_purge(now: float | None = None) -> int:
    """Delete the windows that ended before now (the longest rate's period decides); returns
    how many rows went."""
    now = time.time() if now is None else now
    longest = max(parse_rate(rate)[1] for rate in api_settings.DEFAULT_THROTTLE_RATES.values())
    with connection.cursor() as cursor:
        cursor.execute(PURGE, [int(now) - longest])
        return cursor.rowcount


class RoleRateThrottle(BaseThrottle):
    """Settings ``DEFAULT_THROTTLE_RATES``: ``anon`` per address, ``journalist`` and ``staff``
    per account."""

    def allow_request(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            scope, ident = "anon", self.get_ident(request)
        else:
            scope, ident = ("staff" if is_staff(user) else "journalist"), user.pk
        limit, self.duration = parse_rate(api_settings.DEFAULT_THROTTLE_RATES[scope])
        now = time.time()
        self.window_start = int(now // self.duration * self.duration)
        self.now = now
        with connection.cursor() as cursor:
            cursor.execute(COUNT, {"bucket": bucket(scope, ident), "window": self.window_start})
            hits = cursor.fetchone()[0]
        return hits <= limit

    def get_ident(self, request):
        return client_address(request, settings.API_NUM_PROXIES)

    def wait(self):
        return self.window_start + self.duration - self.now
