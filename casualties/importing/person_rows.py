"""Checking the rows of a person list before anything is written.

Each cell is checked with plain Python (no ``full_clean()`` per row, which would cost a
hundred times more): required values, the status vocabulary, real ISO dates, booleans and the
model's maximum lengths. A row that checks out becomes a tuple in ``COLUMNS`` order, ready for
COPY; a row that does not gives one ``RowError`` per bad cell, with the file's physical line.
"""

import datetime
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from casualties.choices import PersonStatus, StatusBasis
from casualties.importing.common import (
    ImportRefused,
    RowError,
    UnreadableRow,
    csv_records,
    header_problems,
    iso_date,
)
from casualties.models import Person
from casualties.plausible import date_problem
from casualties.search.transliteration import search_key, to_latin

TEXT = ("full_name", "name_latin", "rank", "unit", "home_region", "service_number",
        "next_of_kin", "contact", "dna_reference", "notes")  # fmt: skip
BOOLEANS = ("name_public", "is_civilian")
DATES = ("status_date", "date_of_birth")
# The DESIGN §3 person fields a list may carry; conflict and party come with the import.
# ``aliases`` holds other spellings, separated by ``|``; ``basis`` that of the status.
ALLOWED = (*TEXT, *BOOLEANS, "status", *DATES, "external_id", "basis", "aliases")
REQUIRED = ("full_name", "status", "status_date")
# A rejects file's own columns: ignored, so that it can be imported again as it is.
REJECTS_COLUMNS = ("line", "reason")
# What every clean row holds, in this order: the columns of the COPY staging table.
COLUMNS = (*ALLOWED, "search_key", "line")
ALIAS_SEPARATOR = "|"
MAX_LENGTHS = {
    name: Person._meta.get_field(name).max_length
    for name in (*TEXT, "external_id")
    if Person._meta.get_field(name).max_length
}
TRUE, FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no", ""})

MISSING_COLUMNS = _("The header lacks the required column(s): %(columns)s.")
UNKNOWN_COLUMNS = _("Unknown column(s): %(columns)s. Allowed: %(allowed)s.")
DUPLICATE_COLUMNS = _("Column(s) given twice: %(columns)s.")
EMPTY_FILE = _("The file is empty: the first line must name the columns.")
REQUIRED_VALUE = _("A value is required.")
UNKNOWN_BASIS = _("“%(value)s” is not a basis; use one of: %(allowed)s.")
UNKNOWN_STATUS = _("“%(value)s” is not a status; use one of: %(allowed)s.")
BAD_DATE = _("“%(value)s” is not a real date in the form YYYY-MM-DD.")
FUTURE_DATE = _("The status date cannot be in the future.")
BAD_BOOLEAN = _("“%(value)s” is not true/false (also 1/0, yes/no).")
TOO_LONG = _("At most %(max)d characters (this has %(length)d).")
WRONG_CELLS = _("This row has %(found)d cells where the header has %(expected)d: shifted columns?")
NUL_CHARACTER = _("The cell contains a NUL character, which text cannot hold.")
ROW = "(row)"
FILE = "(file)"


def check_header(
    header: list[str] | None, *, mapping: dict[str, str] | None = None, ignore_unknown=False
) -> list[str | None]:
    """The header's column names, after ``mapping`` (the file's name → ours), None for a column
    ignored (a rejects file's ``line`` and ``reason``; any unknown one if ``ignore_unknown``);
    raises ``ImportRefused`` with one error saying all that is wrong with it."""
    if not header:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(EMPTY_FILE))])
    # A column mapped to "" is ignored (the upload page's "ignore this column").
    names = [(mapping or {}).get(name.strip(), name.strip()) for name in header]
    names = [
        None
        if not name or name in REJECTS_COLUMNS or (ignore_unknown and name not in ALLOWED)
        else name
        for name in names
    ]
    kept = [name for name in names if name is not None]
    found = header_problems(kept, allowed=ALLOWED, required=REQUIRED)
    problems = []
    if found.unknown:
        problems.append(
            UNKNOWN_COLUMNS % {"columns": ", ".join(found.unknown), "allowed": ", ".join(ALLOWED)}
        )
    if found.missing:
        problems.append(MISSING_COLUMNS % {"columns": ", ".join(found.missing)})
    if found.twice:
        problems.append(DUPLICATE_COLUMNS % {"columns": ", ".join(found.twice)})
    if problems:
        reason = " ".join(str(problem) for problem in problems)
        raise ImportRefused([RowError(line=1, column=FILE, reason=reason)])
    return names


class RowChecker:
    """Turns the cells of one data row into a clean tuple, or a list of errors."""

    def __init__(
        self, header: list[str], today: datetime.date, *, earliest: datetime.date | None = None
    ):
        self.header = header
        self.today = today
        # ``plausible.earliest(conflict)``: no status dated before the conflict began.
        self.earliest = earliest
        self.statuses = frozenset(PersonStatus.values)
        self.allowed_statuses = ", ".join(PersonStatus.values)

    def check(self, line: int, cells: list[str]) -> tuple[tuple | None, list[RowError]]:
        if len(cells) != len(self.header):
            reason = WRONG_CELLS % {"found": len(cells), "expected": len(self.header)}
            return None, [RowError(line=line, column=ROW, reason=reason)]
        values = {name: cell.strip() for name, cell in zip(self.header, cells, strict=True) if name}
        # The cells as given: what an update of a known person changes (see ``persons``).
        self.values = values
        errors = []
        for name, value in values.items():
            reason = self._problem(name, value)
            if reason:
                errors.append(RowError(line=line, column=name, reason=reason))
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
        if name == "basis" and value not in StatusBasis.values:
            return UNKNOWN_BASIS % {"value": value, "allowed": ", ".join(StatusBasis.values)}
        if name == "status" and value not in self.statuses:
            return UNKNOWN_STATUS % {"value": value, "allowed": self.allowed_statuses}
        if name in DATES:
            day = iso_date(value)
            if day is None:
                return BAD_DATE % {"value": value}
            if name == "status_date" and day > self.today:
                return FUTURE_DATE
            bound = self.earliest if name == "status_date" else None
            problem = date_problem(
                day, today=self.today, not_before=bound, birth=name == "date_of_birth"
            )
            if problem:
                return problem
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
        row["external_id"] = values.get("external_id", "")
        row["basis"] = values.get("basis") or StatusBasis.OTHER
        row["aliases"] = values.get("aliases", "")
        row["search_key"] = search_key(full_name, row["name_latin"])
        row["line"] = line
        return tuple(row[name] for name in COLUMNS)


def read(
    text: str, *, mapping: dict[str, str] | None = None, ignore_unknown: bool = False
) -> tuple[list[str | None], Iterator[tuple[int, list[str]]]]:
    """The checked header (see ``check_header``), and (physical line, cells) for each non-blank
    record after it; raises ``ImportRefused`` for a header that cannot describe person rows."""
    try:
        header, records = csv_records(text)
    except UnreadableRow as broken:
        error = RowError(line=broken.line, column=FILE, reason=broken.reason)
        raise ImportRefused([error]) from broken
    return check_header(header, mapping=mapping, ignore_unknown=ignore_unknown), records
