"""API rate limits per kind of caller, counted in PostgreSQL so all workers count together.

A fixed window per caller: one atomic statement per request counts the request and returns
the count so far (unlike DRF's sliding window, which rewrites the caller's whole request
history into the cache on every request). The same statement drops the caller's earlier
windows, so the table keeps at most one row per caller.
"""

import time

from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.tiers import is_staff

COUNT = """
    WITH earlier AS (
        DELETE FROM api_throttle WHERE bucket = %(bucket)s AND window_start < %(window)s
    )
    INSERT INTO api_throttle (bucket, window_start, hits) VALUES (%(bucket)s, %(window)s, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = api_throttle.hits + 1
    RETURNING hits
"""


class RoleRateThrottle(BaseThrottle):
    """Settings ``DEFAULT_THROTTLE_RATES``: ``anon`` per address, ``journalist`` and ``staff``
    per account."""

    def allow_request(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            scope, ident = "anon", self.get_ident(request)
        else:
            scope, ident = ("staff" if is_staff(user) else "journalist"), user.pk
        limit, self.duration = self.parse_rate(api_settings.DEFAULT_THROTTLE_RATES[scope])
        now = time.time()
        self.window_start = int(now // self.duration * self.duration)
        self.now = now
        with connection.cursor() as cursor:
            cursor.execute(COUNT, {"bucket": f"{scope}:{ident}", "window": self.window_start})
            hits = cursor.fetchone()[0]
        return hits <= limit

    def wait(self):
        return self.window_start + self.duration - self.now

    @staticmethod
    def parse_rate(rate: str) -> tuple[int, int]:
        """``"120/minute"`` → (120, 60)."""
        number, period = rate.split("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        return int(number), seconds
