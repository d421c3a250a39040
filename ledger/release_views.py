"""The public pages of the numbered releases (ledger/releases.py): the list, one release, and
its files, served as published: a release never changes, so its files may be cached for good."""

import json

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ledger.models import Release
from ledger.releases import MANIFEST, release_dir

# A year, and "immutable": a browser or proxy need never ask again.
FOREVER = "public, max-age=31536000, immutable"
TOTALS = ("new", "changed", "removed")


def _totals(release: Release) -> dict[str, int]:
    return {key: sum(c.get(key, 0) for c in release.counts.values()) for key in TOTALS}


def release_list(request: HttpRequest) -> HttpResponse:
    releases = [
        {"release": release, "totals": _totals(release)} for release in Release.objects.all()
    ]
    return render(request, "releases/list.html", {"releases": releases})


def _manifest(release: Release) -> dict:
    path = release_dir(release.number) / MANIFEST
    if not path.exists():
        raise Http404
    return json.loads(path.read_text(encoding="utf-8"))


def release_detail(request: HttpRequest, number: int) -> HttpResponse:
    release = get_object_or_404(Release, number=number)
    manifest = _manifest(release)
    files = [
        {"name": name, "sha256": digest, "counts": release.counts.get(name.removesuffix(".json"))}
        for name, digest in sorted(manifest["files"].items())
    ]
    context = {"release": release, "files": files, "totals": _totals(release)}
    response = render(request, "releases/detail.html", context)
    if not request.user.is_authenticated:
        # What a release says never changes; a staff page (its header names the user) is
        # private, as every staff answer is.
        response["Cache-Control"] = FOREVER
    return response


def release_file(request: HttpRequest, number: int, name: str) -> FileResponse:
    """One file of a release, by the name its manifest gives (nothing else is served)."""
    release = get_object_or_404(Release, number=number)
    if name != MANIFEST and name not in _manifest(release)["files"]:
        raise Http404
    path = release_dir(release.number) / name
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = FOREVER
    return response
