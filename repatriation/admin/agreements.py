"""Agreements between parties. No service owns them; the model form validates them."""

from django.contrib import admin

from core.admin import HistoryMixin
from repatriation.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "conflict",
        "kind",
        "concluded_on",
        "party_a",
        "party_b",
        "mediator",
        "count_to_a",
        "count_to_b",
    )
    list_filter = ("conflict", "kind")
    search_fields = ("name", "citation")
    list_select_related = ("conflict", "party_a", "party_b", "mediator")
    date_hierarchy = "concluded_on"
