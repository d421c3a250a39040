"""Staff forms for persons and statements. Each saves through the service, which has the
last word; the checks here only put the service's own messages beside the right field."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casualties.choices import STATUS_MOVES, PersonStatus, StatusBasis
from casualties.models import Conflict, Figure, Party, Person, Statement
from casualties.services import (
    PERSON_EDITABLE_FIELDS,
    STATEMENT_EDITABLE_FIELDS,
    status_date_error,
    status_move_error,
)
from core.rows import place_errors

# Strings the locale files already translate: the hint beside a date and the complaint about one.
DATE_HINT = _("Enter a date as YYYY-MM-DD, for example 2022-09-20.")
DATE_NOT_REAL = _("“%(value)s” is not a real date in the form YYYY-MM-DD.")


class IsoDateInput(forms.DateInput):
    """A plain text box for YYYY-MM-DD, not the browser's date control: that control shows the
    browser's own order (mm/dd/yyyy whatever the page's language) and drops a typed date after
    a click inside it. iso_date.js checks the value on leaving the field; the server has the
    last word. ``hint`` adds the hint under the box (a table puts it in its column's header)."""

    input_type = "text"

    def __init__(self, attrs=None, *, hint=True):
        base = {"pattern": r"\d{4}-\d{2}-\d{2}", "inputmode": "numeric", "maxlength": 10}
        super().__init__({**base, "autocomplete": "off", **(attrs or {})}, format="%Y-%m-%d")
        self.hint = hint

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Translated at each render, in the language of the request.
        context["widget"]["attrs"].update(
            {"data-iso-date": "", "data-invalid": str(DATE_NOT_REAL), "title": str(DATE_HINT)}
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        if self.hint and attrs.get("id"):
            hint_id = f"{attrs['id']}_format"
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {hint_id}".strip()
            hint = format_html('<small class="date-hint" id="{}">{}</small>', hint_id, DATE_HINT)
            return super().render(name, value, attrs, renderer) + hint
        return super().render(name, value, attrs, renderer)


DATE_INPUT = IsoDateInput()


def conflict_list() -> tuple[str, list]:
    """The conflicts, latest first, to pick one from a list page's filters (by slug)."""
    conflicts = Conflict.objects.order_by("-start_date").values_list("slug", "name")
    return _("All conflicts"), list(conflicts)


def party_list() -> tuple[str, list]:
    """The parties to pick one from a list page's filters (by code)."""
    parties = Party.objects.values_list("code", "name")
    return _("All parties"), [(code, f"{name} ({code})") for code, name in parties]


class PersonForm(forms.ModelForm):
    """The descriptive and restricted fields; ``person_update`` saves them."""

    class Meta:
        model = Person
        fields = PERSON_EDITABLE_FIELDS
        widgets = {"date_of_birth": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}


class PersonCreateForm(PersonForm):
    """A new person also needs the initial status, its date and where it comes from."""

    source_note = forms.CharField(
        label=_("Source of the status"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta(PersonForm.Meta):
        fields = (*PERSON_EDITABLE_FIELDS, "status", "status_date")
        widgets = {**PersonForm.Meta.widgets, "status_date": DATE_INPUT}

    def clean_status_date(self):
        value = self.cleaned_data["status_date"]
        error = status_date_error(value)
        if error:
            raise ValidationError(error)
        return value


class StatusChangeForm(forms.Form):
    """A dated change of status; a move outside the lifecycle needs a reason (a correction)."""

    status = forms.ChoiceField(label=_("New status"), choices=PersonStatus.choices)
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE_INPUT)
    basis = forms.ChoiceField(
        label=_("Basis"), choices=StatusBasis.choices, initial=StatusBasis.OTHER, required=False
    )
    source_note = forms.CharField(
        label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason for correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only for a move outside the usual course, e.g. when an earlier record was wrong."
        ),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # The usual next statuses first; the others only as a correction, with a reason.
        usual = [
            (value, label)
            for value, label in PersonStatus.choices
            if value in STATUS_MOVES[person.status]
        ]
        others = [
            (value, label)
            for value, label in PersonStatus.choices
            if value not in STATUS_MOVES[person.status] and value != person.status
        ]
        groups = [(_("Usual next"), usual)] if usual else []
        self.fields["status"].choices = [
            ("", _("Choose…")),
            *groups,
            (_("Correction (give a reason below)"), others),
        ]

    def clean(self):
        data = super().clean()
        if "status" in data:
            error = status_move_error(
                current=self.person.status, new=data["status"], reason=data.get("reason", "")
            )
            if error:
                place_errors(self, error)
        if data.get("effective_date"):
            message = status_date_error(data["effective_date"], not_before=self.person.status_date)
            if message:
                self.add_error("effective_date", message)
        return data


class StatementForm(forms.ModelForm):
    # A citation typed without a scheme is a web page: https, as Django 6 will assume.
    citation_url = Statement._meta.get_field("citation_url").formfield(assume_scheme="https")

    class Meta:
        model = Statement
        fields = STATEMENT_EDITABLE_FIELDS
        widgets = {
            "issued_on": DATE_INPUT,
            "as_of": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ("category", "subject_party", "value", "civilians", "qualifier")


class BaseFigureFormSet(forms.BaseFormSet):
    # Django's formset formats its own message with ``num``.
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _(
            "A statement holds at most %(num)d figures; enter the rest as another."
        ),
    }


# The cap of the API and the services (DESIGN §6); beyond it nothing of the rows is read.
FigureFormSet = forms.formset_factory(
    FigureForm,
    formset=BaseFigureFormSet,
    extra=3,
    can_delete=True,
    max_num=settings.MAX_FIGURES_PER_STATEMENT,
    absolute_max=settings.MAX_FIGURES_PER_STATEMENT,
    validate_max=True,
)
