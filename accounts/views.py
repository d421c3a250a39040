"""The login's second step: ``/accounts/otp/`` asks for the code from the user's authenticator
app, ``/accounts/otp/setup/`` enrols an app for a user who has none yet (accounts/otp.py)."""

import datetime
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts import otp
from core.tiers import is_staff

WRONG_CODE = _("That code is not right. Type the six digits your app shows now.")
THROTTLED = _(
    "Too many wrong codes in a row: the next code is accepted from %(time)s (UTC). "
    "Each further wrong code doubles the wait."
)


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\d{3} ?\d{3}$",
        error_messages={"invalid": _("The code is six digits.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].replace(" ", "")
        locked_until = otp.throttled_until(self.device)
        if locked_until:
            moment = locked_until.astimezone(datetime.UTC).strftime("%H:%M:%S")
            raise forms.ValidationError(THROTTLED, code="throttled", params={"time": moment})
        if not otp.totp_device_verify(device=self.device, token=token):
            raise forms.ValidationError(WRONG_CODE, code="invalid_token")
        return token


def finish(request, user, device):
    next_url = otp.login_complete(request, user, device)
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if next_url and safe:
        return redirect(next_url)
    # Clerks and verifiers start on the handovers, Django admins outside those groups in the admin.
    return redirect(resolve_url(settings.LOGIN_REDIRECT_URL) if is_staff(user) else "admin:index")


def second_step(view):
    """Only with a password just accepted; never cached, codes kept out of error reports."""

    def wrapper(request):
        user = otp.pending_user(request)
        if user is None:
            return redirect(settings.LOGIN_URL)
        return view(request, user)

    return sensitive_post_parameters("otp_token")(csrf_protect(never_cache(wrapper)))


def qr_code(uri: str) -> dict:
    """The setup URI as a QR code in a data: URI (allowed by the CSP's img-src), black on
    white with the standard four-module margin so it scans in a dark theme too."""
    code = segno.make(uri, error="m")
    width, height = code.symbol_size(scale=4, border=4)
    image = code.svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
    return {"qr_code": image, "qr_width": width, "qr_height": height}


def secret_for_typing(device) -> str:
    """The key in base32, in groups of four, for apps that cannot scan the QR code."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@second_step
def otp_verify(request, user):
    device = otp.confirmed_device(user)
    if device is None:
        return redirect("otp_setup")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return finish(request, user, device)
    return render(request, "registration/otp_verify.html", {"form": form})


@second_step
def otp_setup(request, user):
    # Enrolling is only for a user with no device: otherwise anyone who learnt the password
    # could add an authenticator of their own. An admin deletes the old device to allow it.
    if otp.confirmed_device(user) is not None:
        return redirect("otp_verify")
    device = otp.totp_device_enrol(user=user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        return finish(request, user, device)
    uri = device.config_url
    context = {
        "form": form,
        "otpauth_uri": uri,
        "secret": secret_for_typing(device),
        **qr_code(uri),
    }
    return render(request, "registration/otp_setup.html", context)
