"""The TOTP devices in the admin (imported once the admin site exists: django-otp's admin
module registers itself on ``admin.site`` when imported)."""

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


def register_device_admin():
    site = admin.site
    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, DeviceAdmin)
