"""Two-factor login (TOTP, django-otp) for the staff and the admins, when ``OTP_REQUIRED``.

A password alone never opens a staff session. After the password is right the login is only
*pending*: the session holds who is logging in, not a logged-in user, so neither the staff
pages, the admin nor the API (which accepts session logins) see anyone yet. Only a right code
from the user's authenticator completes the login (``login_complete``), and the session then
remembers the device that verified it. A user with no device yet enrols one first; one who has
a device can never enrol another from the login pages — an admin deletes the old device to let
them (``accounts.admin_site``).

Wrong codes are throttled by django-otp on the device itself, across sessions: after n wrong
codes in a row the next try is refused for 2^(n-1) × ``OTP_TOTP_THROTTLE_FACTOR`` seconds, so
guessing six digits is hopeless.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.tiers import is_staff

PENDING_USER = "_otp_pending_user"
PENDING_BACKEND = "_otp_pending_backend"
PENDING_NEXT = "_otp_pending_next"
PENDING_SINCE = "_otp_pending_since"
# Between the password and the code: long enough to install an app and scan a code.
PENDING_SECONDS = 10 * 60
DEVICE_NAME = "Authenticator app"


def needs_otp(user) -> bool:
    """Whether this user's login needs a code: every clerk, verifier and admin."""
    return settings.OTP_REQUIRED and (is_staff(user) or user.is_staff)


def is_verified(user) -> bool:
    """Whether the request's user may use what needs a second factor."""
    if not settings.OTP_REQUIRED:
        return True
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def login_pending_begin(request, user, next_url: str) -> None:
    """The password was right: remember who is logging in until the code is given."""
    # Nobody stays logged in (a session opened before codes were required ends here), and
    # the session gets a new key, as at any login, so a planted one cannot ride along.
    if request.user.is_authenticated:
        auth_logout(request)
    else:
        request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = user.backend
    request.session[PENDING_NEXT] = next_url
    request.session[PENDING_SINCE] = int(time.time())


def pending_user(request):
    """The user whose password was just accepted, or None (none pending, or too long ago)."""
    session = request.session
    if PENDING_USER not in session:
        return None
    if time.time() - session.get(PENDING_SINCE, 0) > PENDING_SECONDS:
        login_pending_clear(request)
        return None
    user = get_user_model()._default_manager.filter(pk=session[PENDING_USER]).first()
    return user if user is not None and user.is_active else None


def pending_next(request) -> str:
    return request.session.get(PENDING_NEXT, "")


def login_pending_clear(request) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_NEXT, PENDING_SINCE):
        request.session.pop(key, None)


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_enrol(*, user) -> TOTPDevice:
    """The user's device being enrolled: the same one (same secret) until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_verify(*, device: TOTPDevice, token: str) -> bool:
    """Check a code against the device, under its row lock so two tries cannot race the
    throttle; a right code for a device being enrolled confirms it."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    return True


def throttled_until(device: TOTPDevice):
    """When the next code may be tried, if wrong codes have locked the device for now."""
    allowed, extra = device.verify_is_allowed()
    return None if allowed else (extra or {}).get("locked_until")


def login_complete(request, user, device: TOTPDevice) -> str:
    """Log the user in, verified by ``device``; returns where the login was going."""
    backend = request.session.get(PENDING_BACKEND)
    next_url = pending_next(request)
    login_pending_clear(request)
    auth_login(request, user, backend=backend)
    otp_login(request, device)
    return next_url
