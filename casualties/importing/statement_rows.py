"""Reading a series of official figures: CSV or JSON rows, each parsed into one Figure.

Each row is read completely, collecting one error per bad field (named by CSV line or JSON
index, and column) rather than stopping at the first, and reports the models' rules with the
models' own messages. ``casualties.importing.statements`` groups the rows into statements.
"""

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.choices import FigureCategory, Qualifier
from casualties.importing.common import (
    ImportRefused,
    RowError,
    UnreadableRow,
    csv_records,
    header_problems,
    iso_date,
)
from casualties.importing.qualifiers import UNKNOWN_QUALIFIER, qualifier_choices, qualifier_of
from casualties.models import Figure, Party, Source, Statement
from casualties.plausible import date_problem


def constraint_message(model, name: str):
    """The message of a model's constraint, so an import reports a rule exactly as the form."""
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


NEGATIVE = constraint_message(Figure, "figure_value_non_negative")
CIVILIANS_OVER_VALUE = constraint_message(Figure, "figure_civilians_within_value")
AS_OF_AFTER_ISSUE = constraint_message(Statement, "statement_as_of_not_after_issue")
REQUIRED = _("This field is required.")
NUL_CHARACTER = _("Null characters are not allowed.")
BAD_DATE = _("Enter a date as YYYY-MM-DD.")
BAD_NUMBER = _("Enter a whole number.")
TOO_LARGE = _("Enter a number no larger than %(max)s.")
BAD_URL = _("Enter a valid URL.")
TOO_LONG = _("Enter at most %(max)s characters.")
UNKNOWN_PARTY = _("Unknown party code “%(value)s”.")
UNKNOWN_SOURCE = _("Unknown source “%(value)s”.")
UNKNOWN_CATEGORY = _("“%(value)s” is not a category. Use one of: %(choices)s.")
UNKNOWN_COLUMN = _("Unknown column “%(value)s”.")
TOO_MANY_CELLS = _("This row has more cells than the header has columns.")
NOT_A_LIST = _("A JSON series must be a list of objects.")
NOT_AN_OBJECT = _("Each row must be an object.")
UNREADABLE = _("The file cannot be read as %(format)s: %(error)s")
COLUMNS = (
    "date",
    "issued_on",
    "as_of",
    "source",
    "party",
    "category",
    "value",
    "civilians",
    "qualifier",
)
STATEMENT_COLUMNS = ("citation_title", "citation_url", "note")
MAX_INT = 2**31 - 1  # the figures' integer columns
FILE, ROW = "file", "row"


def _check_header(names: list[str]) -> None:
    """A misspelt column would otherwise be reported once per line."""
    unknown = header_problems(names, allowed=ALL_COLUMNS).unknown
    if unknown:
        raise ImportRefused(
            RowError(line=1, column=name, reason=str(UNKNOWN_COLUMN % {"value": name}))
            for name in unknown
        )


def _unreadable(format: str, error, line: int = 1) -> ImportRefused:
    reason = str(UNREADABLE % {"format": format.upper(), "error": error})
    return ImportRefused([RowError(line=line, column=FILE, reason=reason)])


def _csv_rows(text: str) -> list[tuple[dict, Mapping]]:
    try:
        header, records = csv_records(text)
        _check_header(header or [])
        rows = []
        for line, cells in records:
            row: dict = dict(zip(header, cells, strict=False))
            if len(cells) > len(header):
                row[None] = cells[len(header) :]  # as csv.DictReader keeps extra cells
            rows.append(({"line": line}, row))
    except UnreadableRow as broken:
        raise _unreadable("csv", broken.reason, broken.line) from broken
    return rows


def read_rows(text: str, format: str) -> list[tuple[dict, Mapping]]:
    """Rows of a CSV or JSON text, each with where it was found (``{"line": 4}`` for CSV,
    ``{"index": 2}`` for JSON: the keywords of its ``RowError``)."""
    if format == "csv":
        return _csv_rows(text)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deep
        raise _unreadable(format, exc) from exc
    if not isinstance(data, list):
        raise ImportRefused([RowError(column=FILE, reason=str(NOT_A_LIST))])
    return [({"index": index}, row) for index, row in enumerate(data)]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value) -> datetime.date:
    day = iso_date(str(value).strip())
    if day is None:
        raise ValidationError(BAD_DATE)
    return day


