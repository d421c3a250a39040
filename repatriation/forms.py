"""Forms of the staff handover pages.

They collect and parse what was typed; the rules are checked by the services
(``handover_create``, ``handover_send_back``), whose errors are put back beside the header
field, row or row field they concern.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from casualties.forms import IsoDateInput
from casualties.models import Person
from casualties.search.names import persons_named
from casualties.selectors import person_label, person_number
from core.rows import place_errors, row_key
from repatriation.choices import Identification, IdentificationMethod, RemainsCondition
from repatriation.models import Handover, Remains

ROWS_PREFIX = "remains"
# The cap of the API and the services (DESIGN §6), so the page refuses what they would.
MAX_ROWS = settings.MAX_REMAINS_PER_HANDOVER
PERSON_OPTIONS_ID = "person-options"

PERSON_NUMBER_UNKNOWN = _("No person has the number %(number)s.")
PERSON_NAME_UNKNOWN = _(
    "No person of %(party)s in this conflict is called “%(name)s”. Pick one from the "
    "suggestions, or type their number."
)
PERSON_NAME_AMBIGUOUS = _(
    "%(count)s persons of %(party)s are called “%(name)s”: type the number of the one you "
    "mean, e.g. #%(number)s."
)
TOO_MANY_ROWS = _("A batch holds at most %(max)s rows; enter the rest as another handover.")
# Django's formset formats its own message with ``num``.
TOO_MANY_FORMS = _("A batch holds at most %(num)d rows; enter the rest as another handover.")

# What a row gives handover_create, besides the person it names.
ROW_VALUES = (
    "case_number",
    "condition",
    "identification",
    "method",
    "identified_on",
    "dna_sample_ref",
    "notes",
)


def _label(name: str):
    return capfirst(Remains._meta.get_field(name).verbose_name)


class HandoverHeaderForm(forms.ModelForm):
    """The handover's own fields, as announced: who handed over what, when, and the count."""

    class Meta:
        model = Handover
        fields = [
            "conflict",
            "kind",
            "date",
            "location",
            "from_party",
            "to_party",
            "mediator",
            "agreement",
            "reported_count",
            "reported_by",
            "citation",
        ]
        widgets = {
            "date": IsoDateInput(),
            "reported_count": forms.NumberInput(attrs={"min": 0}),
            "citation": forms.Textarea(attrs={"rows": 2}),
        }


