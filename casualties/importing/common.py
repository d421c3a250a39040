"""What every import shares: where a bad cell is (``RowError``), a refusal, the result, and
the reading of a file's text, its CSV records, its header and its dates.

Person lists (``person_rows``, ``persons``) and statement series (``statement_rows``,
``statements``) check their rows differently, but they report them in these words: a CSV
row by the physical line it starts on (a quoted cell may span lines), a JSON row by its index.
"""

import csv
import datetime
import io
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

MAX_ERRORS = 1_000
NOT_UTF8 = _("The file is not UTF-8 text (save it as “CSV UTF-8”).")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
DELIMITERS = (",", ";", "\t")


def place(line: int | None = None, index: int | None = None) -> str:
    """How an error names its row: "line 4" (CSV), "[2]" (a JSON row), "[]" (the JSON list)."""
    if line is not None:
        return f"line {line}"
    return "[]" if index is None else f"[{index}]"


@dataclass(frozen=True, kw_only=True)
class RowError:
    """One problem with a file: the CSV line (or JSON index) of its row, the column, why."""

    line: int | None = None
    index: int | None = None
    column: str
    reason: str

    @property
    def where(self) -> str:
        return place(self.line, self.index)

    def __str__(self) -> str:
        return f"{self.where}, {self.column}: {self.reason}"

    def as_dict(self) -> dict:
        found = {"line": self.line, "column": self.column, "reason": str(self.reason)}
        return found if self.index is None else {"index": self.index, **found}


class ImportRefused(Exception):
    """The file (or some rows) cannot be imported; ``errors`` says why, and nothing was saved."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class UnreadableRow(Exception):
    """The CSV itself is broken at ``line`` (e.g. a NUL byte): the rest cannot be trusted."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass
class ImportResult:
    """What an import read and found: rows read, the first ``MAX_ERRORS`` errors (all
    counted), whether it was a dry run, and the time taken. Each import adds what it wrote."""

    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    seconds: float = 0.0
    started: float = field(default_factory=time.perf_counter, repr=False)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def finish(self) -> None:
        self.seconds = time.perf_counter() - self.started


def decode(data: bytes | str) -> str:
    """A file's text, without the byte-order mark spreadsheets often write; raises
    ``UnicodeDecodeError`` when it is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    return data.decode("utf-8-sig")


def delimiter_of(header: str) -> str:
    """The delimiter a CSV file uses, judged by its header line: a comma, unless the line has
    none outside quotes and has semicolons (European Excel writes those where the decimal sign
    is a comma) or tabs, then the more frequent of them."""
    counts, quoted = dict.fromkeys(DELIMITERS, 0), False
    for char in header.partition("\n")[0]:
        if char == '"':
            quoted = not quoted
        elif char in counts and not quoted:
            counts[char] += 1
    if counts[","] or not (counts[";"] or counts["\t"]):
        return ","
    return ";" if counts[";"] >= counts["\t"] else "\t"


def csv_records(text: str) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]]]:
    """The header's cells (None for an empty file), and (physical line where the record
    starts, cells) for each record after it that is not blank; cells split by the header's
    delimiter (``delimiter_of``). The reader's own line count is used, not a count of
    records, because a quoted cell may span lines. A broken record raises
    ``UnreadableRow``, from the header at once, from a later record when it is reached."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text[:65536]))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise UnreadableRow(1, str(error)) from error

    def records():
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

    return header, records()


@dataclass(frozen=True)
class HeaderProblems:
    unknown: list[str]
    missing: list[str]
    twice: list[str]


def header_problems(names: list[str], *, allowed, required=()) -> HeaderProblems:
    """The columns a header names that the import does not know, lacks, or names twice."""
    return HeaderProblems(
        unknown=[name for name in names if name not in allowed],
        missing=[name for name in required if name not in names],
        twice=sorted({name for name in names if names.count(name) > 1}),
    )


def iso_date(text: str) -> datetime.date | None:
    """A real date written YYYY-MM-DD, else None. ``fromisoformat`` alone would also take
    20220930 and week dates."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None
