"""How long a login lasts: at most ``SESSION_COOKIE_AGE`` in all, and ``SESSION_IDLE_TIMEOUT``
without a request.

Django alone gives one sliding lifetime: each save of the session pushes its expiry forward,
so a session used now and then would never end, and making the lifetime short (with
``SESSION_SAVE_EVERY_REQUEST``) would log a clerk out in the middle of a long day's work and
write the session on every request. This middleware keeps two times in the session instead —
when the login happened and when the last request came — and ends the login when either limit
is passed. The last-request time is written at most once a minute, so a page view does not
usually write the session at all.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

LOGGED_IN_AT = "_logged_in_at"
LAST_SEEN_AT = "_last_seen_at"
# How stale the stored last-request time may get before it is written again: the idle timeout
# is then enforced to within this much.
SEEN_PRECISION_SECONDS = 60

IDLE_MESSAGE = _("You were logged out after a while without activity. Please log in again.")
EXPIRED_MESSAGE = _("Your login has expired. Please log in again.")


def connect_receivers() -> None:
    user_logged_in.connect(stamp_login, dispatch_uid="stamp_login")


def stamp_login(sender, request, user, **kwargs):
    """A new login starts both clocks (without this the first request would write them)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGGED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def expiry_message(session, now: int):
    """Why this session's login has ended, or None while it is still valid."""
    logged_in_at = session.get(LOGGED_IN_AT, now)
    last_seen_at = session.get(LAST_SEEN_AT, now)
    if now - logged_in_at > settings.SESSION_COOKIE_AGE:
        return EXPIRED_MESSAGE
    if now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
        return IDLE_MESSAGE
    return None


class SessionExpiryMiddleware:
    """Logs out a session past its lifetime or idle timeout; after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only sessions with a login: reading the key needs no user query.
        if SESSION_KEY in request.session:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = int(time.time())
        message = expiry_message(session, now)
        if message:
            logout(request)
            messages.info(request, message)
            return
        session.setdefault(LOGGED_IN_AT, now)
        if now - session.get(LAST_SEEN_AT, 0) >= SEEN_PRECISION_SECONDS:
            session[LAST_SEEN_AT] = now
