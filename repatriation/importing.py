"""Handover import: a spreadsheet of remains, one row each, saved as one draft handover.

Cells are read into the rows the batch form and the API give ``handover_create``, which checks
them all (set-wise) and saves the draft, or nothing. Its errors, keyed ``remains[3].person``,
come back as the importing vocabulary's ``RowError``: the file's line, the column, the cell.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

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
)
from casualties.importing.person_rows import (
    BAD_DATE,
    DUPLICATE_COLUMNS,
    EMPTY_FILE,
    FILE,
    ROW,
    UNKNOWN_COLUMNS,
    WRONG_CELLS,
)
from casualties.models import Person
from core.rows import parse_row_key
from repatriation.models import Handover
from repatriation.services import handover_create

# Imports match a person on the source list's own id where the model has one (DESIGN §3).
HAS_EXTERNAL_ID = any(field.name == "external_id" for field in Person._meta.get_fields())
TEXT = ("case_number", "condition", "identification", "method", "notes")
ALLOWED = (*TEXT, "person", *(("external_id",) if HAS_EXTERNAL_ID else ()), "identified_on")
NOT_A_NUMBER = _("A person is named by their record number, e.g. 123.")
NO_SUCH_PERSON = _("No person with this record number.")
NO_SUCH_EXTERNAL_ID = _("No person of this conflict has this external id.")
WITH_CELL = _("%(reason)s (cell: “%(cell)s”)")


@dataclass
class HandoverImportResult(ImportResult):
    """``total`` rows read; the draft saved (None when any error refused the file)."""

    handover: Handover | None = None


class _Refused(Exception):
    """Undoes the draft ``handover_create`` saved when a cell was already refused."""


def _error(line, column: str, cell: str, reason) -> RowError:
    reason = WITH_CELL % {"reason": reason, "cell": cell} if cell else reason
    return RowError(line=line, column=column, reason=str(reason))


def _header(header: list[str] | None) -> list[str]:
    if not header:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(EMPTY_FILE))])
    names = [name.strip() for name in header]
    found = header_problems(names, allowed=ALLOWED)
    problems = []
    if found.unknown:
        unknown = {"columns": ", ".join(found.unknown), "allowed": ", ".join(ALLOWED)}
        problems.append(str(UNKNOWN_COLUMNS % unknown))
    if found.twice:
        problems.append(str(DUPLICATE_COLUMNS % {"columns": ", ".join(found.twice)}))
    if problems:
        raise ImportRefused([RowError(line=1, column=FILE, reason=" ".join(problems))])
    return names


class _Rows:
    """The file's rows as ``handover_create`` takes them, the line and cells of each, and the
    errors of cells that could not even be read (a date, a person not found)."""

    def __init__(self, text: str, conflict):
        header, records = csv_records(text)
        names = _header(header)
        self.lines, self.cells, self.rows, self.errors = [], [], [], []
        for line, cells in records:
            values = dict(zip(names, (cell.strip() for cell in cells), strict=False))
            if len(cells) != len(names):
                reason = WRONG_CELLS % {"found": len(cells), "expected": len(names)}
                self.errors.append(RowError(line=line, column=ROW, reason=str(reason)))
            self.lines.append(line)
            self.cells.append(values)
            self.rows.append(self._row(line, values))
        self._find_persons(conflict)

    def _row(self, line: int, values: dict) -> dict:
        # Blank cells are left out, so the model's defaults apply as in the form.
        row = {name: values[name] for name in TEXT if values.get(name)}
        when = values.get("identified_on", "")
        if when:
            row["identified_on"] = iso_date(when)
            if row["identified_on"] is None:
                reason = BAD_DATE % {"value": when}
                self.errors.append(RowError(line=line, column="identified_on", reason=str(reason)))
        return row

    def _find_persons(self, conflict) -> None:
        """Every person named, in one query per kind of name."""
        numbers = {}
        for line, values in zip(self.lines, self.cells, strict=True):
            cell = values.get("person", "")
            if cell and not (cell.isascii() and cell.isdigit()):
                self.errors.append(_error(line, "person", cell, NOT_A_NUMBER))
            elif cell:
                numbers[cell] = int(cell)
        by_id = Person.objects.select_related("party").in_bulk(set(numbers.values()))
        external = {values.get("external_id", "") for values in self.cells} - {""}
        by_external = {}
        if external:
            found = Person.objects.select_related("party").filter(
                conflict=conflict, external_id__in=external
            )
            by_external = {person.external_id: person for person in found}
        for line, values, row in zip(self.lines, self.cells, self.rows, strict=True):
            self._set_person(line, values, row, by_id, by_external, numbers)

    def _set_person(self, line, values, row, by_id, by_external, numbers) -> None:
        cell, external = values.get("person", ""), values.get("external_id", "")
        if cell in numbers:
            row["person"] = by_id.get(numbers[cell])
            if row["person"] is None:
                self.errors.append(_error(line, "person", cell, NO_SUCH_PERSON))
        elif external and not cell:
            row["person"] = by_external.get(external)
            if row["person"] is None:
                self.errors.append(_error(line, "external_id", external, NO_SUCH_EXTERNAL_ID))

    def errors_of(self, refusal: ValidationError) -> list[RowError]:
        """The service's errors, each on the line, column and cell it concerns."""
        found = []
        for key, messages in refusal.message_dict.items():
            row = parse_row_key(key)
            if row is None:
                found += [RowError(column=key, reason=str(message)) for message in messages]
                continue
            values = self.cells[row.index]
            column = row.field or ROW
            if column == "person" and not values.get("person") and values.get("external_id"):
                column = "external_id"
            cell = values.get(column, "")
            found += [_error(self.lines[row.index], column, cell, m) for m in messages]
        return found


