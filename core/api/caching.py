"""Conditional GETs: ETag and Last-Modified from the data version (core.audit)."""

from django.utils import translation
from django.views.decorators.http import condition

from core.audit import data_version
from core.tiers import is_staff


def request_data_version(request) -> tuple[int, object]:
    """(version, changed_at), read once per request and shared by headers and caches."""
    if not hasattr(request, "data_version"):
        request.data_version = data_version()
    return request.data_version


def _etag(request, *args, **kwargs) -> str:
    version, _changed_at = request_data_version(request)
    # The body depends on the language of its messages and on whether restricted fields
    # are shown, so the tag does too.
    tier = "staff" if is_staff(request.user) else "public"
    return f"{version}-{translation.get_language()}-{tier}"


def _last_modified(request, *args, **kwargs):
    _version, changed_at = request_data_version(request)
    return changed_at


# For read-only responses that depend only on the tracked data, the URL and the caller's tier:
# a client that sends the ETag (or date) back gets 304 after one query.
conditional = condition(etag_func=_etag, last_modified_func=_last_modified)