class RowChoiceField(forms.ChoiceField):
    """Shares its fixed choices with each row's copy (deep-copying the labels per row was slow)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class RemainsRowForm(forms.Form):
    """One body (or part of one) received: a row of the batch.

    A plain form, not a ModelForm: ``handover_create`` validates every row at once (with the
    handover's date and receiving party), so nothing is checked twice per row.
    """

    # The row of the handover being changed (its edit page); blank for a new row.
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    case_number = forms.CharField(
        label=_label("case_number"), max_length=40, required=False, strip=True
    )
    condition = RowChoiceField(
        label=_label("condition"),
        choices=RemainsCondition.choices,
        initial=RemainsCondition.COMPLETE,
    )
    identification = RowChoiceField(
        label=_label("identification"),
        choices=Identification.choices,
        initial=Identification.UNIDENTIFIED,
    )
    person = forms.CharField(
        label=_label("person"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"list": PERSON_OPTIONS_ID, "autocomplete": "off"}),
    )
    method = RowChoiceField(
        label=_label("method"),
        choices=[("", "—"), *IdentificationMethod.choices],
        required=False,
    )
    identified_on = forms.DateField(
        label=_label("identified_on"), required=False, widget=IsoDateInput(hint=False)
    )
    dna_sample_ref = forms.CharField(label=_label("dna_sample_ref"), max_length=100, required=False)
    notes = forms.CharField(label=_label("notes"), required=False)

    def values(self, person: Person | None) -> dict:
        """This row as ``handover_create`` (or ``handover_revise``, with its id) takes it."""
        values = {**{name: self.cleaned_data[name] for name in ROW_VALUES}, "person": person}
        if self.cleaned_data.get("id"):
            values["id"] = self.cleaned_data["id"]
        return values


class BaseRemainsFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": TOO_MANY_FORMS,
    }

    def too_many(self) -> bool:
        """More rows posted than a batch may hold (checked before any row is read)."""
        management = self.management_form
        return (
            self.is_bound
            and management.is_valid()
            and management.cleaned_data["TOTAL_FORMS"] > self.absolute_max
        )

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            # Every row is one body, even one left at the defaults (complete, unidentified,
            # numbered automatically) — the usual row — so no row is skipped as empty.
            kwargs["empty_permitted"] = False
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[DELETION_FIELD_NAME].label = _("Remove")

    def live_forms(self) -> list[RemainsRowForm]:
        """The rows to save, in order: all but those ticked for removal."""
        return [form for form in self.forms if not form.cleaned_data.get(DELETION_FIELD_NAME)]


RemainsFormSet = forms.formset_factory(
    RemainsRowForm,
    formset=BaseRemainsFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def row_initial(formset: BaseRemainsFormSet) -> list[dict]:
    """What each row of a submitted batch holds, as typed, to show it again unchanged."""
    return [
        {name: form[name].value() for name in RemainsRowForm.base_fields}
        for form in formset.forms
        if not form[DELETION_FIELD_NAME].value()
    ]


def rows_of(handover: Handover) -> list[dict]:
    """A handover's rows as the batch form shows them, to be changed (its edit page)."""
    return [
        {
            "id": remains.pk,
            **{name: getattr(remains, name) for name in ROW_VALUES},
            "person": person_label(remains.person) if remains.person else "",
        }
        for remains in handover.remains.all()
    ]


def resolve_persons(rows: list[RemainsRowForm], *, conflict, party) -> list[Person | None]:
    """The person each row names, by number or by exact name among ``party``'s persons in
    ``conflict``; a row naming no one, or several, gets an error beside its person field.
    Two queries for the whole batch."""
    texts = [row.cleaned_data["person"].strip() for row in rows]
    numbers = [person_number(text) if text else None for text in texts]
    by_id = Person.objects.select_related("party").in_bulk([n for n in numbers if n])
    names = {text for text, number in zip(texts, numbers, strict=True) if text and not number}
    by_name = persons_named(names, conflict=conflict, party=party) if names else {}
    resolved = []
    for row, text, number in zip(rows, texts, numbers, strict=True):
        person, error = _one_person(text, number, by_id, by_name, party)
        if error:
            row.add_error("person", error)
        resolved.append(person)
    return resolved


def _one_person(text, number, by_id, by_name, party) -> tuple[Person | None, str | None]:
    if not text:
        return None, None
    if number:
        person = by_id.get(number)
        return person, None if person else PERSON_NUMBER_UNKNOWN % {"number": number}
    matches = by_name.get(text.lower(), [])
    if len(matches) == 1:
        return matches[0], None
    context = {"party": party.code, "name": text, "count": len(matches)}
    if not matches:
        return None, PERSON_NAME_UNKNOWN % context
    return None, PERSON_NAME_AMBIGUOUS % {**context, "number": matches[0].pk}


def place_service_errors(
    error: ValidationError, *, header, rows: list[RemainsRowForm], unknown_person=frozenset()
) -> None:
    """Put each error of ``handover_create`` beside what it concerns: ``remains[3].person``
    on row 3's person field, ``remains[3]`` on row 3 as a whole, a header field's on it, and
    anything else at the top of the form.

    Rows in ``unknown_person`` went to the service without the person they name (no one has
    that name or number): its complaints about their person, or about its absence, are left
    out, as the row already says what is wrong with it.
    """
    skip = {row_key(ROWS_PREFIX, i, field) for i in unknown_person for field in (None, "person")}
    place_errors(header, error, rows=rows, list_name=ROWS_PREFIX, skip=skip)


def error_summary(header, rows: BaseRemainsFormSet) -> list[dict]:
    """Every error on the page, each with the id of the field to jump to."""
    summary = [
        {"target": header[name].id_for_label, "label": header[name].label, "messages": messages}
        for name, messages in header.errors.items()
        if name != NON_FIELD_ERRORS
    ]
    for index, row in enumerate(rows.forms):
        errors = row.errors
        if row.cleaned_data.get(DELETION_FIELD_NAME):
            continue  # ticked for removal: not saved, so not in the way
        for name, said in errors.items():
            field = name if name in row.fields else "case_number"
            label = row[field].label if name in row.fields else ""
            target = row[field].id_for_label
            summary.append({"target": target, "row": index + 1, "label": label, "messages": said})
    return summary


HEADER_FIELDS = HandoverHeaderForm._meta.fields


class SendBackForm(forms.Form):
    review_comment = forms.CharField(
        label=_("What needs correcting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class VerifyForm(forms.Form):
    """The verifier confirms, with the counts in front of them, that they checked every row.
    ``seen`` is what the page showed: if the draft changed meanwhile, it is shown again."""

    checked = forms.BooleanField(required=True)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, checks: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = checks["fingerprint"]
        self.fields["checked"].label = CHECKED_LABEL % {
            "logged": checks["logged"],
            "announced": checks["announced"],
            "deaths": len(checks["deaths"]),
            "releases": len(checks["releases"]),
        }


CHECKED_LABEL = _(
    "I checked every row against the source: %(logged)s logged of %(announced)s announced; "
    "verifying records %(deaths)s deaths and %(releases)s releases."
)
