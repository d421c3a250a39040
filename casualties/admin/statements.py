"""Statements and their figures. A new statement and its figures are saved by
``statement_create`` in one transaction; there is no update service yet, so edits use the form."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from casualties.history import statement_history_parts
from casualties.models import Figure, Statement
from casualties.services import statement_create
from core.admin import (
    HistoryMixin,
    ServiceErrorsMixin,
    adopt,
    formset_rows,
    mark_saved,
    model_values,
)

FIGURE_FIELDS = ("subject_party", "category", "value", "civilians", "qualifier")


class FigureInline(admin.TabularInline):
    model = Figure
    fields = FIGURE_FIELDS
    extra = 3

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subject_party")


@admin.register(Statement)
class StatementAdmin(HistoryMixin, ServiceErrorsMixin, admin.ModelAdmin):
    list_display = ("__str__", "as_of", "conflict", "citation_title", "figure_count")
    list_filter = ("conflict", "source__kind", "source")
    search_fields = ("citation_title", "source__name", "note")
    list_select_related = ("conflict", "source")
    date_hierarchy = "as_of"
    inlines = [FigureInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_parts(self, obj):
        return statement_history_parts(obj.pk)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_count=Count("figures"))

    @admin.display(description=_("figures"), ordering="figure_count")
    def figure_count(self, statement):
        return statement.figure_count

    def save_model(self, request, obj, form, change):
        # A new statement is created with its figures in save_related, where the inline
        # rows are known; saving it here first would bypass statement_create.
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        figures = next((fs for fs in formsets if fs.model is Figure), None)
        statement = statement_create(
            figures=formset_rows(figures, FIGURE_FIELDS), **model_values(form)
        )
        adopt(form.instance, statement)
        mark_saved(figures, statement.figures.all())


@admin.register(Figure)
class FigureAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("statement", "subject_party", "category", "value", "civilians", "qualifier")
    list_filter = ("category", "qualifier", "subject_party")
    search_fields = ("statement__citation_title", "statement__source__name")
    list_select_related = ("statement__source", "subject_party")
    autocomplete_fields = ("statement",)
