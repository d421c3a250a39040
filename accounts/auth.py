"""Login protection (django-axes): the backend, the client's address, and the lockout page."""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url

from accounts import otp
from core.clients import client_address
from core.tiers import is_staff

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
    """The client's address by the API throttle's rule (``core.clients``): ``REMOTE_ADDR``, or
    behind ``LOGIN_NUM_PROXIES`` reverse proxies the address the outermost of them saw.
    Otherwise a guesser writing X-Forwarded-For would get a fresh lockout counter with every
    request."""
    return client_address(request, settings.LOGIN_NUM_PROXIES)


def lockout_response(request, original_response=None, credentials=None):
    """A page saying the login is locked and for how long (HTTP 429), in the site's layout."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/lockout.html", context, status=LOCKED_OUT_STATUS)


class LoginView(auth_views.LoginView):
    """Django's login page; without a ``next`` page, staff land on the handovers and
    everyone else (a journalist) on the public ledger. Staff go through the code step first
    when ``OTP_REQUIRED``."""

    @property
    def redirect_authenticated_user(self):
        # Not for a staff session that still lacks its code: that one logs in again.
        user = self.request.user
        return not otp.needs_otp(user) or otp.is_verified(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, failure_limit=settings.AXES_FAILURE_LIMIT)

    def form_valid(self, form):
        """With two-factor login required, a right password for a staff account only
        leads on to the code (accounts/otp.py); nobody is logged in yet."""
        user = form.get_user()
        if not otp.needs_otp(user):
            return super().form_valid(form)
        otp.login_pending_begin(self.request, user, self.get_redirect_url())
        return redirect("otp_verify" if otp.confirmed_device(user) else "otp_setup")

    def get_default_redirect_url(self):
        if is_staff(self.request.user):
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        return resolve_url("repatriation:ledger_list")
