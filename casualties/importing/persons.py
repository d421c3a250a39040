"""``persons_import``: one person list (CSV) into one conflict and party, all or nothing.

Every row is checked (``person_rows``); if any is bad nothing is kept, unless ``skip_invalid``, when
the good rows are kept and the bad ones come back as a rejects CSV with the reason per line.
Clean rows are written while the rest are still being checked (``load``), in one transaction
under the importing user's audit context, which is rolled back when the file is refused.
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pghistory
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties import plausible
from casualties.importing import duplicates, matching
from casualties.importing import person_rows as checks
from casualties.importing.common import (
    NOT_UTF8,
    ImportRefused,
    ImportResult,
    RowError,
    UnreadableRow,
    decode,
)
from casualties.importing.load import CHUNK, RowLoader
from casualties.importing.person_rows import FILE
from casualties.models import Conflict, Party
from core.api.csv import writer as csv_writer

__all__ = ["FILE", "ImportResult", "PersonsResult", "persons_import"]

PROGRESS_EVERY = 5_000
SUMMARY = _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected")
SOURCE_NOTE = "Imported from %(name)s"
UNMATCHED = ("search_key", "date_of_birth", "external_id")

# progress(stage, rows done, rows in all): stage is "checking" or "loading".
Progress = Callable[[str, int, int], None]


@dataclass
class PersonsResult(ImportResult):
    """An import's findings, and what it did: rows valid, imported (new persons), updated,
    unchanged and rejected, the rejects CSV, and the time taken to read and check them. In a
    dry run, ``new`` and ``updated`` say what the import would do."""

    imported: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_csv: str = ""
    valid: int = 0
    skip_invalid: bool = False
    check_seconds: float = 0.0
    # New rows without an external id that look like persons on record (``duplicates``).
    look_alikes: list[dict] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Nothing was (or, in a dry run, would be) imported because of errors."""
        return self.error_count > 0 and (not self.skip_invalid or self.valid == 0)

    def summary(self) -> str:
        counts = (0, 0, 0) if self.refused else (self.new, self.updated, self.unchanged)
        return str(SUMMARY) % {
            "new": f"{counts[0]:,}",
            "updated": f"{counts[1]:,}",
            "unchanged": f"{counts[2]:,}",
            "rejected": f"{self.rejected:,}",
        }

    @property
    def rows_per_second(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0


class _Discard(Exception):
    """Raised inside the import's transaction to roll back whatever was written."""


class _Collector:
    """Passes clean rows to a loader in chunks (created on the first one, and only while the
    import may still go ahead), and keeps the errors and the rejected rows."""

    def __init__(self, header: list[str], result: PersonsResult, start_loader):
        self.header, self.result = header, result
        self.start_loader = start_loader
        self.loader: RowLoader | None = None
        self.chunk: list[tuple] = []
        self.rejects = io.StringIO()
        # Formula-escaped like every CSV the app writes: the cells are whatever the file held.
        self.writer = csv_writer(self.rejects)
        # The columns under our names; a rejects file's own ``line`` and ``reason`` once.
        self.kept = [i for i, name in enumerate(header) if name is not None]
        self.writer.writerow([*(header[i] for i in self.kept), "line", "reason"])

    @property
    def loading(self) -> bool:
        return not self.result.dry_run and (self.result.skip_invalid or not self.result.error_count)

    def accept(self, row: tuple) -> None:
        self.result.valid += 1
        if not self.loading:
            return
        self.chunk.append(row)
        if len(self.chunk) == CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.chunk and self.loading:
            self.loader = self.loader or self.start_loader()
            self.loader.add(self.chunk)
        self.chunk = []

    def reject(self, line: int, cells: list[str], errors: list[RowError]) -> None:
        self.result.rejected += 1
        for error in errors:
            self.result.add_error(error)
        cells = (cells + [""] * len(self.header))[: len(self.header)]
        cells = [cells[i] for i in self.kept]
        reason = "; ".join(f"{error.column}: {error.reason}" for error in errors)
        self.writer.writerow([*cells, line, reason])


def _check(text: str, result: PersonsResult, progress: Progress | None, start_loader, target):
    """Check every row into a collector, which loads the clean new ones as it goes, and sort
    the others (``matching``); (None, None) when the header (or file) is unusable."""
    try:
        header, records = checks.read(
            text, mapping=target["mapping"], ignore_unknown=target["ignore_unknown"]
        )
    except ImportRefused as refused:
        for error in refused.errors:
            result.add_error(error)
        return None, None
    conflict = target["conflict"]
    collector = _Collector(header, result, start_loader)
    matcher = matching.Matcher(conflict=conflict, party=target["party"], header=header)
    checker = checks.RowChecker(header, timezone.localdate(), earliest=plausible.earliest(conflict))
    counters = {matching.NEW: "new", matching.SLOW: "new", matching.UPDATE: "updated"}
    counters[matching.UNCHANGED] = "unchanged"
    # New rows with no id to match them by: (line, search key, date of birth).
    unmatched, key, birth, external = [], *(matching.INDEX[name] for name in UNMATCHED)
    estimate = max(text.count("\n") - 1, 1)
    try:
        for line, cells in records:
            result.total += 1
            row, errors = checker.check(line, cells)
            if not errors:
                kind, errors = matcher.classify(line, row, checker.values, cells)
            if errors:
                collector.reject(line, cells, errors)
            else:
                setattr(result, counters[kind], getattr(result, counters[kind]) + 1)
                if kind in (matching.NEW, matching.SLOW) and not row[external]:
                    unmatched.append((line, row[key], row[birth]))
                if kind == matching.NEW:
                    collector.accept(row)
                else:
                    result.valid += 1
            if progress and result.total % PROGRESS_EVERY == 0:
                progress("checking", result.total, max(estimate, result.total))
    except UnreadableRow as broken:
        result.add_error(RowError(line=broken.line, column=FILE, reason=broken.reason))
        result.valid = 0
    collector.flush()
    target["unmatched"] = unmatched
    return collector, matcher


def _apply_pending(matcher, collector, result: PersonsResult, target: dict) -> None:
    """Write the rows that go through the services (updates, new rows with aliases); one they
    refuse is rejected like a row with a bad cell."""

    def reject(pending, errors):
        result.valid -= 1
        if pending.person_id:
            result.updated -= 1
        else:
            result.new -= 1
            result.imported -= 1
        collector.reject(pending.line, pending.cells, errors)

    note = SOURCE_NOTE % {"name": target["file_name"] or "a person list"}
    services_target = {key: target[key] for key in ("conflict", "party", "user")}
    result.imported += sum(1 for pending in matcher.pending if pending.person_id is None)
    matching.apply(matcher.pending, target=services_target, note=note, reject=reject)


def _check_and_load(text: str, result: PersonsResult, *, target: dict, progress) -> None:
    """Check the rows and, while checking, write the clean ones; keep them only if the file
    may be imported, else roll back whatever was written."""
    user_id = getattr(target["user"], "pk", None)
    file_name = target["file_name"]
    started: list[RowLoader] = []

    def start_loader() -> RowLoader:
        started.append(
            RowLoader(
                conflict_id=target["conflict"].pk,
                party_id=target["party"].pk,
                user_id=user_id,
                note=SOURCE_NOTE % {"name": file_name or "a person list"},
            )
        )
        return started[0]

    collector = matcher = None
    try:
        with (
            transaction.atomic(),
            pghistory.context(user=user_id, command="import_persons", file=file_name),
        ):
            try:
                before = duplicates.last_person_id()
                collector, matcher = _check(text, result, progress, start_loader, target)
                result.check_seconds = time.perf_counter() - result.started
                if started and not result.refused:
                    loading = progress and (lambda done: progress("loading", done, result.valid))
                    result.imported = started[0].finish(loading)
                if collector and not result.refused:
                    # After the loader's last chunk: it shares this connection.
                    result.look_alikes = duplicates.look_alikes(
                        conflict=target["conflict"],
                        party=target["party"],
                        rows=target["unmatched"],
                        before=before,
                    )
                if not (started or matcher and matcher.pending) or result.refused:
                    raise _Discard
                if result.dry_run:
                    raise _Discard
                _apply_pending(matcher, collector, result, target)
                if result.refused:
                    raise _Discard
            finally:
                # Before the transaction ends: no chunk may still be running at its rollback.
                for loader in started:
                    loader.abandon()
    except _Discard:
        pass
    if collector is not None and result.rejected:
        result.rejects_csv = collector.rejects.getvalue()


def persons_import(
    *,
    file,
    conflict: Conflict,
    party: Party,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
    mapping: dict[str, str] | None = None,
    ignore_unknown: bool = False,
) -> PersonsResult:
    """Check a CSV person list and, unless a row is bad (or ``skip_invalid``), import it.
    ``mapping`` renames the file's columns to ours; ``ignore_unknown`` skips any other."""
    result = PersonsResult(dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        text = decode(file.read())
    except UnicodeDecodeError:
        result.add_error(RowError(line=1, column=FILE, reason=str(NOT_UTF8)))
        return result
    target = {"conflict": conflict, "party": party, "user": user, "file_name": file_name}
    target.update(mapping=mapping, ignore_unknown=ignore_unknown)
    _check_and_load(text, result, target=target, progress=progress)
    result.finish()
    return result
