"""The base of every resource's API: two serializer tiers, CSV, conditional GETs, no DELETE."""

from itertools import islice

from django.db.models import F
from django.utils.decorators import method_decorator
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.caching import conditional, request_data_version
from core.api.csv import download_options, list_download_name, streaming_csv
from core.cache import cached
from core.tiers import is_staff

CSV_CHUNK = 2000


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _values(queryset, columns: dict):
    """``queryset.values()`` of ``columns`` ({name: field, path or expression}) and a function
    giving a row its columns' names: a column that is a field of its own name is read by that
    name (``id`` among them, which cursor paging needs); values() aliases may not shadow model
    fields, so the others are read under numbered names and renamed."""
    own = {name for name, column in columns.items() if column == name}
    aliases = {name: f"col_{i}" for i, name in enumerate(columns) if name not in own}
    expressions = {alias: _expression(columns[name]) for name, alias in aliases.items()}
    values = queryset.values(*[name for name in columns if name in own], **expressions)
    return values, lambda row: {name: row[aliases.get(name, name)] for name in columns}


def _expression(column):
    return F(column) if isinstance(column, str) else column


def _value_rows(queryset, columns: dict):
    values, named = _values(queryset, columns)
    for row in values.iterator(chunk_size=CSV_CHUNK):
        yield named(row)


@method_decorator(conditional, name="list")
@method_decorator(conditional, name="retrieve")
class ResourceViewSet(viewsets.ModelViewSet):
    """Reads for everyone, in the public or the staff tier; POST and PATCH for those holding
    the model permission. Records are not deleted through the API (the admin, audited, can).

    Subclasses declare ``queryset``, ``public_serializer_class``, ``staff_serializer_class``,
    ``filterset_class`` and ``ordering_fields``; writes go through services in the serializers.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    # DRF's default, minus NUL: PostgreSQL text cannot hold one, and looking up a slug or code
    # with it makes the driver refuse the query (a 500) where the answer is simply 404.
    lookup_value_regex = "[^/.\x00]+"
    public_serializer_class = None
    staff_serializer_class = None
    csv_name = "export"

    def get_serializer_class(self):
        # Writers hold model permissions (checked before this), so they get the full tier.
        if is_staff(self.request.user) or self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return self.staff_serializer_class
        return self.public_serializer_class

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.version_scope = self.version_scope(request)

    def version_scope(self, request) -> tuple | None:
        """(conflict, party) when the rows read are filtered to one conflict's (and party's),
        for the scoped data version (core.audit); else None, the global one. Only where the
        resource's own filters give ``conflict`` and ``party`` that meaning (an ignored
        parameter must not narrow the version), and only for list and retrieve (they filter)."""
        filters = getattr(self.filterset_class, "base_filters", {})
        conflict = request.query_params.get("conflict")
        if self.action not in ("list", "retrieve") or "conflict" not in filters or not conflict:
            return None
        party = request.query_params.get("party") if "party" in filters else None
        return (conflict, party or None)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return self.csv_response()
        columns = getattr(self.get_serializer_class(), "csv_columns", None)
        return self._public_cached(self.value_list if columns else super().list, request)

    def value_list(self, request):
        """A page of a large table read like its CSV (``csv_columns``): rows straight from
        ``values()``, with no model or serializer per row. The columns say exactly what the
        serializer says (tests hold them to each other)."""
        columns = self.get_serializer_class().csv_columns
        values, named = _values(self.filter_queryset(self.get_queryset()), columns)
        page = self.paginate_queryset(values)
        if page is None:
            return Response([named(row) for row in values])
        return self.get_paginated_response([named(row) for row in page])

    def retrieve(self, request, *args, **kwargs):
        return self._public_cached(super().retrieve, request, *args, **kwargs)

    def _public_cached(self, respond, request, *args, **kwargs):
        """Public answers come from a cache keyed by the data version and the full URL, so a
        page asked for again before anything changes is not rebuilt. Staff answers (with
        restricted fields) are never cached."""
        if is_staff(request.user):
            return respond(request, *args, **kwargs)

        def public_data(url):
            response = respond(request, *args, **kwargs)
            return (response.status_code, response.data)

        status, data = cached(
            public_data, version=request_data_version(request), url=request.build_absolute_uri()
        )
        return Response(data, status=status)

    def csv_response(self):
        """All rows of the filtered list (not one page), serialized in chunks as they stream.

        A serializer may declare ``csv_columns`` ({column: ORM path or expression}) for large
        tables: rows then come straight from ``values()``, with no model or serializer per row.
        """
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        columns = getattr(serializer_class, "csv_columns", None)
        name = list_download_name(self.csv_name, self.request)
        options = download_options(self.request)
        if columns:
            return streaming_csv(_value_rows(queryset, columns), list(columns), name, **options)

        def rows():
            for chunk in _chunks(queryset.iterator(chunk_size=CSV_CHUNK), CSV_CHUNK):
                yield from serializer_class(chunk, many=True, context=context).data

        fields = [
            name
            for name, field in serializer_class(context=context).fields.items()
            if not field.write_only
        ]
        return streaming_csv(rows(), fields, name, **options)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON in one shape, even for a caller who asked for CSV.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format == "csv":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
