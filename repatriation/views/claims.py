"""The forms on a handover's staff page for its claims and for remains returned to the
sender. They only parse what was typed; handover_claim_record and remains_return_to_sender
check the rules, and their errors are put back beside the fields they concern. A form is
offered only to whom the service would allow it."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from casualties.forms import IsoDateInput
from casualties.models import Party
from repatriation.choices import Disposition, HandoverState, Identification
from repatriation.models import Handover
from repatriation.services import edit_refusal
from repatriation.services.claims import CLAIM_PERMISSION

CLAIM_RECORDED = _("%(party)s's announced count is recorded.")
RETURN_RECORDED = _("Remains %(case)s are recorded as returned to sender.")


class ClaimForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Party"))
    count = forms.IntegerField(label=_("Announced count"), min_value=0, max_value=2**31 - 1)
    citation = forms.CharField(
        label=_("Citation"),
        help_text=_("Where and by whom it was announced."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    stated_on = forms.DateField(label=_("Stated on"), widget=IsoDateInput())

    def __init__(self, *args, handover: Handover, **kwargs):
        kwargs.setdefault("prefix", "claim")
        super().__init__(*args, **kwargs)
        involved = {handover.from_party_id, handover.to_party_id, handover.mediator_id} - {None}
        self.fields["party"].queryset = Party.objects.filter(pk__in=involved).order_by("code")


class ReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Returned on"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("By default the date of the onward handover."),
    )
    onward_handover = forms.TypedChoiceField(
        label=_("Onward handover"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The handover that took them back, if there was one."),
    )

    def __init__(self, *args, remains, user, onward: dict, **kwargs):
        """``onward``: the handovers that could have taken them back, by id (read once for
        every remains of the page)."""
        kwargs.setdefault("prefix", f"return-{remains.pk}")
        super().__init__(*args, **kwargs)
        self.remains, self.onward = remains, onward
        choices = [
            (pk, f"#{pk} {handover} ({handover.get_state_display()})")
            for pk, handover in onward.items()
        ]
        self.fields["onward_handover"].choices = [("", "—"), *choices]
        handover = remains.handover
        if user.is_superuser and handover.state == HandoverState.VERIFIED:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the correction"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Without a verified onward handover, say why (a correction)."),
            )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["onward_handover"] = self.onward.get(data["onward_handover"])
        return data


def onward_candidates(handover: Handover) -> dict:
    """Handovers going back from the receiving party to the sender, not before this one."""
    rows = Handover.objects.filter(
        conflict_id=handover.conflict_id,
        from_party_id=handover.to_party_id,
        to_party_id=handover.from_party_id,
        date__gte=handover.date,
    ).select_related("from_party", "to_party")
    return {row.pk: row for row in rows.order_by("date", "id")}


def put_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal beside the field it names, else above the form."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, messages in items:
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(target, message)


def may_record_claims(user) -> bool:
    return user.has_perm(CLAIM_PERMISSION)


def may_return(user, handover: Handover) -> bool:
    """Whether remains_return_to_sender could allow ``user`` on this handover."""
    if handover.state != HandoverState.VERIFIED:
        return edit_refusal(handover=handover, user=user) is None
    return user.has_perm(CLAIM_PERMISSION)


def returnable(handover: Handover) -> list:
    return [
        remains
        for remains in handover.remains.all()
        if remains.identification == Identification.UNIDENTIFIED
        and remains.disposition != Disposition.RETURNED_TO_SENDER
    ]


def claim_forms(request, handover: Handover, *, claim=None, returning=None) -> dict:
    """The detail page's forms: ``claim`` or ``returning`` bound when a POST failed."""
    user = request.user
    context = {"claim_form": None, "return_forms": []}
    if may_record_claims(user):
        context["claim_form"] = claim or ClaimForm(handover=handover)
    if may_return(user, handover):
        rows = returnable(handover)
        onward = onward_candidates(handover) if rows else {}
        context["return_forms"] = [
            returning
            if returning is not None and returning.remains.pk == remains.pk
            else ReturnForm(remains=remains, user=user, onward=onward)
            for remains in rows
        ]
    return context
