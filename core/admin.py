"""Pieces the apps' admins share: saving through the services, never a 500 when they refuse, and
a readable change history.

Django's admin saves with ``form.save()``; here the service functions save instead, so the rules
live in one place. Forms pre-validate what they can so errors show beside their fields; a service
may still refuse (someone saved first), and then the same POST is shown again with its messages.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from core.history import Part, history
from core.rows import error_items, parse_row_key, place_errors, place_on_rows


def model_values(form) -> dict:
    """The cleaned values of the form's model fields (not its extra, non-model fields)."""
    names = {field.name for field in form._meta.model._meta.concrete_fields}
    return {name: value for name, value in form.cleaned_data.items() if name in names}


def live_rows(formset) -> list:
    """The forms of an inline formset filled in and not ticked for deletion: the rows a
    service is given, in order, so its ``remains[i]`` is the i-th of these."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def formset_rows(formset, names) -> list[dict]:
    """The rows of an inline formset a service should create: filled in and not deleted."""
    if formset is None:
        return []
    return [
        {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        for form in live_rows(formset)
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


def _list_named(key: str) -> str:
    place = parse_row_key(key)
    return place.list_name if place else key


class ServiceErrorsForm(forms.ModelForm):
    """Base form for admins that save through a service; shows that service's refusal.

    Errors about the rows of a list an inline shows (``row_lists``) are the inline's to show.
    """

    service_error: ValidationError | None = None
    row_lists: frozenset[str] = frozenset()

    def clean(self):
        cleaned = super().clean()
        if self.service_error is not None:
            error = self.service_error
            skip = {key for key, _ in error_items(error) if _list_named(key) in self.row_lists}
            place_errors(self, error, skip=skip)
        return cleaned


class ServiceErrorsFormSet:
    """Inline formset mixin: a service's errors about this list (``remains[2].person``,
    ``remains``) go beside the row and field they concern, or above the rows."""

    service_error: ValidationError | None = None

    def full_clean(self):
        super().full_clean()
        if self.service_error is None:
            return
        left = place_on_rows(self.service_error, rows=live_rows(self), list_name=self.prefix)
        for key, messages in left:
            if _list_named(key) == self.prefix:
                self._non_form_errors.extend(messages)


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
        lists = frozenset(
            formset.get_default_prefix()
            for formset, _ in super().get_formsets_with_inlines(request, obj)
        )
        return type(form.__name__, (form,), {"service_error": error, "row_lists": lists})

    def get_formsets_with_inlines(self, request, obj=None):
        error = getattr(request, "_service_error", None)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if error is not None:
                attrs = {"service_error": error}
                formset = type(formset.__name__, (ServiceErrorsFormSet, formset), attrs)
            yield formset, inline


class HistoryMixin:
    """ModelAdmin mixin: the "History" button shows the audit trail's changes of the record and
    of its rows (``history_parts``), readable (core/history.py), instead of Django's admin log."""

    object_history_template = "admin/audit_history.html"

    def history_parts(self, obj) -> list[Part]:
        return [Part(self.model, {"pgh_obj_id": obj.pk})]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        changes = history(self.history_parts(obj)) if obj is not None else []
        return super().history_view(
            request, object_id, {**(extra_context or {}), "changes": changes}
        )
