from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from casualties.models import Conflict, Party
from core.api.caching import conditional, request_data_version
from core.cache import cached
from ledger.computation import ledger_for, ledger_summaries, ledger_timeline

UNKNOWN_CONFLICT = _("There is no conflict “%(slug)s”.")
UNKNOWN_PARTY = _("There is no party “%(code)s”.")


class AsOfQuery(serializers.Serializer):
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Compute from the evidence dated on or before this day (YYYY-MM-DD)."),
    )


def as_of_from(request):
    query = AsOfQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("as_of")


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
class LedgerDetailView(APIView):
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
        )
        return Response(ledger)


@method_decorator(conditional, name="get")
class LedgerTimelineView(APIView):
    """Dated points: official total, official remains returned, cumulative received."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is all it answers

    @extend_schema(
        operation_id="ledger_timeline", parameters=[AsOfQuery], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, conflict_slug, party_code):
        as_of = as_of_from(request)
        conflict, party = conflict_and_party(conflict_slug, party_code)
        points = cached(
            ledger_timeline,
            version=request_data_version(request),
            conflict=conflict,
            party=party,
            as_of=as_of,
        )
        return Response(
            {"conflict": conflict.slug, "party": party.code, "as_of": as_of, "timeline": points}
        )
