"""The admin site: like Django's, but when two-factor login is required (``OTP_REQUIRED``) it
opens only to a session verified with a TOTP code, and it logs in through the project's
two-step login page rather than its own password-only form."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from accounts.otp import is_verified


class LedgerAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request, extra_context=None):
        if not settings.OTP_REQUIRED:
            return super().login(request, extra_context)
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
