"""The TOTP devices and the API tokens in the admin. django-otp's and knox's admin modules
register their own on ``admin.site`` when the admin discovers them (their apps come before this
one in INSTALLED_APPS); ours replace them."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.tokens import token_revoke, with_labels


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


class TokenAdmin(admin.ModelAdmin):
    """API tokens: who holds one, since when, until when; an admin revokes them here.

    Metadata only. A token's key is never stored, and its digest (the row's primary key) is
    never shown: not in a column, a link, a checkbox's value nor the admin's log. There are no
    per-token pages (their URLs would hold the digest); a token is named by its label
    (accounts.tokens), and revoking is an action of the list, recorded in the audit trail.
    Tokens are issued with ``manage.py issue_token``, which shows the key once.
    """

    list_display = ["label", "user", "created", "expiry", "expired"]
    list_display_links = None
    list_select_related = ["user"]
    list_filter = ["created", "expiry"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    actions = ["revoke"]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def get_queryset(self, request):
        return with_labels(super().get_queryset(request))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would log each digest in the admin's log
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """The list's checkboxes carry labels; the action is given the tokens they name."""
        if request.method == "POST" and helpers.ACTION_CHECKBOX_NAME in request.POST:
            post = request.POST.copy()
            labels = post.getlist(helpers.ACTION_CHECKBOX_NAME)
            tokens = with_labels(AuthToken.objects).filter(label__in=labels)
            post.setlist(helpers.ACTION_CHECKBOX_NAME, tokens.values_list("pk", flat=True))
            request.POST = post
        return super().changelist_view(request, extra_context)

    def action_checkbox(self, obj):
        attrs = {
            "class": "action-select",
            "aria-label": format_html(_("Select token {} of {}"), obj.label, obj.user),
        }
        return forms.CheckboxInput(attrs).render(helpers.ACTION_CHECKBOX_NAME, obj.label)

    @admin.display(description=_("token"), ordering="created")
    def label(self, obj):
        return obj.label

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, obj):
        return obj.expiry is not None and obj.expiry <= timezone.now()

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        revoked = token_revoke(tokens=queryset, revoked_by=request.user)
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
        self.message_user(request, message % {"count": revoked})


if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)
admin.site.register(AuthToken, TokenAdmin)
