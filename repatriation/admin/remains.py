"""Remains, one by one: mostly to record an identification long after the handover.

Remains are only ever added with their handover. An identification goes through
``remains_identify``, so confirmed remains make their person killed, as they do everywhere else.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceErrorsMixin
from repatriation.admin.forms import RemainsForm
from repatriation.choices import HandoverState, Identification
from repatriation.models import Remains
from repatriation.services import remains_identify

IDENTIFICATION_FIELDS = ("identification", "person", "method", "identified_on")
RESTRICTED = (_("Restricted"), {"classes": ["collapse"], "fields": Remains.RESTRICTED_FIELDS})


def save_remains(*, remains: Remains, changed: list[str], user) -> None:
    """Save an admin edit of remains; identification fields go through ``remains_identify``."""
    identifying = set(changed) & set(IDENTIFICATION_FIELDS)
    if remains._state.adding:
        remains.save()
        identifying = remains.identification != Identification.UNIDENTIFIED
    else:
        plain = [name for name in changed if name not in IDENTIFICATION_FIELDS]
        if plain:
            remains.save(update_fields=[*plain, "updated_at"])
    if identifying:
        remains_identify(
            remains=remains,
            person=remains.person,
            identification=remains.identification,
            method=remains.method,
            identified_on=remains.identified_on,
            user=user,
        )


@admin.register(Remains)
class RemainsAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = RemainsForm
    list_display = (
        "case_number",
        "handover",
        "condition",
        "identification",
        "person",
        "method",
        "identified_on",
    )
    list_filter = ("identification", "condition", "method", "handover__state", "handover__conflict")
    search_fields = ("case_number", "person__name_latin", "person__full_name")
    list_select_related = ("handover__from_party", "handover__to_party", "person")
    autocomplete_fields = ("person",)
    fieldsets = (
        (None, {"fields": ("handover", "case_number", "condition")}),
        (_("Identification"), {"fields": IDENTIFICATION_FIELDS}),
        RESTRICTED,
    )

    def has_add_permission(self, request):
        return False  # remains are logged with their handover (handover_create)

    def has_delete_permission(self, request, obj=None):
        # As for handovers: the remains of a verified handover are removed by an admin only.
        verified = obj is not None and obj.handover.state == HandoverState.VERIFIED
        if verified and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.handover.state == HandoverState.VERIFIED:
            return ("handover", "case_number", "condition")
        return ("handover",)

    def save_model(self, request, obj, form, change):
        save_remains(remains=obj, changed=form.changed_data, user=request.user)
