"""What every API endpoint shares: one error shape, and ETags from the data version."""

from django.utils import translation
from django.views.decorators.http import condition
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from casualties.audit import data_version


def exception_handler(exc, context):
    """Errors as ``{"status", "code", "detail", "errors": {field: [messages]}}``.

    ``errors`` holds field-level messages (empty when the error concerns the whole request).
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail, code = "Invalid input.", "invalid"
    else:
        errors = {}
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        code = getattr(getattr(exc, "detail", None), "code", None) or "error"
    response.data = {
        "status": response.status_code,
        "code": code,
        "detail": str(detail),
        "errors": errors,
    }
    return response


def request_data_version(request) -> tuple[int, object]:
    # Read once per request: the ETag, Last-Modified and any cached ledger share it.
    if not hasattr(request, "data_version"):
        request.data_version = data_version()
    return request.data_version


def _etag(request, *args, **kwargs) -> str:
    version, _changed_at = request_data_version(request)
    # Messages in the body follow the request's language, so the tag does too.
    return f"{version}-{translation.get_language()}"


def _last_modified(request, *args, **kwargs):
    _version, changed_at = request_data_version(request)
    return changed_at


# For read-only views whose body depends only on the tracked data and the URL: a client that
# sends the ETag (or date) back gets 304 after one cheap query instead of the computation.
etag_from_data_version = condition(etag_func=_etag, last_modified_func=_last_modified)
