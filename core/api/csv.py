"""Every CSV the app writes: ``?format=csv`` (every row of the filtered list, streamed, UTF-8
with a header row) and the rejects of a person import go through ``writer``.

Downloads start with a UTF-8 byte-order mark (``?bom=0`` leaves it out): without it Excel reads
the file in the machine's legacy code page and garbles Armenian, Russian or Hebrew. Their file
name says what and when (``persons_sept-2022_ARM_2026-12-05.csv``, from the list's filters).
``?hxl=1`` adds a second row of HXL 1.1 hashtags (``HXL_TAGS``, listed in README), which
humanitarian tools such as HDX read; a column with no tag gets an empty cell, as HXL allows.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab/CR) are
prefixed with an apostrophe, so a hostile name cannot execute in a reader's Excel.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

# Column name → HXL 1.1 hashtag (https://hxlstandard.org/standard/1-1final/dictionary/). The
# same column means the same thing in every list, so one table serves every CSV; README lists it.
HXL_TAGS = {
    "id": "#meta+id",
    "conflict": "#crisis+code",
    "conflict_name": "#crisis+name",
    "party": "#country+code",
    "party_name": "#country+name",
    "subject_party": "#country+code+subject",
    "from_party": "#country+code+from",
    "to_party": "#country+code+to",
    "mediator": "#org+code+mediator",
    "reported_by": "#country+code+reported_by",
    "source": "#meta+source",
    "full_name": "#affected+name",
    "name_latin": "#affected+name+i_en",
    "name_public": "#meta+name_public",
    "is_civilian": "#affected+civilian",
    "rank": "#affected+rank",
    "unit": "#org+unit",
    "home_region": "#adm1+name",
    "location": "#loc+name",
    "status": "#status",
    "status_date": "#date+status",
    "date": "#date",
    "as_of": "#date+reported",
    "issued_on": "#date+issued",
    "effective_date": "#date+effective",
    "created_at": "#date+created",
    "updated_at": "#date+updated",
    "kind": "#event+type",
    "category": "#indicator+category",
    # A long table (statements' figures, the timeline's series): the row's category names what
    # the number counts, so the number is tagged as a count of affected people.
    "value": "#affected+num",
    "series": "#indicator+code",
    "label": "#indicator+name",
    "civilians": "#affected+civilian+num",
    "qualifier": "#indicator+qualifier",
    "citation": "#meta+url",
    "reported_count": "#affected+remains+reported+num",
    # The ledger and its timeline: one column per official category, and what was returned.
    "killed": "#affected+killed",
    "missing": "#affected+missing",
    "killed_or_missing": "#affected+killed+missing",
    "injured": "#affected+injured",
    "captured": "#affected+captured",
    "released": "#affected+released",
    "remains_returned": "#affected+remains+returned",
    "remains_identified": "#affected+remains+identified",
    "official_total": "#affected+killed+missing+total",
    "official_returned": "#affected+remains+returned",
    "received": "#affected+remains+received",
    "pending": "#affected+remains+pending",
    "not_returned_min": "#affected+missing+min",
    "not_returned_max": "#affected+missing+max",
    "discrepancy_count": "#indicator+discrepancies+num",
}


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


def hxl_row(fields: list[str]) -> list[str]:
    return [HXL_TAGS.get(field, "") for field in fields]


def csv_lines(
    rows: Iterable[dict], fields: list[str], *, bom: bool = False, hxl: bool = False
) -> Iterator[str]:
    lines = writer(_Lines())
    yield (BOM if bom else "") + lines.writerow(fields)
    if hxl:
        yield lines.writerow(hxl_row(fields))
    for row in rows:
        yield lines.writerow([row.get(field) for field in fields])


def download_options(request) -> dict:
    """``bom`` (on unless ``?bom=0``) and ``hxl`` (off unless ``?hxl=1``) from the query."""
    params = getattr(request, "query_params", None) or getattr(request, "GET", {})
    off, on = ("0", "false", "no"), ("1", "true", "yes")
    return {
        "bom": str(params.get("bom", "1")).lower() not in off,
        "hxl": str(params.get("hxl", "0")).lower() in on,
    }


def _file_part(value) -> str:
    # Only what is safe in a header and a file system; a code or slug passes unchanged.
    kept = "".join(c if c.isalnum() or c in "-." else "-" for c in str(value))
    return kept.strip("-.")[:40]


def download_name(what: str, *parts) -> str:
    """``persons_sept-2022_ARM_2026-12-05.csv``: what, the scope it was filtered to, the day."""
    named = [_file_part(what), *(_file_part(p) for p in parts if p), timezone.localdate()]
    return "_".join(str(part) for part in named if part) + ".csv"


def list_download_name(what: str, request) -> str:
    """The file name of a list's CSV, from its conflict and party filters (when given)."""
    params = getattr(request, "query_params", None) or getattr(request, "GET", {})
    return download_name(what, params.get("conflict"), params.get("party"))


def streaming_csv(
    rows: Iterable[dict],
    fields: list[str],
    filename: str,
    *,
    bom: bool = False,
    hxl: bool = False,
) -> StreamingHttpResponse:
    lines = csv_lines(rows, fields, bom=bom, hxl=hxl)
    response = StreamingHttpResponse(
        (line.encode() for line in lines), content_type="text/csv; charset=utf-8"
    )
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
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
        context = renderer_context or {}
        request, response = context.get("request"), context.get("response")
        options = download_options(request) if request is not None else {}
        rows = _rows_of(data)
        fields = list(dict.fromkeys(field for row in rows for field in row))
        if response is not None and response.status_code < 400 and request is not None:
            kwargs = getattr(context.get("view"), "kwargs", {}) or {}
            what = getattr(context.get("view"), "csv_name", None) or _default_name(data)
            name = download_name(what, kwargs.get("conflict_slug"), kwargs.get("party_code"))
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return "".join(csv_lines(rows, fields, **options)).encode()


def _default_name(data) -> str:
    if isinstance(data, dict) and "timeline" in data:
        return "ledger-timeline"
    return "ledger" if isinstance(data, dict) and "official" in data else "export"


def _rows_of(data) -> list[dict]:
    """The rows a JSON answer stands for: a list, the dated points of a timeline
    (``{"timeline": [...]}``), the results of a page, or else the object as one row."""
    if isinstance(data, list):
        return data
    for key in ("timeline", "results"):
        if isinstance(data, dict) and isinstance(data.get(key), list):
            return data[key]
    return [data]
