"""``status_events_import``: a person's status history from a file, one row per event.

Columns: ``external_id`` (the list's own id) or ``person`` (our id), ``status``, ``status_date``,
and optionally ``basis`` (DESIGN §3), ``reason`` (makes a move outside the lifecycle a
correction, as on the status page) and ``source_note``. ``mapping`` reads the file's own column
names as ours; a ``line`` column (an earlier error list's) is ignored.

Events are applied in date order, person by person, through ``person_change_status``: the
lifecycle and the plausible dates are those of every other page. An event the person already
has (same status and date) is unchanged, so the same file imported again changes nothing.

``rescued`` is not a status of its own (DESIGN §3 has none): it records the way back alive,
with basis ``rescue`` — ``released`` for a person held captive, ``found_alive`` for a missing
one. A prisoner freed by an exchange is ``released`` with basis ``exchange``.

All or nothing: any bad row refuses the file (``ImportRefused``, every error by line and column)
and nothing is kept.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties import services
from casualties.choices import PersonStatus, StatusBasis
from casualties.importing.common import (
    NOT_UTF8,
    ImportRefused,
    ImportResult,
    RowError,
    UnreadableRow,
    csv_records,
    decode,
    header_problems,
    iso_date,
    place,
)
from casualties.models import Conflict, Party, Person, StatusChange

__all__ = ["StatusEventsResult", "status_events_import"]

RESCUED = "rescued"
RESCUE_TO = {
    PersonStatus.CAPTURED: PersonStatus.RELEASED,
    PersonStatus.MISSING: PersonStatus.FOUND_ALIVE,
}
ALLOWED = ("external_id", "person", "status", "status_date", "basis", "reason", "source_note")
IGNORED = ("line",)  # a rejects file's own column
FILE = "(file)"
SUMMARY = _("%(applied)s applied (%(corrections)s corrections), %(unchanged)s unchanged")
EMPTY_FILE = _("The file is empty: the first line must name the columns.")
BAD_HEADER = _("Unknown column(s): %(unknown)s; missing: %(missing)s; given twice: %(twice)s.")
NO_PERSON_COLUMN = _("The header needs an external_id or a person column.")
REQUIRED_VALUE = _("A value is required.")
NO_PERSON = _("Give the person's external_id or id.")
UNKNOWN_PERSON = _("No person of this conflict and party has this %(column)s.")
UNKNOWN_STATUS = _("“%(value)s” is not a status; use one of: %(allowed)s.")
UNKNOWN_BASIS = _("“%(value)s” is not a basis; use one of: %(allowed)s.")
BAD_DATE = _("“%(value)s” is not a real date in the form YYYY-MM-DD.")
REPEATED = _("The same event as %(first)s.")
NOT_RESCUABLE = _("Only a captured or missing person can be rescued (this one is “%(current)s”).")
# The service's field names, as this file calls them.
COLUMN_OF = {"effective_date": "status_date", "__all__": "status"}


@dataclass
class StatusEventsResult(ImportResult):
    """What the import did (in a dry run, would do): events applied, of which corrections, and
    events the persons already had."""

    applied: int = 0
    corrections: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        counts = {"applied": self.applied, "corrections": self.corrections}
        counts["unchanged"] = self.unchanged
        return str(SUMMARY) % {name: f"{value:,}" for name, value in counts.items()}

    def report(self) -> str:
        """The line ``import_status_events`` prints, and the upload page shows."""
        verb = "would be" if self.dry_run else "imported"
        return f"{self.total:,} events read; {verb}: {self.summary()}"


@dataclass
class _Event:
    line: int
    key: tuple[str, str]  # ("external_id" | "person", the cell)
    status: str
    date: datetime.date
    basis: str
    reason: str
    source_note: str
    person: Person | None = None


def _header(header, mapping) -> list[str | None]:
    if not header:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(EMPTY_FILE))])
    names = [(mapping or {}).get(name.strip(), name.strip()) for name in header]
    names = [None if name in IGNORED else name for name in names]
    found = header_problems(
        [n for n in names if n], allowed=ALLOWED, required=("status", "status_date")
    )
    if found.unknown or found.missing or found.twice:
        words = {name: ", ".join(getattr(found, name)) or "—" for name in ("unknown", "missing")}
        words["twice"] = ", ".join(found.twice) or "—"
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(BAD_HEADER % words))])
    if "external_id" not in names and "person" not in names:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NO_PERSON_COLUMN))])
    return names


def _read_row(line: int, row: dict, errors: list[RowError]) -> _Event | None:
    def error(column, message):
        errors.append(RowError(line=line, column=column, reason=str(message)))

    before = len(errors)
    key = ("external_id", row["external_id"]) if row.get("external_id") else None
    key = key or (("person", row["person"]) if row.get("person") else None)
    if key is None:
        error("external_id" if "external_id" in row else "person", NO_PERSON)
    status = row.get("status", "").lower()
    if not status:
        error("status", REQUIRED_VALUE)
    elif status not in (*PersonStatus.values, RESCUED):
        allowed = ", ".join((*PersonStatus.values, RESCUED))
        error("status", UNKNOWN_STATUS % {"value": row["status"], "allowed": allowed})
    date = iso_date(row.get("status_date", ""))
    if date is None:
        value = row.get("status_date", "")
        error("status_date", BAD_DATE % {"value": value} if value else REQUIRED_VALUE)
    basis = row.get("basis", "").lower() or (StatusBasis.RESCUE if status == RESCUED else "")
    if basis and basis not in StatusBasis.values:
        allowed = ", ".join(StatusBasis.values)
        error("basis", UNKNOWN_BASIS % {"value": row["basis"], "allowed": allowed})
    if len(errors) > before:
        return None
    note, reason = row.get("source_note", ""), row.get("reason", "")
    return _Event(line, key, status, date, basis or StatusBasis.OTHER, reason, note)


def _read(text: str, mapping) -> list[_Event]:
    try:
        header, records = csv_records(text)
        names = _header(header, mapping)
        errors, events = [], []
        for line, cells in records:
            row = {n: c.strip() for n, c in zip(names, cells, strict=False) if n}
            event = _read_row(line, row, errors)
            if event:
                events.append(event)
    except UnreadableRow as broken:
        raise ImportRefused(
            [RowError(line=broken.line, column=FILE, reason=broken.reason)]
        ) from None
    if errors:
        raise ImportRefused(errors)
    return events


def _find_persons(events: list[_Event], conflict: Conflict, party: Party) -> list[RowError]:
    """Each event's person, in two queries; an unknown one is a line error."""
    persons = Person.objects.filter(conflict=conflict, party=party)
    wanted = defaultdict(set)
    for event in events:
        wanted[event.key[0]].add(event.key[1])
    ids = {v for v in wanted["person"] if v.isdigit() and len(v) < 19}
    found = {("person", str(p.pk)): p for p in persons.filter(pk__in=ids)}
    external = persons.filter(external_id__in=wanted["external_id"])
    found.update({("external_id", p.external_id): p for p in external})
    errors = []
    for event in events:
        event.person = found.get(event.key)
        if event.person is None:
            message = UNKNOWN_PERSON % {"column": event.key[0]}
            errors.append(RowError(line=event.line, column=event.key[0], reason=str(message)))
    return errors


