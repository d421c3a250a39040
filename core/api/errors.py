"""One error shape for the whole API: ``{"status", "code", "detail", "errors"}``.

``errors`` maps each field to its messages (empty when the error concerns the whole request).
Service rules raise Django's ValidationError and PermissionDenied; they arrive here too, so
a rule broken through the API reads the same as in a form. No input may produce a 500.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.db.unavailable import is_database_unavailable, unavailable_response

CONFLICT_MESSAGE = "This change conflicts with the data as it now stands; reload and try again."


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        errors = {
            "non_field_errors" if field == NON_FIELD_ERRORS else field: messages
            for field, messages in exc.message_dict.items()
        }
        return exceptions.ValidationError(errors)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    if is_database_unavailable(exc):
        # The database is down or restarting: a retry will do, so not a 500.
        return unavailable_response(context["request"])
    if isinstance(exc, IntegrityError):
        # A race the service checks could not see (two writers at once). The database's own
        # text could quote stored values, so it is not passed on.
        return Response(
            {"status": 409, "code": "conflict", "detail": _(CONFLICT_MESSAGE), "errors": {}},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail, code = _("Invalid input."), "invalid"
    else:
        errors = {}
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        code = getattr(detail, "code", None) or "error"
    response.data = {
        "status": response.status_code,
        "code": code,
        "detail": str(detail),
        "errors": errors,
    }
    return response
