"""The filter form of a staff list page, made for people.

A list page filters with the API's FilterSet, which takes slugs and codes as the API does;
the page offers them as lists to pick from, with labels that read well, and dates as dates.
"""

from collections.abc import Iterable, Mapping

from django import forms


def choose_from_lists(
    form: forms.Form,
    *,
    lists: Mapping[str, tuple[str, Iterable]] | None = None,
    labels: Mapping[str, str] | None = None,
    dates: Iterable[str] = (),
    checkboxes: Iterable[str] = (),
) -> None:
    """Shape ``form`` (a FilterSet's) in place.

    ``lists`` maps a field to ``(label of "any", choices)``: a drop-down list of the choices,
    led by the empty choice; ``checkboxes`` lets several of a field's choices be ticked.
    """
    for name, (anything, choices) in (lists or {}).items():
        field, choices = form.fields[name], [("", anything), *choices]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices  # validates against the list too
        else:
            field.widget = forms.Select(choices=choices)
    for name in checkboxes:
        form.fields[name].widget = forms.CheckboxSelectMultiple(choices=form.fields[name].choices)
    for name in dates:
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    for name, label in (labels or {}).items():
        form.fields[name].label = label