def _apply(
    event: _Event, had: set, seen: dict, result: StatusEventsResult, user
) -> RowError | None:
    person = event.person
    status = event.status
    if status == RESCUED:
        # Already recorded (a re-run): the way back it was; else the way back from now.
        recorded = [s for s in RESCUE_TO.values() if (person.pk, s, event.date) in had]
        status = recorded[0] if recorded else RESCUE_TO.get(person.status)
        if status is None:
            message = NOT_RESCUABLE % {"current": PersonStatus(person.status).label}
            return RowError(line=event.line, column="status", reason=str(message))
    fact = (person.pk, status, event.date)
    if fact in seen:
        message = REPEATED % {"first": place(seen[fact])}
        return RowError(line=event.line, column="status", reason=str(message))
    seen[fact] = event.line
    if fact in had:
        result.unchanged += 1
        return None
    try:
        change = services.person_change_status(
            person=person,
            status=status,
            effective_date=event.date,
            user=user,
            source_note=event.source_note,
            reason=event.reason,
            basis=event.basis,
        )
    except ValidationError as refused:
        column, messages = next(iter(refused.message_dict.items()))
        return RowError(line=event.line, column=COLUMN_OF.get(column, column), reason=messages[0])
    result.applied += 1
    result.corrections += change.is_correction
    return None


def status_events_import(
    *,
    file,
    conflict: Conflict,
    party: Party,
    user=None,
    dry_run: bool = False,
    file_name: str = "",
    mapping: dict[str, str] | None = None,
) -> StatusEventsResult:
    """Apply every event of a CSV file, or none (``ImportRefused`` with every error)."""
    result = StatusEventsResult(dry_run=dry_run)
    try:
        text = decode(file.read())
    except UnicodeDecodeError:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NOT_UTF8))]) from None
    events = _read(text, mapping)
    result.total = len(events)
    context = {"command": "import_status_events", "file": file_name}
    with transaction.atomic(), pghistory.context(user=getattr(user, "pk", None), **context):
        errors = _find_persons(events, conflict, party)
        known = [event for event in events if event.person]
        had = set(
            StatusChange.objects.filter(person__in={e.person.pk for e in known}).values_list(
                "person_id", "status", "effective_date"
            )
        )
        seen: dict = {}
        for event in sorted(known, key=lambda e: (e.person.pk, e.date, e.line)):
            error = _apply(event, had, seen, result, user)
            if error:
                errors.append(error)
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: (e.line, e.column)))
    result.finish()
    return result
