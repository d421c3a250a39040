"""Handovers with their remains (or persons released). ``handover_create`` enters the batch as a
draft in one transaction, ``handover_revise`` changes a draft (its clerk's or, for an admin,
anyone's), ``handover_verify`` applies the four-eyes rule. A verified handover is read-only but
for an admin, whose change is a ``handover_correct`` with a written reason (DESIGN §5)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    HistoryMixin,
    ServiceErrorsMixin,
    adopt,
    formset_rows,
    live_rows,
    mark_saved,
    model_values,
)
from repatriation.admin.claims import ClaimInline, claims_only, save_claims
from repatriation.admin.forms import (
    HandoverForm,
    ReleasedPersonFormSet,
    RemainsForm,
    RemainsFormSet,
)
from repatriation.choices import HandoverState
from repatriation.history import handover_history_parts
from repatriation.models import Handover, HandoverClaim, ReleasedPerson, Remains
from repatriation.services import (
    handover_correct,
    handover_create,
    handover_revise,
    handover_verify,
)
from repatriation.services.revisions import CORRECTION_REASON_NEEDED, EDITABLE_FIELDS

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
CORRECTION_HELP = _(
    "This handover is verified: a change is a correction, recorded with this reason and "
    "shown in the public ledger."
)
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
    return handover is None or handover.state != HandoverState.VERIFIED


def may_change(request, handover) -> bool:
    """A draft by its clerk or an admin; a verified handover by an admin only (a correction)."""
    if handover is None or request.user.is_superuser:
        return True
    return _is_draft(handover) and handover.entered_by_id == request.user.pk


class DraftOnlyInlineMixin:
    """The rows of a verified handover are what was verified: shown, changed only by an
    admin's correction; a draft's rows only by its clerk or an admin."""

    def has_add_permission(self, request, obj=None):
        return may_change(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_change(request, obj) and super().has_delete_permission(request, obj)


class CorrectionForm(HandoverForm):
    # Not required here: a claim added alone changes nothing the handover says, so it needs no
    # correction; a change of the handover or its rows without a reason is refused on save.
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=CORRECTION_HELP,
        required=False,
    )


class RemainsInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Remains
    fk_name = "handover"
    form = RemainsForm
    formset = RemainsFormSet
    fields = REMAINS_FIELDS
    autocomplete_fields = ("person",)
    extra = 3
    max_num = settings.MAX_REMAINS_PER_HANDOVER
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
class HandoverAdmin(HistoryMixin, ServiceErrorsMixin, admin.ModelAdmin):
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
    inlines = [RemainsInline, ReleasedPersonInline, ClaimInline]
    actions = ["verify"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(remains_count=Count("remains"))

    def history_parts(self, obj):
        return handover_history_parts(obj.pk)

    def has_change_permission(self, request, obj=None):
        return may_change(request, obj) and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and not _is_draft(obj):
            kwargs["form"] = CorrectionForm
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A clerk may drop their own draft. A verified handover is evidence (DESIGN §5): nobody
        # deletes it, an admin corrects it with a reason.
        if obj is not None and not (_is_draft(obj) and may_change(request, obj)):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("remains logged"), ordering="remains_count")
    def remains_count(self, handover):
        return handover.remains_count

    def get_fieldsets(self, request, obj=None):
        main = (None, {"fields": (*COUNTED_FIELDS, "location", "citation")})
        if obj is None:
            return (main,)
        sets = (main, (_("Verification"), {"fields": VERIFICATION_FIELDS}))
        if not _is_draft(obj) and may_change(request, obj):
            sets = ((_("Correction"), {"fields": ("correction_reason",)}), *sets)
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return VERIFICATION_FIELDS

    def save_model(self, request, obj, form, change):
        # The handover is saved with its rows in save_related, where the inline rows are
        # known, by handover_create, handover_revise or handover_correct.
        return None

    def save_related(self, request, form, formsets, change):
        by_model = {formset.model: formset for formset in formsets}
        claims = by_model.pop(HandoverClaim, None)
        if change:
            if claims_only(form, by_model.values(), claims):
                for formset in by_model.values():
                    mark_saved(formset, [])
            else:
                self._save_change(request, form, by_model)
            save_claims(claims, user=request.user, handover=form.instance)
            return
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
        save_claims(claims, user=request.user, handover=handover)

    def _save_change(self, request, form, by_model) -> None:
        """A draft's change through ``handover_revise``, a verified one's through
        ``handover_correct``; the inlines' rows go to the service whole."""
        handover = form.instance
        values = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data
        }
        change = {"data": values, "remains": None, "released_persons": None}
        if by_model.get(Remains) is not None:
            change["remains"] = _inline_rows(by_model[Remains])
        if by_model.get(ReleasedPerson) is not None:
            rows = formset_rows(by_model[ReleasedPerson], ("person",))
            change["released_persons"] = [row["person"] for row in rows if row.get("person")]
        if _is_draft(Handover.objects.get(pk=handover.pk)):
            handover_revise(handover=handover, user=request.user, **change)
        else:
            reason = (form.cleaned_data.get("correction_reason") or "").strip()
            if not reason:
                raise ValidationError({"correction_reason": [str(CORRECTION_REASON_NEEDED)]})
            handover_correct(handover=handover, user=request.user, reason=reason, **change)
        for formset in by_model.values():
            mark_saved(formset, [])

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


def _inline_rows(formset) -> list[dict]:
    """The remains inline's rows as ``handover_revise`` takes them: each kept row, an existing
    one with its ``id``; rows ticked for deletion are left out, so the service removes them."""
    rows = []
    for form in live_rows(formset):
        row = {name: form.cleaned_data.get(name) for name in REMAINS_FIELDS}
        row["case_number"] = row["case_number"] or ""
        row = {
            name: "" if value is None and name in TEXT_FIELDS else value
            for name, value in row.items()
        }
        if form.instance.pk is not None:
            row["id"] = form.instance.pk
        rows.append(row)
    return rows


TEXT_FIELDS = ("case_number", "method", "dna_sample_ref", "notes")
