"""The TOTP devices in the admin. django-otp's admin module registers its own on ``admin.site``
when the admin discovers it (its app comes before this one in INSTALLED_APPS); ours replaces it."""

from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class DeviceAdmin(TOTPDeviceAdmin):
    """django-otp's TOTP device admin. To reset a user's second factor an admin deletes the
    device; the user enrols a new one at the next login. Secrets and QR codes are not shown
    (OTP_ADMIN_HIDE_SENSITIVE_DATA): an admin never needs another user's key."""

    list_select_related = ["user"]

    def get_urls(self):
        # Without django-otp's extra pages: they only show a device's secret and QR code,
        # which are hidden here (they answer 403 anyway).
        return admin.ModelAdmin.get_urls(self)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, DeviceAdmin)
