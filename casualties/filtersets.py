"""One FilterSet per resource, shared by the API and the staff pages."""

import datetime

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from casualties.choices import FigureCategory, PersonStatus
from casualties.models import Conflict, Figure, Party, Person, PersonMerge, Source, Statement
from casualties.search.names import SEARCH_RANK, name_search
from core.tiers import is_staff


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC.

    ISO 8601 and Python allow UTC offsets up to ±23:59, PostgreSQL only up to ±15:59: a
    moment like ``…T20:00+19:18`` is valid input, so it is converted rather than refused
    (and one beyond year 1 or 9999 in UTC is an invalid value, not a crash).
    """

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """``updated_since=<ISO datetime>``: rows created or changed since, for readers who sync."""

    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")


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


class StatementFilterSet(UpdatedSinceFilterSet):
    conflict = django_filters.CharFilter(field_name="conflict__slug")
    source = django_filters.CharFilter(field_name="source__name")
    # party and category are applied together in filter_queryset, to the same figure.
    party = django_filters.CharFilter(method="figure_filter", label=_("Subject party"))
    category = django_filters.ChoiceFilter(
        method="figure_filter", choices=FigureCategory.choices, label=_("Category")
    )
    as_of_after = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")
    issued_on_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_on_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte")
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Statement
        fields = []

    def figure_filter(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = {
            lookup: self.form.cleaned_data.get(name)
            for name, lookup in (("party", "subject_party__code"), ("category", "category"))
        }
        wanted = {lookup: value for lookup, value in wanted.items() if value}
        if not wanted:
            return queryset
        # EXISTS rather than a join: one row per statement, however many figures match,
        # and "party=ARM&category=killed" means one figure that is both.
        figures = Figure.objects.filter(statement=OuterRef("pk"), **wanted)
        return queryset.filter(Exists(figures))

    def search(self, queryset, name, value):
        return queryset.filter(Q(citation_title__icontains=value) | Q(note__icontains=value))


PUBLIC_SORT_NAME = Person.public_sort_name()


class PersonOrderingFilter(django_filters.OrderingFilter):
    """``ordering=name_latin,-status_date``; always ends with ``id`` so pages are stable.
    After a name search (``q``) the closest matches come first unless an order is asked for."""

    default = ("name_latin",)

    def filter(self, queryset, value):
        if not value and SEARCH_RANK in queryset.query.annotations:
            return queryset.order_by(f"-{SEARCH_RANK}", "id")
        staff = is_staff(getattr(self.parent.request, "user", None))
        terms = [self.get_ordering_value(param) for param in value or self.default]
        order_by = []
        for term in terms:
            if staff or term.lstrip("-") != "name_latin":
                order_by.append(term)
            elif term.startswith("-"):
                order_by.append(PUBLIC_SORT_NAME.desc(nulls_last=True))
            else:
                order_by.append(PUBLIC_SORT_NAME.asc(nulls_last=True))
        if not {"id", "-id"} & set(terms):
            order_by.append("id")
        return queryset.order_by(*order_by)


class PersonFilterSet(UpdatedSinceFilterSet):
    """Only public fields filter and sort. ``q`` finds a name in any script, misspelt or by an
    alias (see ``name_search``); the public's search sees only names that may be published,
    so nobody can probe for a hidden name by searching for it."""

    conflict = django_filters.CharFilter(field_name="conflict__slug")
    party = django_filters.CharFilter(field_name="party__code")
    status = django_filters.MultipleChoiceFilter(choices=PersonStatus.choices)
    civilian = django_filters.BooleanFilter(field_name="is_civilian")
    region = django_filters.CharFilter(field_name="home_region", lookup_expr="icontains")
    status_date_after = django_filters.DateFilter(field_name="status_date", lookup_expr="gte")
    status_date_before = django_filters.DateFilter(field_name="status_date", lookup_expr="lte")
    q = django_filters.CharFilter(method="search", label=_("Name"), max_length=200)
    ordering = PersonOrderingFilter(fields=("name_latin", "status_date", "updated_at", "id"))

    class Meta:
        model = Person
        fields = []

    def search(self, queryset, name, value):
        public = not is_staff(getattr(self.request, "user", None))
        return name_search(queryset, value, public=public)


class PersonMergeFilterSet(django_filters.FilterSet):
    """``merged_since=<ISO datetime>``: merges recorded since, so that a reader who syncs
    persons by ``updated_since`` learns which records went, and into which they went."""

    merged_since = UtcIsoDateTimeFilter(field_name="merged_at", lookup_expr="gte")
    conflict = django_filters.CharFilter(field_name="person__conflict__slug")
    party = django_filters.CharFilter(field_name="person__party__code")

    class Meta:
        model = PersonMerge
        fields = []