def parse_number(value) -> int:
    """A whole number from JSON (int) or CSV (digits): 12.0, "12k" or true are refused."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(text, str) and re.fullmatch(r"[+-]?\d+", text))
    ):
        raise ValidationError(BAD_NUMBER)
    number = int(text)
    if number > MAX_INT:
        raise ValidationError(TOO_LARGE % {"max": MAX_INT})
    return number


def _chooser(words: Mapping[str, str], message):
    """A parser accepting any of ``words`` (case and ``_``/space insensitive)."""
    choices = ", ".join(dict.fromkeys(str(v) for v in words.values() if v))

    def parse(value) -> str:
        word = " ".join(str(value).lower().replace("_", " ").split())
        if word not in words:
            raise ValidationError(message % {"value": value, "choices": choices})
        return words[word]

    return parse


def _text_of(max_length: int | None, validator=None):
    def parse(value) -> str:
        text = str(value).strip()
        if max_length and len(text) > max_length:
            raise ValidationError(TOO_LONG % {"max": max_length})
        if validator:
            try:
                validator(text)
            except ValidationError:
                raise ValidationError(BAD_URL) from None
        return text

    return parse


CATEGORY_WORDS = {
    **{c.value.replace("_", " "): c.value for c in FigureCategory},
    **{str(c.label).lower(): c.value for c in FigureCategory},
}
parse_category = _chooser(CATEGORY_WORDS, UNKNOWN_CATEGORY)


def parse_qualifier(value) -> str:
    qualifier = qualifier_of(str(value))
    if qualifier is None:
        raise ValidationError(UNKNOWN_QUALIFIER % {"value": value, "choices": qualifier_choices()})
    return qualifier


STATEMENT_PARSERS = {
    "citation_title": _text_of(Statement._meta.get_field("citation_title").max_length),
    "citation_url": _text_of(Statement._meta.get_field("citation_url").max_length, URLValidator()),
    "note": _text_of(None),
}
ALL_COLUMNS = frozenset(COLUMNS) | frozenset(STATEMENT_COLUMNS)


@dataclass
class Line:
    at: dict  # where the row was found, as RowError's keywords
    issued_on: datetime.date
    as_of: datetime.date
    figure: Figure
    fields: dict
    source: Source | None = None


class RowReader:
    """Reads one row, collecting one error per bad field instead of stopping at the first."""

    def __init__(
        self,
        at: dict,
        row: Mapping,
        parties: Mapping[str, Party],
        *,
        earliest: datetime.date | None = None,
        sources: Mapping[str, Source] | None = None,
        default_source: Source | None = None,
    ):
        self.at, self.row, self.parties = at, row, parties
        self.sources, self.default_source = sources or {}, default_source
        # ``plausible.earliest(conflict)``: no ``as_of`` before the conflict began.
        self.earliest = earliest
        self.errors: list[RowError] = []

    def error(self, name: str, message) -> None:
        self.errors.append(RowError(**self.at, column=name, reason=str(message)))

    def get(self, name: str, parse, *, required: bool = False):
        value = self.row.get(name)
        if _blank(value):
            if required:
                self.error(name, REQUIRED)
            return None
        if isinstance(value, str) and "\x00" in value:
            self.error(name, NUL_CHARACTER)
            return None
        try:
            return parse(value)
        except ValidationError as exc:
            self.error(name, exc.messages[0])
            return None

    def party(self, value) -> Party:
        code = str(value).strip()
        if code not in self.parties:
            raise ValidationError(UNKNOWN_PARTY % {"value": code})
        return self.parties[code]

    def source(self, value) -> Source:
        name = str(value).strip()
        if name not in self.sources:
            raise ValidationError(UNKNOWN_SOURCE % {"value": name})
        return self.sources[name]

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        day = self.get("date", parse_date)
        issued_on = self.get("issued_on", parse_date) or day
        as_of = self.get("as_of", parse_date) or day
        if (issued_on is None or as_of is None) and _blank(self.row.get("date")):
            self.error("date", REQUIRED)
        elif issued_on and as_of and as_of > issued_on:
            self.error("as_of", AS_OF_AFTER_ISSUE)
        today, said = timezone.localdate(), set()
        for name, day, bound in (("issued_on", issued_on, None), ("as_of", as_of, self.earliest)):
            problem = date_problem(day, today=today, not_before=bound)
            # A ``date`` column stands for both: the error names the column given, once.
            column = "date" if _blank(self.row.get(name)) else name
            if problem and (column, str(problem)) not in said:
                said.add((column, str(problem)))
                self.error(column, problem)
        return issued_on, as_of

    def figure(self) -> Figure:
        figure = Figure(
            subject_party=self.get("party", self.party, required=True),
            category=self.get("category", parse_category, required=True),
            value=self.get("value", parse_number, required=True),
            civilians=self.get("civilians", parse_number),
            qualifier=self.get("qualifier", parse_qualifier) or Qualifier.EXACT,
        )
        if figure.value is not None and figure.value < 0:
            self.error("value", NEGATIVE)
        elif figure.civilians is not None and not 0 <= figure.civilians <= (figure.value or 0):
            self.error("civilians", CIVILIANS_OVER_VALUE)
        return figure

    def line(self) -> Line:
        for name in self.row:
            if name is None:  # csv.DictReader's key for cells beyond the header
                self.error(ROW, TOO_MANY_CELLS)
            elif name not in ALL_COLUMNS:
                self.error(str(name), UNKNOWN_COLUMN % {"value": name})
        # A ``source`` column lets one file carry several authorities; else the import's own.
        source = self.get("source", self.source, required=self.default_source is None)
        issued_on, as_of = self.dates()
        figure = self.figure()
        fields = {name: self.get(name, parse) for name, parse in STATEMENT_PARSERS.items()}
        return Line(self.at, issued_on, as_of, figure, fields, source or self.default_source)
