"""Login protection (django-axes): the backend, the client's address, and the lockout page."""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render, resolve_url

from config.api.roles import is_staff

LOCKED_OUT_STATUS = 429


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, for logins that come with a request.

    Every login over the web has one (Django's login views and the admin's), so each is
    counted and refused once locked. A call without one (``Client.login`` in tests, a shell,
    a management command) is no password guess from outside: axes would refuse it with an
    error, so it is passed on to the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind ``LOGIN_NUM_PROXIES`` reverse proxies
    the address the outermost of them saw, read from X-Forwarded-For.

    Entries further left were written by the client itself and could be anything, so they are
    never trusted: otherwise a guesser would get a fresh lockout counter with every request.
    """
    proxies = settings.LOGIN_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if proxies <= 0 or not addresses:
        return request.META.get("REMOTE_ADDR")
    return addresses[-min(proxies, len(addresses))]


def lockout_response(request, original_response=None, credentials=None):
    """A page saying the login is locked and for how long (HTTP 429), in the site's layout."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/lockout.html", context, status=LOCKED_OUT_STATUS)


class LoginView(auth_views.LoginView):
    """Django's login page; without a ``next`` page, staff land on the handovers and
    everyone else (a journalist) on the public ledger."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, failure_limit=settings.AXES_FAILURE_LIMIT)

    def get_default_redirect_url(self):
        if is_staff(self.request.user):
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return resolve_url("repatriation:ledger_list")
