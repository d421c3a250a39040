"""Remains, one by one. Remains are only ever added with their handover, and changed as part of
it: a draft's row by its clerk (or an admin) through ``handover_revise``; a verified handover's
rows only by an admin's correction on the handover's page (with a reason)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import HistoryMixin, ServiceErrorsMixin
from repatriation.admin.forms import RemainsForm
from repatriation.admin.handovers import REMAINS_FIELDS, may_change
from repatriation.choices import HandoverState
from repatriation.models import Remains
from repatriation.services import handover_revise

IDENTIFICATION_FIELDS = ("identification", "person", "method", "identified_on")
RESTRICTED = (_("Restricted"), {"classes": ["collapse"], "fields": Remains.RESTRICTED_FIELDS})


def save_remains(*, remains: Remains, user) -> None:
    """Save an admin edit of one row of a draft as a change of that draft."""
    row = {name: getattr(remains, name) for name in REMAINS_FIELDS}
    row = {**row, "id": remains.pk, "case_number": remains.case_number or ""}
    others = Remains.objects.filter(handover=remains.handover_id).exclude(pk=remains.pk)
    rows = [row, *({"id": pk} for pk in others.values_list("pk", flat=True))]
    handover_revise(handover=remains.handover, user=user, remains=rows)


def _draft_of(request, remains) -> bool:
    if remains is None:
        return True
    handover = remains.handover
    return handover.state != HandoverState.VERIFIED and may_change(request, handover)


@admin.register(Remains)
class RemainsAdmin(HistoryMixin, ServiceErrorsMixin, admin.ModelAdmin):
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

    def has_change_permission(self, request, obj=None):
        return _draft_of(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A draft's rows are removed by its clerk (or an admin). A verified handover's rows are
        # evidence (DESIGN §5): removed only by a correction of the handover, with a reason.
        if obj is not None and (
            obj.handover.state == HandoverState.VERIFIED or not may_change(request, obj.handover)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("handover",)

    def save_model(self, request, obj, form, change):
        save_remains(remains=obj, user=request.user)

    def delete_model(self, request, obj):
        """A draft's row is removed as a change of that draft (its revision says so)."""
        others = Remains.objects.filter(handover=obj.handover_id).exclude(pk=obj.pk)
        rows = [{"id": pk} for pk in others.values_list("pk", flat=True)]
        handover_revise(handover=obj.handover, user=request.user, remains=rows)

    def delete_queryset(self, request, queryset):
        for remains in queryset.select_related("handover"):
            self.delete_model(request, remains)
