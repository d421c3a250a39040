"""One FilterSet per resource, shared by the API and the staff pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casualties.filtersets import UpdatedSinceFilterSet
from repatriation.models import Agreement, Handover


def either_party(queryset, sides: tuple[str, str], code: str):
    """Rows where the party with ``code`` is on either side."""
    first, second = sides
    return queryset.filter(Q(**{f"{first}__code": code}) | Q(**{f"{second}__code": code}))


class AgreementFilterSet(UpdatedSinceFilterSet):
    conflict = django_filters.CharFilter(field_name="conflict__slug", label=_("Conflict (slug)"))
    party = django_filters.CharFilter(method="filter_party", label=_("Party (code), either side"))
    concluded_on_after = django_filters.DateFilter(field_name="concluded_on", lookup_expr="gte")
    concluded_on_before = django_filters.DateFilter(field_name="concluded_on", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))

    class Meta:
        model = Agreement
        fields = ["kind"]

    def filter_party(self, queryset, name, value):
        return either_party(queryset, ("party_a", "party_b"), value)


class HandoverFilterSet(UpdatedSinceFilterSet):
    conflict = django_filters.CharFilter(field_name="conflict__slug", label=_("Conflict (slug)"))
    party = django_filters.CharFilter(
        method="filter_party", label=_("Party (code), giving or receiving")
    )
    to_party = django_filters.CharFilter(field_name="to_party__code", label=_("To party (code)"))
    from_party = django_filters.CharFilter(
        field_name="from_party__code", label=_("From party (code)")
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("Agreement (id)"))
    q = django_filters.CharFilter(method="search", label=_("Search location and citation"))

    class Meta:
        model = Handover
        fields = ["kind", "state"]

    def filter_party(self, queryset, name, value):
        return either_party(queryset, ("from_party", "to_party"), value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(location__icontains=value) | Q(citation__icontains=value))
