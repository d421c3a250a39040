from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from casualties.models import Conflict, Party, Source
from core.api.caching import ScopedVersionMixin, conditional, request_data_version
from core.api.csv import download_name, download_options, streaming_csv
from core.cache import cached
from core.tiers import is_staff
from ledger.computation import ledger_for, ledger_series, ledger_summaries, ledger_timeline
from ledger.disclosure import public_ledger, staff_ledger

UNKNOWN_CONFLICT = _("There is no conflict “%(slug)s”.")
UNKNOWN_PARTY = _("There is no party “%(code)s”.")
UNKNOWN_SOURCE = _("“%(name)s” is not an authority of this party.")


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Compute from the evidence dated on or before this day (YYYY-MM-DD)."),
    )
    source = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("Take the party's own figures from this one authority only (its name)."),
    )


def as_of_from(request):
    query = AsOfQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("as_of")


def source_from(request, party: Party) -> str | None:
    """``?source=<name>``: one of the party's own authorities, or a 404 naming it."""
    query = AsOfQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    name = query.validated_data.get("source")
    if name and not Source.objects.filter(name=name, party=party).exists():
        raise NotFound(UNKNOWN_SOURCE % {"name": name})
    return name or None


def conflict_and_party(slug: str, code: str) -> tuple[Conflict, Party]:
    conflict = Conflict.objects.filter(slug=slug).first()
    if conflict is None:
        raise NotFound(UNKNOWN_CONFLICT % {"slug": slug})
    party = Party.objects.filter(code=code).first()
    if party is None:
        raise NotFound(UNKNOWN_PARTY % {"code": code})
    return conflict, party


@method_decorator(conditional, name="get")
class LedgerListView(APIView):
    """One summary row per conflict and party."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is all it answers

    @extend_schema(
        operation_id="ledger_list", parameters=[AsOfQuery], responses=OpenApiTypes.OBJECT
    )
    def get(self, request):
        as_of = as_of_from(request)
        rows = cached(ledger_summaries, version=request_data_version(request), as_of=as_of)
        return Response({"as_of": as_of, "count": len(rows), "results": rows})


@method_decorator(conditional, name="get")
class LedgerDetailView(ScopedVersionMixin, APIView):
    """The full ledger of one conflict and party (DESIGN §4)."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is all it answers

    @extend_schema(
        operation_id="ledger_retrieve", parameters=[AsOfQuery], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, conflict_slug, party_code):
        as_of = as_of_from(request)
        conflict, party = conflict_and_party(conflict_slug, party_code)
        ledger = cached(
            ledger_for,
            version=request_data_version(request),
            conflict=conflict,
            party=party,
            as_of=as_of,
            source=source_from(request, party),
        )
        # Person counts are exact for staff, suppressed below PUBLIC_MIN_CELL for the public.
        return Response(staff_ledger(ledger) if is_staff(request.user) else public_ledger(ledger))


@method_decorator(conditional, name="get")
class LedgerTimelineView(ScopedVersionMixin, APIView):
    """Dated points (official total, official remains returned, cumulative received) and every
    series: each official category per authority, other parties' claims, received."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is all it answers

    @extend_schema(
        operation_id="ledger_timeline", parameters=[AsOfQuery], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, conflict_slug, party_code):
        as_of = as_of_from(request)
        conflict, party = conflict_and_party(conflict_slug, party_code)
        scope = {"conflict": conflict, "party": party, "as_of": as_of}
        scope["source"] = source_from(request, party)
        version = request_data_version(request)
        series = cached(ledger_series, version=version, **scope)
        if request.accepted_renderer.format == "csv":
            return timeline_csv(conflict, party, series, request)
        points = cached(ledger_timeline, version=version, **scope)
        body = {"conflict": conflict.slug, "party": party.code, "as_of": as_of}
        return Response({**body, "timeline": points, "series": series})


TIMELINE_FIELDS = ["conflict", "party", "date", "series", "label", "category", "source", "value"]


def timeline_csv(conflict: Conflict, party: Party, series: list[dict], request):
    """The timeline in long form: one row per series and date, every series of the JSON."""
    rows = (
        {
            "conflict": conflict.slug,
            "party": party.code,
            "date": point["date"],
            "series": line["key"],
            "label": line["label"],
            "category": line["category"],
            "source": line["source"],
            "value": point["value"],
        }
        for line in series
        for point in line["points"]
    )
    name = download_name("ledger-timeline", conflict.slug, party.code)
    return streaming_csv(rows, TIMELINE_FIELDS, name, **download_options(request))
