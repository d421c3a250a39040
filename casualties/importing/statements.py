"""Import a series of official figures: one row per figure, one statement per date.

Rows carry ``date`` (the statement's ``issued_on`` and ``as_of``; optional ``issued_on`` /
``as_of`` columns override it), ``party`` (subject party code), ``category``, ``value`` and
optionally ``civilians``, ``qualifier``, ``citation_title``, ``citation_url``, ``note``.

Every row is checked before anything is written, with the models' own messages, and errors name
the CSV line (or the JSON index) and the column. A series runs to thousands of dates, so valid
rows are written with two ``bulk_create`` calls (statements, then figures) in one transaction
rather than a service call per row; the audit triggers still record every row.

A date this source has already stated for this conflict is skipped, not updated: re-running a
file creates nothing, and a statement corrected by hand afterwards is never overwritten.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pghistory
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties.importing.common import (
    NOT_UTF8,
    ImportRefused,
    ImportResult,
    RowError,
    decode,
    place,
)
from casualties.importing.statement_rows import (
    FILE,
    NOT_AN_OBJECT,
    ROW,
    Line,
    RowReader,
    constraint_message,
    read_rows,
)
from casualties.models import Conflict, Figure, Party, Source, Statement
from casualties.plausible import earliest

__all__ = ["StatementsResult", "statements_import"]

DUPLICATE_FIGURE = constraint_message(Figure, "figure_unique_per_statement")
DIFFERS_FOR_DATE = _("Differs from %(first)s, which gives the same date another value.")
NO_ROWS = _("The file holds no rows.")


@dataclass
class StatementsResult(ImportResult):
    """What an import created: statements and figures, and the dates it skipped as already
    stated. (Its errors are raised, never returned: a series goes in whole or not at all.)"""

    statements: int = 0
    figures: int = 0
    skipped_dates: list[datetime.date] = field(default_factory=list)


@dataclass
class _Day:
    """The rows of one date, becoming one statement."""

    issued_on: datetime.date
    as_of: datetime.date
    fields: dict = field(default_factory=dict)  # citation_title … -> (at, value)
    figures: dict = field(default_factory=dict)  # (party code, category) -> Figure

    def text(self, name: str) -> str:
        return self.fields.get(name, (None, ""))[1]


def _group(lines: Iterable[Line]) -> tuple[dict, list[RowError]]:
    """One ``_Day`` per (issued_on, as_of); a repeated figure or citation clash is an error."""
    days: dict[tuple, _Day] = {}
    errors = []
    for line in lines:
        day = days.setdefault((line.issued_on, line.as_of), _Day(line.issued_on, line.as_of))
        key = (line.figure.subject_party.code, line.figure.category)
        if key in day.figures:
            errors.append(RowError(**line.at, column="category", reason=str(DUPLICATE_FIGURE)))
        day.figures.setdefault(key, line.figure)
        for name, value in line.fields.items():
            if not value:
                continue
            first_at, first = day.fields.setdefault(name, (line.at, value))
            if first != value:
                message = DIFFERS_FOR_DATE % {"first": place(**first_at)}
                errors.append(RowError(**line.at, column=name, reason=str(message)))
    return days, errors


def _validate(labelled: list[tuple[dict, object]], conflict: Conflict) -> dict:
    """Every row checked before anything is written; raises with all errors found."""
    if not labelled:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NO_ROWS))])
    codes = {str(row.get("party", "")).strip() for _, row in labelled if isinstance(row, Mapping)}
    # PostgreSQL text cannot hold NUL, and the driver refuses a query comparing with it.
    codes = {code for code in codes if "\x00" not in code}
    parties = {party.code: party for party in Party.objects.filter(code__in=codes)}
    lines, errors = [], []
    for at, row in labelled:
        if not isinstance(row, Mapping):
            errors.append(RowError(**at, column=ROW, reason=str(NOT_AN_OBJECT)))
            continue
        reader = RowReader(at, row, parties, earliest=earliest(conflict))
        line = reader.line()
        errors += reader.errors
        if not reader.errors:
            lines.append(line)
    days, group_errors = _group(lines)
    if errors or group_errors:
        raise ImportRefused(errors + group_errors)
    return days


def _write(days: list[_Day], *, conflict: Conflict, source: Source) -> None:
    """Two INSERTs per batch instead of a service call per figure; the audit triggers still fire."""
    statements = Statement.objects.bulk_create(
        [
            Statement(
                conflict=conflict,
                source=source,
                issued_on=day.issued_on,
                as_of=day.as_of,
                citation_title=day.text("citation_title")
                or f"{source.name}, {day.issued_on:%Y-%m-%d}",
                citation_url=day.text("citation_url"),
                note=day.text("note"),
            )
            for day in days
        ],
        batch_size=1000,
    )
    figures = []
    for statement, day in zip(statements, days, strict=True):
        for figure in day.figures.values():
            figure.statement = statement
            figures.append(figure)
    Figure.objects.bulk_create(figures, batch_size=2000)


def _labelled(rows, file, format: str) -> list[tuple[dict, object]]:
    if file is None:
        return [({"index": index}, row) for index, row in enumerate(rows or [])]
    try:
        text = decode(file.read())
    except UnicodeDecodeError:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NOT_UTF8))]) from None
    return read_rows(text, format)


def statements_import(
    *,
    conflict: Conflict,
    source: Source,
    rows: Iterable[Mapping] | None = None,
    file=None,
    format: str = "csv",
    user=None,
    dry_run: bool = False,
) -> StatementsResult:
    """Import ``rows`` (labelled by index) or a CSV/JSON ``file`` (bytes or text); all rows or
    none, else ``ImportRefused`` with every error found.

    Dates (``issued_on``, ``as_of``) this source already stated for this conflict are skipped.
    """
    result = StatementsResult(dry_run=dry_run)
    labelled = _labelled(rows, file, format)
    result.total = len(labelled)
    days = _validate(labelled, conflict)
    context = {"command": "import_statements"} | ({"user": user.pk} if user else {})
    with transaction.atomic(), pghistory.context(**context):
        # One import per source at a time: a concurrent run of the same file waits here, then
        # finds the dates the first one wrote and skips them.
        Source.objects.select_for_update().only("pk").get(pk=source.pk)
        stated = set(
            Statement.objects.filter(conflict=conflict, source=source).values_list(
                "issued_on", "as_of"
            )
        )
        new = [day for key, day in sorted(days.items()) if key not in stated]
        if not dry_run:
            _write(new, conflict=conflict, source=source)
    result.statements = len(new)
    result.figures = sum(len(day.figures) for day in new)
    result.skipped_dates = sorted(issued_on for issued_on, _ in days.keys() & stated)
    result.finish()
    return result
