"""``verify_releases``: re-hash every release's files and manifest, and follow the chain."""

import json

from ledger.models import Release
from ledger.releases import MANIFEST, release_dir, sha256_file


def first_broken_link() -> str | None:
    """A sentence naming the first release (and file) that no longer matches what was
    published, or None when every release is intact and chained to the one before."""
    previous = None
    for release in Release.objects.order_by("number"):
        problem = _problem(release, previous)
        if problem:
            return f"Release {release.number}: {problem}"
        previous = release
    return None


def _problem(release: Release, previous: Release | None) -> str | None:
    folder = release_dir(release.number)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        return f"{MANIFEST} is missing."
    if sha256_file(manifest_path) != release.manifest_sha256:
        return f"{MANIFEST} was changed after publication."
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    expected_previous = previous.manifest_sha256 if previous else None
    if manifest.get("previous_manifest_sha256") != expected_previous or (
        release.previous_sha256 != (expected_previous or "")
    ):
        return "its link to the previous release's manifest does not match."
    for name, digest in sorted(manifest["files"].items()):
        path = folder / name
        if not path.exists():
            return f"{name} is missing."
        if sha256_file(path) != digest:
            return f"{name} does not match its SHA-256 in {MANIFEST}."
    return None