def handover_import(data: bytes | str, *, user, **fields) -> HandoverImportResult:
    """Read a remains file and save it as one draft handover with ``fields`` (conflict,
    parties, date, reported count …), through ``handover_create``; on any error, nothing."""
    result = HandoverImportResult()
    try:
        result.handover = _import(data, user, fields, result)
    except ImportRefused as refused:
        for error in sorted(refused.errors, key=lambda e: (e.line or 0, e.column)):
            result.add_error(error)
    result.finish()
    return result


def _import(data, user, fields, result) -> Handover:
    try:
        rows = _Rows(decode(data), fields.get("conflict"))
    except UnicodeDecodeError as error:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NOT_UTF8))]) from error
    except UnreadableRow as broken:
        error = RowError(line=broken.line, column=FILE, reason=broken.reason)
        raise ImportRefused([error]) from broken
    result.total = len(rows.rows)
    try:
        # Checked even when a cell was refused, so the file's every error shows at once.
        with transaction.atomic():
            handover = handover_create(user=user, remains=rows.rows, **fields)
            if rows.errors:
                raise _Refused
    except ValidationError as refusal:
        # A cell refused while reading was passed on blank: the service's complaints about
        # that cell, or about its row as a whole (a confirmation without a person), follow
        # from it and would say the same twice.
        read = {(error.line, error.column) for error in rows.errors}
        read |= {(error.line, ROW) for error in rows.errors}
        more = [e for e in rows.errors_of(refusal) if (e.line, e.column) not in read]
        raise ImportRefused(rows.errors + more) from refusal
    except _Refused as refused:
        raise ImportRefused(rows.errors) from refused
    return handover


SAVED = _("%(total)s rows read: draft handover #%(id)s saved with %(count)s remains.")
REFUSED = _("%(total)s rows read, %(errors)s errors: nothing saved.")


def summary(result: HandoverImportResult) -> str:
    """One line, the same for the command and the upload page."""
    if result.handover is None:
        return str(REFUSED % {"total": result.total, "errors": result.error_count})
    counts = {"total": result.total, "id": result.handover.pk, "count": result.total}
    return str(SAVED % counts)
