"""Checking the rows of a person list before anything is written.

Each cell is checked with plain Python (no ``full_clean()`` per row, which would cost a
hundred times more): required values, the status vocabulary, real ISO dates, booleans and the
model's maximum lengths. A row that checks out becomes a tuple in ``COLUMNS`` order, ready for
COPY; a row that does not gives one ``RowError`` per bad cell, with the file's physical line.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casualties.choices import PersonStatus
from casualties.models import Person
from casualties.search.transliteration import search_key, to_latin

TEXT = ("full_name", "name_latin", "rank", "unit", "home_region", "service_number",
        "next_of_kin", "contact", "dna_reference", "notes")  # fmt: skip
BOOLEANS = ("name_public", "is_civilian")
DATES = ("status_date", "date_of_birth")
# The DESIGN §3 person fields a list may carry; conflict and party come with the import.
ALLOWED = (*TEXT, *BOOLEANS, "status", *DATES)
REQUIRED = ("full_name", "status", "status_date")
# What every clean row holds, in this order: the columns of the COPY staging table.
COLUMNS = (*ALLOWED, "search_key", "line")
MAX_LENGTHS = {
    name: Person._meta.get_field(name).max_length
    for name in TEXT
    if Person._meta.get_field(name).max_length
}
TRUE, FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})

MISSING_COLUMNS = _("The header lacks the required column(s): %(columns)s.")
UNKNOWN_COLUMNS = _("Unknown column(s): %(columns)s. Allowed: %(allowed)s.")
DUPLICATE_COLUMNS = _("Column(s) given twice: %(columns)s.")
EMPTY_FILE = _("The file is empty: the first line must name the columns.")
REQUIRED_VALUE = _("A value is required.")
UNKNOWN_STATUS = _("“%(value)s” is not a status; use one of: %(allowed)s.")
BAD_DATE = _("“%(value)s” is not a real date in the form YYYY-MM-DD.")
FUTURE_DATE = _("The status date cannot be in the future.")
BAD_BOOLEAN = _("“%(value)s” is not true/false (also 1/0, yes/no).")
TOO_LONG = _("At most %(max)d characters (this has %(length)d).")
WRONG_CELLS = _("This row has %(found)d cells where the header has %(expected)d: shifted columns?")
NUL_CHARACTER = _("The cell contains a NUL character, which text cannot hold.")
ROW = "(row)"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": str(self.reason)}


class HeaderError(Exception):
    """The first line cannot describe person rows; nothing else is read."""


class UnreadableRow(Exception):
    """The CSV itself is broken at ``line`` (e.g. a NUL byte): the rest cannot be trusted."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def check_header(header: list[str] | None) -> list[str]:
    if not header:
        raise HeaderError(EMPTY_FILE)
    names = [name.strip() for name in header]
    problems = []
    unknown = [name for name in names if name not in ALLOWED]
    if unknown:
        problems.append(
            UNKNOWN_COLUMNS % {"columns": ", ".join(unknown), "allowed": ", ".join(ALLOWED)}
        )
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        problems.append(MISSING_COLUMNS % {"columns": ", ".join(missing)})
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        problems.append(DUPLICATE_COLUMNS % {"columns": ", ".join(twice)})
    if problems:
        raise HeaderError(" ".join(str(problem) for problem in problems))
    return names


def _date(value: str) -> datetime.date | None:
    # fromisoformat also takes 20220930 and week dates: insist on the 10-character form.
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class RowChecker:
    """Turns the cells of one data row into a clean tuple, or a list of errors."""

    def __init__(self, header: list[str], today: datetime.date):
        self.header = header
        self.today = today
        self.statuses = frozenset(PersonStatus.values)
        self.allowed_statuses = ", ".join(PersonStatus.values)

    def check(self, line: int, cells: list[str]) -> tuple[tuple | None, list[RowError]]:
        if len(cells) != len(self.header):
            reason = WRONG_CELLS % {"found": len(cells), "expected": len(self.header)}
            return None, [RowError(line, ROW, reason)]
        values = dict(zip(self.header, (cell.strip() for cell in cells), strict=True))
        errors = []
        for name, value in values.items():
            reason = self._problem(name, value)
            if reason:
                errors.append(RowError(line, name, reason))
        if errors:
            return None, errors
        return self._clean(line, values), []

    def _problem(self, name: str, value: str):
        if "\x00" in value:
            return NUL_CHARACTER
        if not value:
            return REQUIRED_VALUE if name in REQUIRED else None
        if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            return TOO_LONG % {"max": MAX_LENGTHS[name], "length": len(value)}
        if name == "status" and value not in self.statuses:
            return UNKNOWN_STATUS % {"value": value, "allowed": self.allowed_statuses}
        if name in DATES:
            day = _date(value)
            if day is None:
                return BAD_DATE % {"value": value}
            if name == "status_date" and day > self.today:
                return FUTURE_DATE
        if name in BOOLEANS and value.lower() not in TRUE | FALSE:
            return BAD_BOOLEAN % {"value": value}
        return None

    def _clean(self, line: int, values: dict[str, str]) -> tuple:
        full_name = values["full_name"]
        row = {name: values.get(name, "") for name in TEXT}
        row["name_latin"] = (row["name_latin"] or to_latin(full_name))[: MAX_LENGTHS["name_latin"]]
        for name in BOOLEANS:
            row[name] = values.get(name, "").lower() in TRUE
        row["status"] = values["status"]
        row["status_date"] = values["status_date"]
        row["date_of_birth"] = values.get("date_of_birth") or None
        row["search_key"] = search_key(full_name, row["name_latin"])
        row["line"] = line
        return tuple(row[name] for name in COLUMNS)


def read(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The checked header, and (physical line where the record starts, cells) for each
    non-blank record after it. A quoted cell may span lines, so the reader's own line count
    is used, not a count of records."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = check_header(next(reader, None))

    def data():
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as error:
                raise UnreadableRow(start, str(error)) from error
            if cells is None:
                return
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1

    return header, data()
