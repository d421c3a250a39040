"""Pieces both apps' admins share: saving through the services, and never a 500 when they refuse.

Django's admin saves with ``form.save()``; here the service functions save instead, so the rules
live in one place. Forms pre-validate what they can so errors show beside their fields; a service
may still refuse (someone saved first), and then the same POST is shown again with its messages.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def model_values(form) -> dict:
    """The cleaned values of the form's model fields (not its extra, non-model fields)."""
    names = {field.name for field in form._meta.model._meta.concrete_fields}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


def formset_rows(formset, names) -> list[dict]:
    """The rows of an inline formset a service should create: filled in and not deleted."""
    if formset is None:
        return []
    return [
        {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def mark_saved(formset, objects) -> None:
    """Tell an inline formset which rows a service created for it.

    The admin's change message (and log entry) reads these lists, which ``formset.save()``
    would have filled had the formset saved its rows itself.
    """
    if formset is not None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            list(objects),
            [],
            [],
        )


def adopt(target, saved) -> None:
    """Copy a row a service created onto the unsaved instance the admin built from the form.

    The admin logs the addition and redirects using its own instance, so that instance must
    carry the new primary key and whatever the service derived (``name_latin``, case numbers).
    """
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


def _error_items(error: ValidationError):
    if not hasattr(error, "error_dict"):
        yield None, error.messages
        return
    for key, errors in error.error_dict.items():
        yield key, ValidationError(errors).messages


class ServiceErrorsForm(forms.ModelForm):
    """Base form for admins that save through a service; shows that service's refusal."""

    service_error: ValidationError | None = None

    def clean(self):
        cleaned = super().clean()
        if self.service_error is not None:
            for key, messages in _error_items(self.service_error):
                if key in self.fields:
                    self.add_error(key, messages)
                elif key in (None, NON_FIELD_ERRORS):
                    self.add_error(None, messages)
                else:  # e.g. ``remains[2].person``: a row the main form has no field for
                    self.add_error(None, [f"{key}: {message}" for message in messages])
        return cleaned


class ServiceErrorsMixin:
    """ModelAdmin mixin: a ValidationError from a service re-renders the form instead of a 500.

    The admin's save runs in a transaction, so the failed attempt has left nothing behind;
    the second pass validates the same POST with the service's messages added to the form.
    """

    form = ServiceErrorsForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or getattr(request, "_service_error", None):
                raise
            request._service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_service_error", None)
        if error is None:
            return form
        return type(form.__name__, (form,), {"service_error": error})
