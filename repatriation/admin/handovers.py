"""Handovers with their remains (or persons released). ``handover_create`` enters the batch as a
draft in one transaction; ``handover_verify`` applies the four-eyes rule. Once verified, the
fields the ledger counts and the rows logged are read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    ServiceErrorsMixin,
    adopt,
    formset_rows,
    mark_saved,
    model_values,
)
from repatriation.admin.forms import (
    HandoverForm,
    ReleasedPersonFormSet,
    RemainsForm,
    RemainsFormSet,
)
from repatriation.admin.remains import save_remains
from repatriation.choices import HandoverState
from repatriation.models import Handover, ReleasedPerson, Remains
from repatriation.services import handover_create, handover_verify

COUNTED_FIELDS = (
    "conflict",
    "agreement",
    "kind",
    "date",
    "from_party",
    "to_party",
    "mediator",
    "reported_count",
    "reported_by",
)
VERIFICATION_FIELDS = ("state", "entered_by", "verified_by", "verified_at")
VERIFY_REFUSED = _("%(handover)s was not verified: %(problem)s")
REMAINS_FIELDS = (
    "case_number",
    "condition",
    "identification",
    "person",
    "method",
    "identified_on",
    "dna_sample_ref",
    "notes",
)


def _is_draft(handover) -> bool:
    return handover is None or handover.state == HandoverState.DRAFT


class DraftOnlyInlineMixin:
    """The rows of a verified handover are what was verified: shown, no longer edited."""

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class RemainsInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Remains
    form = RemainsForm
    formset = RemainsFormSet
    fields = REMAINS_FIELDS
    autocomplete_fields = ("person",)
    extra = 3
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 1, "cols": 24})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class ReleasedPersonInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = ReleasedPerson
    formset = ReleasedPersonFormSet
    fields = ("person",)
    autocomplete_fields = ("person",)
    extra = 1
    verbose_name_plural = _("persons released (prisoners handovers only)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Handover)
class HandoverAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = HandoverForm
    list_display = (
        "__str__",
        "conflict",
        "reported_count",
        "remains_count",
        "reported_by",
        "state",
        "entered_by",
        "verified_by",
    )
    list_filter = ("state", "kind", "conflict", "to_party", "from_party")
    search_fields = ("location", "citation", "remains__case_number")
    list_select_related = (
        "conflict",
        "from_party",
        "to_party",
        "reported_by",
        "entered_by",
        "verified_by",
    )
    date_hierarchy = "date"
    inlines = [RemainsInline, ReleasedPersonInline]
    actions = ["verify"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(remains_count=Count("remains"))

    def has_delete_permission(self, request, obj=None):
        # A clerk may drop a draft; a verified handover is evidence (DESIGN §5): only an
        # admin removes one.
        if obj is not None and not _is_draft(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("remains logged"), ordering="remains_count")
    def remains_count(self, handover):
        return handover.remains_count

    def get_fieldsets(self, request, obj=None):
        main = (None, {"fields": (*COUNTED_FIELDS, "location", "citation")})
        if obj is None:
            return (main,)
        return (main, (_("Verification"), {"fields": VERIFICATION_FIELDS}))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return VERIFICATION_FIELDS + (() if _is_draft(obj) else COUNTED_FIELDS)

    def save_model(self, request, obj, form, change):
        # A new handover is created with its rows in save_related, where the inline rows are
        # known; saving it here first would bypass handover_create.
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        by_model = {formset.model: formset for formset in formsets}
        remains = formset_rows(by_model.get(Remains), REMAINS_FIELDS)
        released = formset_rows(by_model.get(ReleasedPerson), ("person",))
        handover = handover_create(
            user=request.user,
            remains=[{**row, "case_number": row.get("case_number") or ""} for row in remains],
            released_persons=[row["person"] for row in released],
            **model_values(form),
        )
        adopt(form.instance, handover)
        mark_saved(by_model.get(Remains), handover.remains.all())
        mark_saved(by_model.get(ReleasedPerson), ReleasedPerson.objects.filter(handover=handover))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Remains:
            super().save_formset(request, form, formset, change)
            return
        saved = formset.save(commit=False)  # fills changed_objects and deleted_objects
        changed = {id(remains): fields for remains, fields in formset.changed_objects}
        for remains in saved:
            save_remains(remains=remains, changed=changed.get(id(remains), []), user=request.user)
        for remains in formset.deleted_objects:
            remains.delete()

    def has_verify_permission(self, request):
        return request.user.has_perm("repatriation.verify_handover")

    @admin.action(description=_("Verify selected handovers"), permissions=["verify"])
    def verify(self, request, queryset):
        verified = 0
        for handover in queryset:
            try:
                handover_verify(handover=handover, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                problem = " ".join(getattr(error, "messages", None) or [str(error)])
                message = VERIFY_REFUSED % {"handover": handover, "problem": problem}
                self.message_user(request, message, messages.ERROR)
            else:
                verified += 1
        if verified:
            message = ngettext(
                "%(count)d handover verified.", "%(count)d handovers verified.", verified
            )
            self.message_user(request, message % {"count": verified}, messages.SUCCESS)
