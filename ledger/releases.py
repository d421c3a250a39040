"""Numbered releases: the public data frozen as files, each release chained to the one before.

``release_publish`` writes, from one consistent snapshot of the database, what the public API
shows — every ledger, every timeline, the statements, the verified handovers and the persons'
public fields — under ``RELEASES_DIR/<n>/``, one JSON file each (a list, one record a line, keys
sorted, so two releases diff line by line), and a ``manifest.json`` naming each file's SHA-256,
the data version, and the SHA-256 of the previous release's manifest. The manifest's own hash
is kept on the ``Release`` row: changing any file, or any manifest, breaks a link that
``verify_releases`` (ledger/releases_verify.py) names. Files are never rewritten; a release
is what was published that day, citable by its number.
"""

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from casualties.api.serializers import PERSON_PUBLIC_CSV, StatementSerializer
from casualties.models import Conflict, Party, Person, Statement
from core.audit import data_version
from ledger.computation import ledger_for, ledger_series, ledger_summaries, ledger_timeline
from ledger.disclosure import public_ledger
from ledger.models import Release
from repatriation.api.serializers import PublicHandoverSerializer
from repatriation.models import Handover

MANIFEST = "manifest.json"
CHUNK = 2000
# One publisher at a time (an advisory lock, as the runtime role may lock no table).
PUBLISH_LOCK = 7_406_001


def release_dir(number: int) -> Path:
    return Path(settings.RELEASES_DIR) / str(number)


def canonical(record) -> str:
    return json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunks(queryset, serializer) -> Iterator[dict]:
    batch = []
    for item in queryset.iterator(chunk_size=CHUNK):
        batch.append(item)
        if len(batch) == CHUNK:
            yield from serializer(batch, many=True).data
            batch = []
    yield from serializer(batch, many=True).data


def _ledgers() -> Iterator[tuple[str, dict]]:
    for row in ledger_summaries():
        conflict = Conflict.objects.get(slug=row["conflict"])
        party = Party.objects.get(code=row["party"])
        yield "ledgers", public_ledger(ledger_for(conflict=conflict, party=party))
        timeline = ledger_timeline(conflict=conflict, party=party)
        series = ledger_series(conflict=conflict, party=party)
        pair = {"conflict": conflict.slug, "party": party.code}
        yield "timelines", {**pair, "timeline": timeline, "series": series}


def _persons() -> Iterator[dict]:
    # The public CSV's columns (names only where public), read straight from the database.
    aliases = {
        f"c{i}": F(column) if isinstance(column, str) else column
        for i, column in enumerate(PERSON_PUBLIC_CSV.values())
    }
    names = dict(zip(aliases, PERSON_PUBLIC_CSV, strict=True))
    for row in Person.objects.order_by("id").values(**aliases).iterator(chunk_size=CHUNK):
        yield {names[alias]: value for alias, value in row.items()}


def record_key(name: str, record: dict) -> str:
    """What identifies a record across releases: a ledger by its conflict and party, else id."""
    if name in ("ledgers", "timelines"):
        return f"{record['conflict']}/{record['party']}"
    return str(record["id"])


def _write(path: Path, name: str, records: Iterable[dict]) -> dict[str, str]:
    """Writes the records as a JSON list, one a line; returns each record's digest by key."""
    digests = {}
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write("[")
        for index, record in enumerate(records):
            text = canonical(record)
            digests[record_key(name, record)] = hashlib.sha256(text.encode()).hexdigest()
            file.write(("\n" if index == 0 else ",\n") + text)
        file.write("\n]\n")
    return digests


def read_digests(number: int, name: str) -> dict[str, str]:
    """Each record's digest by key, in a file of an earlier release."""
    path = release_dir(number) / f"{name}.json"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as file:
        records = json.load(file)
    return {
        record_key(name, record): hashlib.sha256(canonical(record).encode()).hexdigest()
        for record in records
    }


def compare(before: dict[str, str], after: dict[str, str]) -> dict[str, int]:
    return {
        "new": len(after.keys() - before.keys()),
        "changed": sum(1 for key in after.keys() & before.keys() if after[key] != before[key]),
        "removed": len(before.keys() - after.keys()),
    }


def _sources() -> dict[str, Iterable[dict]]:
    ledgers: dict[str, list] = {"ledgers": [], "timelines": []}
    for name, record in _ledgers():
        ledgers[name].append(record)
    statements = Statement.objects.select_related("conflict", "source").prefetch_related(
        "figures__subject_party"
    )
    handovers = Handover.objects.with_details().verified().order_by("id")
    return {
        **ledgers,
        "statements": _chunks(statements.order_by("id"), StatementSerializer),
        "handovers": _chunks(handovers, PublicHandoverSerializer),
        "persons": _persons(),
    }


def release_publish() -> Release:
    """Freeze the public data as the next numbered release (see the module's docstring)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                # Every file from one snapshot, the data version with them.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
        previous = Release.objects.order_by("-number").first()
        number = previous.number + 1 if previous else 1
        version, _changed = data_version(using=connection.alias)
        target = release_dir(number)
        staging = target.with_name(f".{number}.staging")
        # A directory with no Release row is what a failed publish left: not a release.
        for leftover in (target, staging):
            shutil.rmtree(leftover, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            release = _freeze(staging, number, version, previous)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return release


def _freeze(folder: Path, number: int, version: int, previous: Release | None) -> Release:
    files, counts = {}, {}
    for name, records in _sources().items():
        digests = _write(folder / f"{name}.json", name, records)
        before = read_digests(previous.number, name) if previous else {}
        counts[name] = compare(before, digests)
        files[f"{name}.json"] = sha256_file(folder / f"{name}.json")
    published = timezone.now()
    manifest = {
        "release": number,
        "published_at": published.isoformat().replace("+00:00", "Z"),
        "data_version": version,
        "previous_manifest_sha256": previous.manifest_sha256 if previous else None,
        "files": files,
        "counts": counts,
    }
    (folder / MANIFEST).write_text(canonical(manifest) + "\n", encoding="utf-8")
    return Release.objects.create(
        number=number,
        published_at=published,
        data_version=version,
        manifest_sha256=sha256_file(folder / MANIFEST),
        previous_sha256=previous.manifest_sha256 if previous else "",
        counts=counts,
    )
