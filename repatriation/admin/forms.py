"""Handover and remains forms for the admin. They check, field by field, what
``handover_create`` and ``remains_identify`` would refuse, so errors show beside their row."""

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceErrorsForm
from repatriation.choices import HandoverKind
from repatriation.services import (
    AGREEMENT_MISMATCH,
    PRISONERS_HAVE_NO_REMAINS,
    REMAINS_HAVE_NO_PRISONERS,
    wrong_party_message,
)

CASE_NUMBER_NEEDED = _(
    "Give a case number: numbers are assigned automatically only when a handover is first entered."
)


def _live_forms(formset):
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class HandoverForm(ServiceErrorsForm):
    def clean(self):
        cleaned = super().clean()
        agreement = cleaned.get("agreement")
        conflict, parties = cleaned.get("conflict"), {cleaned.get("from_party")}
        parties.add(cleaned.get("to_party"))
        if agreement and conflict and None not in parties:
            fits = agreement.conflict_id == conflict.pk and {
                agreement.party_a_id,
                agreement.party_b_id,
            } == {party.pk for party in parties}
            if not fits:
                self.add_error("agreement", AGREEMENT_MISMATCH)
        return cleaned


class RemainsForm(ServiceErrorsForm):
    """One remains record, in the handover's inline or on its own page."""

    def clean_case_number(self):
        value = (self.cleaned_data.get("case_number") or "").strip()
        if value:
            return value
        if self.instance.handover_id is not None:
            raise ValidationError(CASE_NUMBER_NEEDED)
        # Left for handover_create to number. None, not "", keeps blank rows out of the
        # uniqueness checks, which would otherwise see two blanks as duplicates.
        return None

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        # In the inline the parent is the (perhaps unsaved) handover being entered.
        handover = cleaned.get("handover") or (
            self.instance.handover if self.instance.handover_id else None
        )
        if person and handover and handover.to_party_id:
            message = wrong_party_message(person, handover.to_party)
            if message:
                self.add_error("person", message)
        return cleaned


class RemainsFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.kind == HandoverKind.PRISONERS and _live_forms(self):
            raise ValidationError(PRISONERS_HAVE_NO_REMAINS)


class ReleasedPersonFormSet(BaseInlineFormSet):
    @classmethod
    def get_default_prefix(cls):
        # The relation has no reverse name ("+"), which would leave the prefix empty.
        return "released_persons"

    def clean(self):
        super().clean()
        if self.instance.kind == HandoverKind.REMAINS and _live_forms(self):
            raise ValidationError(REMAINS_HAVE_NO_PRISONERS)
