"""A database that does not answer is a 503 "try again", never a 500 with a traceback.

Two ways an outage reaches a client: an API view fails (DRF's exception handler,
``core.api.errors``, calls ``unavailable_response``), or anything else fails — a page, or a
middleware before any view (sessions, the cache-backed throttle) — and Django falls back on
``handler500``, which is ``server_error`` here. Both answer 503 with ``Retry-After``: JSON in
the API's error shape under ``/api/``, a plain page elsewhere. The page is rendered without
the request's context, since the context processors would query the missing database.

Only a real connection failure is an outage: no connection could be had (refused, a pool
timeout, psycopg's ``PoolTimeout``), or the one in hand was cut (a restart, a shutdown), which
the driver reports with no SQLSTATE or one of class 08 or 57P0x. Every other database error
(``OperationalError`` includes "program limit exceeded", a statement timeout or a deadlock) is
a fault to look into: a 500 whose log line and answer carry one request id, so a report of the
answer finds the traceback.
"""

import logging
import sys
import uuid

import psycopg
from django import db
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

UNAVAILABLE_ERRORS = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# No connection (08…), the server shutting down or starting (57P01–57P03), no slot left (53300).
CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = _("The database is not answering at the moment; try again in a few seconds.")
UNAVAILABLE_CODE = "database_unavailable"
SERVER_ERROR_MESSAGE = _(
    "Something went wrong on our side. The error has been logged under request id %(id)s."
)
SERVER_ERROR_CODE = "server_error"

logger = logging.getLogger(__name__)


def is_database_unavailable(exc: BaseException | None) -> bool:
    if not isinstance(exc, UNAVAILABLE_ERRORS):
        return False
    # Django's errors wrap the driver's, which knows the SQLSTATE.
    driver_error = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    sqlstate = getattr(driver_error, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(CONNECTION_SQLSTATES)


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


def failure_response(request) -> HttpResponse:
    """A 500 for the exception being handled, logged with a request id that the answer names:
    JSON in the API's error shape under ``/api/``, the plain 500 page elsewhere."""
    request_id = uuid.uuid4().hex[:16]
    logger.error("Server error, request id %s: %s", request_id, request.path, exc_info=True)
    if request.path.startswith("/api/"):
        body = {
            "status": 500,
            "code": SERVER_ERROR_CODE,
            "detail": str(SERVER_ERROR_MESSAGE) % {"id": request_id},
            "errors": {},
            "request_id": request_id,
        }
        response = JsonResponse(body, status=500)
    else:
        page = render_to_string("500.html", {"request_id": request_id})
        response = HttpResponse(page, status=500)
    response["X-Request-ID"] = request_id
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """``handler500``: a 503 when a lost database is the cause, a logged 500 otherwise."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return failure_response(request)
