from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.api.roles import is_staff


class RoleRateThrottle(SimpleRateThrottle):
    """One rate per kind of caller (settings ``anon``, ``journalist``, ``staff``), counted in the
    shared cache: anonymous callers per address, the others per account."""

    def __init__(self):
        # The scope, and so the rate, is known only once the request's caller is.
        pass

    def allow_request(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            self.scope = "anon"
        else:
            self.scope = "staff" if is_staff(user) else "journalist"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        # Read at each request, not frozen at import, so settings (and tests) can change it.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        ident = self.get_ident(request) if self.scope == "anon" else request.user.pk
        return self.cache_format % {"scope": self.scope, "ident": ident}
