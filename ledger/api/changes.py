"""``GET /api/v1/changes/``: every change to a public record, in commit order, for mirrors.

Each entry is ``{resource, id, action, at, merged_into?}``; ``resource`` is the list's path
under /api/v1/ (``persons``, ``statements``, ``handovers``, …). A mirror replays it: on
``created`` or ``updated`` it fetches ``/api/v1/<resource>/<id>/`` (a 404 there means the record
has gone since, and a later entry says so); on ``deleted`` or ``merged`` it drops the record
(``merged_into`` names the record it became); on ``unpublished`` (a name hidden again) it drops
everything it held of the record, then fetches what is still public. Tombstones carry no
content. ``next`` is an opaque cursor to pass back as ``since``; how the order is kept is in
ledger/api/change_feed.py.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger.api.change_feed import changes_after, decode_cursor, encode_cursor, position_at

PAGE_SIZE = 500
MAX_PAGE_SIZE = 5000
BAD_SINCE = _("Give since as a cursor from this feed's “next”, or an ISO 8601 date and time.")
BAD_PAGE_SIZE = _("page_size is a whole number from 1 to %(max)s.")


def _position(since: str | None) -> tuple[int, int]:
    if not since:
        return (0, 0)
    position = decode_cursor(since)
    if position is not None:
        return position
    try:
        moment = parse_datetime(since)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({"since": [BAD_SINCE]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return position_at(moment)


def _page_size(value: str | None) -> int:
    if value is None:
        return PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [BAD_PAGE_SIZE % {"max": MAX_PAGE_SIZE}]})
    return int(value)


class ChangeFeedView(APIView):
    """Every created, updated, deleted, unpublished and merged public record, in commit order.
    Start with no ``since``; then pass the answer's ``next`` as ``since`` until ``more`` is
    false, and keep the last ``next`` for the following poll."""

    permission_classes = [permissions.AllowAny]  # read-only: GET is all it answers

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "since",
                str,
                description=str(_("A cursor (this feed's “next”) or an ISO 8601 date and time.")),
            ),
            OpenApiParameter("page_size", int, description=f"1–{MAX_PAGE_SIZE}, {PAGE_SIZE}."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        position = _position(request.query_params.get("since"))
        limit = _page_size(request.query_params.get("page_size"))
        # Staff read the same feed: it describes the public lists, never drafts or hidden names.
        entries, reached, more = changes_after(position, limit=limit)
        response = Response({"next": encode_cursor(*reached), "more": more, "results": entries})
        # A cursor's answer grows as transactions commit: never cache it.
        response["Cache-Control"] = "no-cache"
        return response
