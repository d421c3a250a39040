"""One FilterSet per resource, shared by the API and the staff pages."""

import django_filters
from django.db.models import Q

from casualties.models import Conflict, Party, Source


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """``updated_since=<ISO datetime>``: rows created or changed since, for readers who sync."""

    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")


class ConflictFilterSet(UpdatedSinceFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    start_date_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    start_date_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Conflict
        fields = ["slug"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value))


class PartyFilterSet(UpdatedSinceFilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Party
        fields = ["code", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class SourceFilterSet(UpdatedSinceFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    party = django_filters.CharFilter(field_name="party__code")

    class Meta:
        model = Source
        fields = ["kind"]
