"""Import a series of official figures: one row per figure, one statement per date.

Rows carry ``date`` (the statement's ``issued_on`` and ``as_of``; optional ``issued_on`` /
``as_of`` columns override it), ``party`` (subject party code), ``category``, ``value`` and
optionally ``source`` (a source's name, when one file carries several authorities),
``civilians``, ``qualifier`` (``casualties.importing.qualifiers``), ``citation_title``,
``citation_url``, ``note``.

Every row is checked before anything is written, with the models' own messages, and errors name
the CSV line (or the JSON index) and the column. A series runs to thousands of dates, so valid
rows are written with two ``bulk_create`` calls (statements, then figures) in one transaction
rather than a service call per row; the audit triggers still record every row.

A date this source has already stated for this conflict is not stated again: a figure it gave
the same value (qualifier and civilians) is unchanged, so re-running a file creates nothing; a
figure it gave another value becomes a revision of that statement (DESIGN §3: both kept, the
latest counts, the ledger lists ``figure_revised``); a figure it did not give is added. The
statement's citation is never overwritten.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pghistory
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties.importing import revisions
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
SUMMARY = _(
    "%(statements)s statements with %(figures)s figures, %(revised)s revised; "
    "%(skipped)s dates already stated left as they were"
)


@dataclass
class StatementsResult(ImportResult):
    """What an import created: statements and figures, the figures it revised (each as
    ``(issued_on, party code, category, old value, new value)``), and the dates already stated
    that it left as they were. (Its errors are raised, never returned: a series goes in whole
    or not at all.)"""

    statements: int = 0
    figures: int = 0
    revised: int = 0
    revisions: list[tuple] = field(default_factory=list)
    skipped_dates: list[datetime.date] = field(default_factory=list)

    def summary(self) -> str:
        return str(SUMMARY) % {
            "statements": f"{self.statements:,}",
            "figures": f"{self.figures:,}",
            "revised": f"{self.revised:,}",
            "skipped": f"{len(self.skipped_dates):,}",
        }


@dataclass
class _Day:
    """The rows of one date, becoming one statement."""

    source: Source
    issued_on: datetime.date
    as_of: datetime.date
    fields: dict = field(default_factory=dict)  # citation_title … -> (at, value)
    figures: dict = field(default_factory=dict)  # (party code, category) -> Figure

    def text(self, name: str) -> str:
        return self.fields.get(name, (None, ""))[1]


def _group(lines: Iterable[Line]) -> tuple[dict, list[RowError]]:
    """One ``_Day`` per (source, issued_on, as_of); a repeated figure or citation clash is an
    error."""
    days: dict[tuple, _Day] = {}
    errors = []
    for line in lines:
        key = (line.source.pk, line.issued_on, line.as_of)
        day = days.setdefault(key, _Day(line.source, line.issued_on, line.as_of))
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


def _names(labelled, column: str) -> set[str]:
    names = {str(row.get(column, "")).strip() for _, row in labelled if isinstance(row, Mapping)}
    # PostgreSQL text cannot hold NUL, and the driver refuses a query comparing with it.
    return {name for name in names if name and "\x00" not in name}


def _validate(labelled: list[tuple[dict, object]], conflict: Conflict, source) -> dict:
    """Every row checked before anything is written; raises with all errors found."""
    if not labelled:
        raise ImportRefused([RowError(line=1, column=FILE, reason=str(NO_ROWS))])
    parties = {p.code: p for p in Party.objects.filter(code__in=_names(labelled, "party"))}
    # Most files name no source (the import's own): no query then.
    names = _names(labelled, "source")
    sources = {s.name: s for s in Source.objects.filter(name__in=names)} if names else {}
    lines, errors = [], []
    for at, row in labelled:
        if not isinstance(row, Mapping):
            errors.append(RowError(**at, column=ROW, reason=str(NOT_AN_OBJECT)))
            continue
        reader = RowReader(
            at,
            row,
            parties,
            earliest=earliest(conflict),
            sources=sources,
            default_source=source,
        )
        line = reader.line()
        errors += reader.errors
        if not reader.errors:
            lines.append(line)
    days, group_errors = _group(lines)
    if errors or group_errors:
        raise ImportRefused(errors + group_errors)
    return days


def _write(days: list[_Day], added: list[Figure], *, conflict: Conflict) -> None:
    """Two INSERTs per batch instead of a service call per figure; the audit triggers still fire.
    ``added``: figures (revisions among them) for statements already stated."""
    statements = Statement.objects.bulk_create(
        [
            Statement(
                conflict=conflict,
                source=day.source,
                issued_on=day.issued_on,
                as_of=day.as_of,
                citation_title=day.text("citation_title")
                or f"{day.source.name}, {day.issued_on:%Y-%m-%d}",
                citation_url=day.text("citation_url"),
                note=day.text("note"),
            )
            for day in days
        ],
        batch_size=1000,
    )
    figures = list(added)
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
    source: Source | None = None,
    rows: Iterable[Mapping] | None = None,
    file=None,
    format: str = "csv",
    user=None,
    dry_run: bool = False,
) -> StatementsResult:
    """Import ``rows`` (labelled by index) or a CSV/JSON ``file`` (bytes or text); all rows or
    none, else ``ImportRefused`` with every error found. ``source`` is the authority of rows
    without a ``source`` column (without it, every row must name one).

    A date already stated by the row's source adds only what changed (``revisions.plan``).
    """
    result = StatementsResult(dry_run=dry_run)
    labelled = _labelled(rows, file, format)
    result.total = len(labelled)
    days = _validate(labelled, conflict, source)
    context = {"command": "import_statements"} | ({"user": user.pk} if user else {})
    with transaction.atomic(), pghistory.context(**context):
        # One import per source at a time: a concurrent run of the same file waits here, then
        # finds what the first one wrote and leaves it.
        sources = sorted({source_id for source_id, _, _ in days})
        list(Source.objects.select_for_update().filter(pk__in=sources).order_by("pk").only("pk"))
        planned = revisions.plan(days, conflict=conflict)
        if not dry_run:
            _write(planned.new_days, planned.figures, conflict=conflict)
    result.statements = len(planned.new_days)
    result.figures = sum(len(day.figures) for day in planned.new_days)
    result.figures += len(planned.figures) - len(planned.revisions)
    result.revised = len(planned.revisions)
    result.revisions = planned.revisions
    result.skipped_dates = sorted(planned.skipped)
    result.finish()
    return result
