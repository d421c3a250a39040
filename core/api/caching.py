"""Conditional GETs: ETag and Last-Modified from the data versions (core.audit).

An answer about one conflict (and party) names that scope's version, so a write elsewhere
leaves its tag as it was; anything else names the global version. A view states its scope by
setting ``request.version_scope`` to (conflict slug, party code or None) before the tag is
computed (``ScopedVersionMixin`` for views with the two in their URL; the resource viewsets
for lists filtered by conflict).
"""

from django.utils import translation
from django.views.decorators.http import condition

from core.audit import scoped_version
from core.tiers import is_staff


def request_data_version(request, scope: tuple | None = None) -> tuple[object, object]:
    """(version, changed_at) of ``scope`` (by default the request's own), read once per request
    and shared by headers and caches."""
    scope = scope or getattr(request, "version_scope", None)
    read = request.__dict__.setdefault("data_versions", {})
    if scope not in read:
        read[scope] = scoped_version(scope)
    return read[scope]


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


class ScopedVersionMixin:
    """For an API view of one ledger (``conflict_slug`` and ``party_code`` in its URL)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        request.version_scope = (kwargs["conflict_slug"], kwargs["party_code"])
