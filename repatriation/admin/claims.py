"""Each party's announced count, as rows under its handover in the admin. The rows are saved by
``handover_claim_record`` (one per party; recording again replaces it), never by the formset:
a claim is evidence and changes nothing in the handover, so the staff who enter handovers may
record one without a second pair of eyes."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import live_rows, mark_saved
from core.rows import row_errors
from repatriation.models import HandoverClaim
from repatriation.services import handover_claim_record
from repatriation.services.claims import CLAIM_PERMISSION

CLAIM_FIELDS = ("party", "count", "citation", "stated_on")


class ClaimForm(forms.ModelForm):
    class Meta:
        model = HandoverClaim
        fields = CLAIM_FIELDS
        widgets = {"citation": forms.Textarea(attrs={"rows": 1, "cols": 32})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The service keys a claim by its party: another party is another claim.
            self.fields["party"].disabled = True


class ClaimInline(admin.TabularInline):
    model = HandoverClaim
    form = ClaimForm
    fields = CLAIM_FIELDS
    extra = 1
    # A claim is replaced by recording the party's count again, not deleted.
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("party")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(CLAIM_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(CLAIM_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False


def save_claims(formset, *, user, handover) -> None:
    """The inline's new and changed rows through the service; its refusals keyed by row
    (``claims[1].party``), so the admin shows them beside the row."""
    if formset is None:
        return
    saved, errors = [], {}
    for index, form in enumerate(live_rows(formset)):
        if not form.has_changed():
            continue
        values = {name: form.cleaned_data.get(name) for name in CLAIM_FIELDS}
        try:
            saved.append(handover_claim_record(handover=handover, user=user, **values))
        except ValidationError as error:
            errors.update(row_errors(formset.prefix, index, error.message_dict))
    if errors:
        raise ValidationError(errors)
    mark_saved(formset, saved)


def claims_only(form, formsets, claims) -> bool:
    """Whether the only change posted on a handover's admin page is to its claims: then the
    handover and its other rows are not saved, and a verified handover needs no correction
    (a claim changes nothing the handover says)."""
    if claims is None or not any(row.has_changed() for row in claims.forms):
        return False
    if set(form.changed_data) - {"correction_reason"}:
        return False
    # A row ticked for deletion has changed too (its DELETE box).
    return not any(row.has_changed() for formset in formsets for row in formset.forms)
