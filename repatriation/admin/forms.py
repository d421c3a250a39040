"""Handover and remains forms for the admin. They check, field by field, what
``handover_create`` and ``remains_identify`` would refuse, so errors show beside their row."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.formsets import TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceErrorsForm
from repatriation.choices import HandoverKind
from repatriation.models.remains import CASE_IN_SERIES, CASE_NUMBER_OUT_OF_SERIES, CASE_SERIES
from repatriation.services import (
    AGREEMENT_MISMATCH,
    PRISONERS_HAVE_NO_REMAINS,
    REMAINS_HAVE_NO_PRISONERS,
    TOO_MANY_REMAINS,
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
        if re.match(CASE_SERIES, value) and not re.match(CASE_IN_SERIES, value):
            # The table's constraint too, but reported here beside the field.
            raise ValidationError(CASE_NUMBER_OUT_OF_SERIES)
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
    """The inline's rows; more than a handover may hold are refused whole before any row is
    read: each admin row is checked with queries of its own, so thousands would hold the
    worker for minutes only to be refused by the service."""

    def too_many(self) -> bool:
        if not self.is_bound:
            return False
        management = self.management_form
        return (
            management.is_valid()
            and management.cleaned_data[TOTAL_FORM_COUNT] > settings.MAX_REMAINS_PER_HANDOVER
        )

    def total_form_count(self):
        # None of the rows is built, checked or shown again.
        return 0 if self.too_many() else super().total_form_count()

    def full_clean(self):
        super().full_clean()
        if self.too_many():
            message = TOO_MANY_REMAINS % {"max": settings.MAX_REMAINS_PER_HANDOVER}
            self._non_form_errors = self.error_class(
                [str(message)], error_class="nonform", renderer=self.renderer
            )

    def is_valid(self):
        return not self.too_many() and super().is_valid()

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
