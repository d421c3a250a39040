"""Middleware of the whole site: hostile URLs end early, and answers with restricted data are
kept out of every cache."""

import re

from django.http import Http404, JsonResponse
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from core.tiers import is_staff

# Longer than any path or filter value the site makes; a search for a name is far shorter.
MAX_PATH = 1024
MAX_VALUE = 1000
# NUL (PostgreSQL text cannot hold it: the driver would refuse the query) and lone surrogates
# (no encoding can write them).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
PRIVATE = "private, no-store"


def _unusable(text: str, limit: int) -> bool:
    return len(text) > limit or UNSTORABLE.search(text) is not None


def _api_error(status: int, code: str, detail: str):
    return JsonResponse(
        {"status": status, "code": code, "detail": detail, "errors": {}}, status=status
    )


class HostileInputMiddleware:
    """A path or a query value no page or filter could use — a NUL, a lone surrogate, or far
    too long — is refused before any view or database sees it: for the API a 404 (path) or 400
    (query) in its JSON error shape, for the site its plain 404 page. Otherwise each view and
    filter would have to guard itself, and one that did not would answer 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if _unusable(request.path_info, MAX_PATH):
            if api:
                return _api_error(404, "not_found", _("Not found."))
            raise Http404
        for key, values in request.GET.lists():
            if any(_unusable(text, MAX_VALUE) for text in (key, *values)):
                if api:
                    return _api_error(400, "invalid", _("A query parameter is not usable."))
                raise Http404
        return self.get_response(request)


def _asker(request):
    """The user the answer was made for, or None when nothing looked at who asked (then
    the answer cannot depend on it)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user


class PrivateAnswersMiddleware:
    """``Cache-Control: private, no-store`` on every answer that may hold a restricted field or
    a hidden name: to staff (pages, API, CSV), and the admin's. Public answers keep their
    ETag caching (core/api/caching.py) and are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/") or is_staff(_asker(request)):
            response["Cache-Control"] = PRIVATE
        return response
