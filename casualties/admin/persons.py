"""Persons and their status history. A person is created by ``person_create``, edited by
``person_update``, and changes status only through ``person_change_status``."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casualties.admin.forms import PersonAddForm, PersonChangeForm
from casualties.alias_services import person_alias_add, person_alias_remove
from casualties.history import person_history_parts
from casualties.models import Person, PersonAlias, StatusChange
from casualties.services import (
    person_change_status,
    person_create,
    person_update,
)
from core.admin import HistoryMixin, ServiceErrorsMixin, adopt, model_values

DESCRIPTION = (
    "conflict",
    "party",
    "full_name",
    "name_latin",
    "name_public",
    "is_civilian",
    "rank",
    "unit",
    "home_region",
)
RESTRICTED = (_("Restricted"), {"classes": ["collapse"], "fields": Person.RESTRICTED_FIELDS})
STATUS_CHANGE_FIELDS = (
    "effective_date",
    "status",
    "is_correction",
    "reason",
    "source_note",
    "recorded_by",
    "recorded_at",
)


class ReadOnlyAdminMixin:
    """For history: shown to whoever may view it, never added to, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatusChange
    fields = STATUS_CHANGE_FIELDS
    readonly_fields = STATUS_CHANGE_FIELDS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class PersonAliasInline(admin.TabularInline):
    """Other spellings of the name: added and removed through the alias services (which
    refuse a duplicate), never edited in place — remove one and add the right spelling."""

    model = PersonAlias
    fields = ("name", "note", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


def save_aliases(request, formset) -> None:
    """Remove the rows ticked for deletion, then add the new ones, each through its service.

    A refused spelling raises a ValidationError that names it; the admin shows the form again.
    """
    removed = [form.instance for form in formset.deleted_forms if form.instance.pk]
    for alias in removed:
        person_alias_remove(alias=alias, user=request.user)
    added = []
    for form in formset.extra_forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        name, note = form.cleaned_data["name"], form.cleaned_data.get("note", "")
        try:
            added.append(
                person_alias_add(person=formset.instance, name=name, note=note, user=request.user)
            )
        except ValidationError as error:
            raise ValidationError([f"{name}: {message}" for message in error.messages]) from error
    formset.new_objects, formset.changed_objects, formset.deleted_objects = added, [], removed


@admin.register(Person)
class PersonAdmin(HistoryMixin, ServiceErrorsMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "full_name",
        "party",
        "conflict",
        "status",
        "status_date",
        "is_civilian",
        "name_public",
    )
    list_filter = ("status", "party", "conflict", "is_civilian", "name_public")
    search_fields = ("name_latin", "full_name", "service_number")
    list_select_related = ("party", "conflict")
    date_hierarchy = "status_date"
    add_fieldsets = (
        (None, {"fields": DESCRIPTION}),
        (_("Initial status"), {"fields": ("status", "status_date", "source_note")}),
        RESTRICTED,
    )
    fieldsets = (
        (None, {"fields": DESCRIPTION}),
        (_("Current status"), {"fields": ("status", "status_date")}),
        (
            _("Record a status change"),
            {"fields": ("new_status", "effective_date", "source_note", "reason")},
        ),
        RESTRICTED,
    )

    def history_parts(self, obj):
        return person_history_parts(obj.pk)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PersonAddForm if obj is None else PersonChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The current status mirrors the latest StatusChange; it moves only by recording one.
        return () if obj is None else ("status", "status_date")

    def get_inlines(self, request, obj):
        return [] if obj is None else [PersonAliasInline, StatusChangeInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is PersonAlias:
            save_aliases(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request, obj, form, change):
        values, extra = model_values(form), form.cleaned_data
        if not change:
            person = person_create(user=request.user, source_note=extra["source_note"], **values)
            adopt(obj, person)
            return
        person_update(person=obj, data=values)
        if extra.get("new_status"):
            person_change_status(
                person=obj,
                status=extra["new_status"],
                effective_date=extra["effective_date"],
                user=request.user,
                source_note=extra["source_note"],
                reason=extra["reason"],
            )


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "status", "effective_date", "is_correction", "recorded_by")
    list_filter = ("status", "is_correction", "person__party", "person__conflict")
    search_fields = ("person__name_latin", "person__full_name", "source_note", "reason")
    list_select_related = ("person", "recorded_by")
    date_hierarchy = "effective_date"
    fields = ("person", *STATUS_CHANGE_FIELDS)
