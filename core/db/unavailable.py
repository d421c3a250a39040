"""A database that does not answer is a 503 "try again", never a 500 with a traceback.

Two ways an outage reaches a client: an API view fails (DRF's exception handler,
``core.api.errors``, calls ``unavailable_response``), or anything else fails — a page, or a
middleware before any view (sessions, the cache-backed throttle) — and Django falls back on
``handler500``, which is ``server_error`` here. Both answer 503 with ``Retry-After``: JSON in
the API's error shape under ``/api/``, a plain page elsewhere. The page is rendered without
the request's context, since the context processors would query the missing database.

``OperationalError`` also covers a pool timeout (psycopg's ``PoolTimeout``), a connection cut
by a restart and a lock or deadlock abort: all transient, all worth a retry. Data errors and
integrity errors are not in it and keep their own answers.
"""

import sys

import psycopg
from django import db
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error as default_server_error

UNAVAILABLE_ERRORS = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = _("The database is not answering at the moment; try again in a few seconds.")
UNAVAILABLE_CODE = "database_unavailable"


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE_ERRORS)


def unavailable_body() -> dict:
    return {
        "status": 503,
        "code": UNAVAILABLE_CODE,
        "detail": str(UNAVAILABLE_MESSAGE),
        "errors": {},
    }


def _retry_later(response):
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_response(request) -> HttpResponse:
    """The 503 for ``request``: JSON for the API, a plain page for everything else."""
    if request.path.startswith("/api/"):
        return _retry_later(JsonResponse(unavailable_body(), status=503))
    page = render_to_string("503.html", {"message": UNAVAILABLE_MESSAGE})
    return _retry_later(HttpResponse(page, status=503))


def server_error(request):
    """``handler500``: a 503 when the database is the cause, Django's own 500 otherwise."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return default_server_error(request)
