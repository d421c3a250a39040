"""Person forms for the admin. They check the status lifecycle before saving, so a forbidden
move shows beside the field instead of failing inside the service."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from casualties.choices import PersonStatus
from casualties.models import Person
from casualties.services import PERSON_EDITABLE_FIELDS, status_date_error, status_move_error
from core.admin import ServiceErrorsForm

NO_NEW_STATUS = _("Choose the new status, or leave the date and reason empty.")
DATE_NEEDED = _("Give the date the new status took effect.")


def _source_note_field():
    return forms.CharField(
        label=_("source"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who reported the status, and where."),
    )


class PersonAddForm(ServiceErrorsForm):
    """A new person with the initial status that becomes their first StatusChange."""

    source_note = _source_note_field()

    class Meta:
        model = Person
        fields = (*PERSON_EDITABLE_FIELDS, "status", "status_date")

    def clean_status_date(self):
        value = self.cleaned_data["status_date"]
        error = status_date_error(value)
        if error:
            raise ValidationError(error)
        return value


class PersonChangeForm(ServiceErrorsForm):
    """A person's descriptive fields, plus an optional status change (not model fields)."""

    new_status = forms.ChoiceField(
        label=_("new status"),
        choices=BLANK_CHOICE_DASH + list(PersonStatus.choices),
        required=False,
    )
    effective_date = forms.DateField(
        label=_("effective date"), required=False, widget=AdminDateWidget
    )
    source_note = _source_note_field()
    reason = forms.CharField(
        label=_("reason for correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only for a move outside the usual lifecycle, e.g. killed → missing."),
    )

    class Meta:
        model = Person
        fields = PERSON_EDITABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status"):
            self._check_status_change(cleaned)
        elif cleaned.get("effective_date") or cleaned.get("reason"):
            self.add_error("new_status", NO_NEW_STATUS)
        return cleaned

    def _check_status_change(self, cleaned):
        # self.instance still holds the stored status: ``status`` is not a field of this form.
        person = self.instance
        error = status_move_error(
            current=person.status, new=cleaned["new_status"], reason=cleaned.get("reason", "")
        )
        if error:
            self.add_error("new_status", error.messages)
        effective_date = cleaned.get("effective_date")
        if effective_date is None:
            if "effective_date" not in self.errors:
                self.add_error("effective_date", DATE_NEEDED)
            return
        date_error = status_date_error(effective_date, not_before=person.status_date)
        if date_error:
            self.add_error("effective_date", date_error)
