"""Reference data: conflicts, parties and sources. No service owns them; the model form's
validation (``full_clean``, constraints) is the whole rule set."""

from django.contrib import admin

from casualties.models import Conflict, Party, Source
from core.admin import HistoryMixin


@admin.register(Conflict)
class ConflictAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "start_date", "end_date")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "start_date"


@admin.register(Party)
class PartyAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Source)
class SourceAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("name", "party", "kind")
    list_filter = ("kind", "party")
    search_fields = ("name", "party__code", "party__name")
    list_select_related = ("party",)
