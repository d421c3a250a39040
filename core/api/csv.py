"""Every CSV the app writes: ``?format=csv`` (every row of the filtered list, streamed, UTF-8
with a header row) and the rejects of a person import go through ``writer``.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab/CR) are
prefixed with an apostrophe, so a hostile name cannot execute in a reader's Excel.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime.datetime):
        # As the JSON says it (DRF): ISO 8601, UTC written as Z.
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class FormulaSafeWriter:
    """``csv.writer`` whose every cell goes through ``cell`` first."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row):
        return self._writer.writerow([cell(value) for value in row])


def writer(file) -> FormulaSafeWriter:
    """The one CSV writer of the app (see the module's docstring)."""
    return FormulaSafeWriter(file)


class _Lines:
    """A file-like sink that hands back what csv.writer writes, one line at a time."""

    def write(self, line: str) -> str:
        return line


def csv_lines(rows: Iterable[dict], fields: list[str]) -> Iterator[str]:
    lines = writer(_Lines())
    yield lines.writerow(fields)
    for row in rows:
        yield lines.writerow([row.get(field) for field in fields])


def streaming_csv(rows: Iterable[dict], fields: list[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode() for line in csv_lines(rows, fields)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` through content negotiation; lists stream (see the viewsets), and a
    single object renders as one row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:  # an answer with no body (204)
            return b""
        rows = data if isinstance(data, list) else [data]
        fields = list(rows[0]) if rows else []
        return "".join(csv_lines(rows, fields)).encode()
