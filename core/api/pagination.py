"""How API lists are cut: numbered pages for people, an opaque cursor for syncing.

``?page=N&page_size=M`` (at most 1,000 a page) numbers pages as before. Counting a large list
reads every matching row, so above ``API_EXACT_COUNT_LIMIT`` rows (the planner's estimate) the
count is the planner's estimate and the answer says so (``"count_estimated": true``).

``?cursor=`` (empty to begin) walks the list in id order instead and answers only ``next``
(``null`` at the end): each page starts after the last id of the one before, found through the
primary key's index however deep the walk is, and no row is skipped or repeated while rows are
added during the walk (new ones have higher ids and come at its end). A cursor walks in one
order only, so it refuses ``ordering`` and ``page``. For everything at once, ``format=csv``.
"""

import base64
import binascii
import json

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Field, QuerySet
from django.db.models.expressions import Col
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_EXACT_COUNT_LIMIT = 100_000
CURSOR_PARAM = "cursor"
MAX_OFFSET = 2**63 - 1
BAD_CURSOR = _("This cursor is not one this API gave out: start again with an empty cursor.")
CURSOR_WITH_ORDERING = _(
    "A cursor walks the list in id order: leave out “ordering” (or page with “page”)."
)
CURSOR_WITH_PAGE = _("Page either by “page” or by “cursor”, not both.")


def planner_estimate(queryset) -> int | None:
    """The planner's guess at the number of rows ``queryset`` returns, without reading them.

    For an unfiltered table this is ``pg_class.reltuples`` scaled to the table's size; with
    filters, the planner's selectivity. None when it cannot be asked (no SQL to explain)."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.order_by().query
    try:
        sql, params = query.get_compiler(queryset.db).as_sql()
    except Exception:  # EmptyResultSet and the like: nothing worth estimating
        return None
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def deferred_rows(object_list, bottom: int, top: int):
    """Rows ``bottom`` to ``top`` of ``object_list``, in its order: past the first page, the
    offset is skipped over ids alone (a subquery of the same filters and order selecting only
    the id, so the order's index can answer it without reading rows), and only the page's
    rows are then read whole, joined and sorted again (a "deferred join"). A plain
    ``OFFSET`` reads, and joins, every row it skips."""
    if not bottom or not isinstance(object_list, QuerySet):
        return object_list[bottom:top]
    return object_list.filter(pk__in=ids_only(object_list)[bottom:top])


def ids_only(object_list: QuerySet) -> QuerySet:
    """``object_list``'s ids, with its filters and order, joined to no table it joins only
    to read a column (a list read through values() joins e.g. its conflict for the slug):
    a join, even one that cannot drop a row, would make PostgreSQL read each skipped row.
    Only joins along a foreign key are left out: each finds one row or none, where a join to
    the many side of a relation repeats rows, so that the ids would not be the list's."""
    ids = object_list.values("pk")
    query = ids.query
    ordered_by = {str(term).lstrip("-") for term in query.order_by}
    for name, annotation in query.annotations.items():
        if name in query.annotation_select or name in ordered_by:
            continue
        for column in annotation.flatten():
            if isinstance(column, Col) and _single_valued(query.alias_map.get(column.alias)):
                query.unref_alias(column.alias)
    return ids


def _single_valued(join) -> bool:
    field = getattr(join, "join_field", None)  # the base table is no Join: it has none
    return isinstance(field, Field) and (field.many_to_one or field.one_to_one)


class EstimatedPage(Page):
    """A page of an estimated count: whether another follows is known from one extra row."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class EstimatingPaginator(Paginator):
    """Django's Paginator, counting exactly up to ``API_EXACT_COUNT_LIMIT`` rows (as the planner
    estimates them) and taking the estimate above it; then any page number may be asked for,
    and a page past the end is an empty page error as before."""

    count_estimated = False
    # Whether pages past the first are read by ``deferred_rows``: for lists whose order is
    # total (ends with the id) and indexed, so the ids of a deep page come from an index.
    deferred_join = False

    @cached_property
    def count(self):
        limit = getattr(settings, "API_EXACT_COUNT_LIMIT", DEFAULT_EXACT_COUNT_LIMIT)
        estimate = planner_estimate(self.object_list)
        if estimate is None or estimate < limit:
            if isinstance(self.object_list, QuerySet):
                return ids_only(self.object_list).count()
            return super().count
        self.count_estimated = True
        return estimate

    def validate_number(self, number):
        if not (self.count and self.count_estimated):
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("That page number is not an integer")) from exc
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        if number * self.per_page >= MAX_OFFSET:  # PostgreSQL's OFFSET is a bigint
            raise EmptyPage(_("That page contains no results"))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.count_estimated:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        rows = list(self._rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return EstimatedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, bottom: int, top: int):
        if self.deferred_join:
            return deferred_rows(self.object_list, bottom, top)
        return self.object_list[bottom:top]


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()


def decode_cursor(value: str) -> int | None:
    """The id a page starts after (None: from the first row); a 400 for anything else."""
    if not value:
        return None
    try:
        after = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))["after"]
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error) as exc:
        raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]}) from exc
    if type(after) is not int or not 0 <= after < 2**63:
        raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]})
    return after


def row_id(row) -> int:
    """A row's id: a list read through values() (core/api/viewsets.py) pages dicts."""
    return row["id"] if isinstance(row, dict) else row.pk


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages with a count (estimated above a limit), or a cursor walk (module doc)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = EstimatingPaginator
    cursor_query_param = CURSOR_PARAM

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.walking = self.cursor_query_param in request.query_params
        if not self.walking:
            return super().paginate_queryset(queryset, request, view)
        params = request.query_params
        if "ordering" in params:
            raise ValidationError({"ordering": [CURSOR_WITH_ORDERING]})
        if self.page_query_param in params:
            raise ValidationError({self.page_query_param: [CURSOR_WITH_PAGE]})
        after = decode_cursor(params[self.cursor_query_param])
        size = self.get_page_size(request)
        rows = queryset.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        rows = list(rows[: size + 1])
        self.next_after = row_id(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data):
        if self.walking:
            return Response({"next": self.get_next_link(), "results": data})
        return Response(
            {
                "count": self.page.paginator.count,
                "count_estimated": self.page.paginator.count_estimated,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self):
        if not self.walking:
            return super().get_next_link()
        if self.next_after is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encode_cursor(self.next_after))

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "True when count is the planner's estimate (a large list).",
        }
        described["required"] = ["results"]
        return described

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _(
                        "Walk the whole list in id order for syncing: empty to begin, then "
                        "follow “next” until it is null."
                    )
                ),
                "schema": {"type": "string"},
            },
        ]
