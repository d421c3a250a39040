"""Row errors: one vocabulary for the rows of a nested list (DESIGN §6).

A write that takes a list of rows (a handover's ``remains``, a statement's ``figures``) keys
each row's errors ``remains[3].case_number``, or ``remains[3]`` for the row as a whole; the
list as such (empty, too long) keeps its own name, ``remains``. Services key their errors so,
the API answers with the same keys whichever check failed (DRF's or the service's), and the
pages and the admin read them back to show each error beside the row and field it concerns.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework.settings import api_settings

_ROW_KEY = re.compile(r"^(?P<list_name>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")
_WHOLE_ROW = (None, NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY)


class RowKey(NamedTuple):
    list_name: str
    index: int
    field: str | None  # None: the row as a whole


def row_key(list_name: str, index: int, field: str | None = None) -> str:
    """``remains[3].case_number``; ``remains[3]`` for the row as a whole."""
    if field in _WHOLE_ROW:
        return f"{list_name}[{index}]"
    return f"{list_name}[{index}].{field}"


def parse_row_key(key: str | None) -> RowKey | None:
    """The list, row and field a key names, or None if it names no row."""
    match = _ROW_KEY.match(key or "")
    if match is None:
        return None
    return RowKey(match["list_name"], int(match["index"]), match["field"])


def row_errors(list_name: str, index: int, errors: Mapping[str, list]) -> dict[str, list]:
    """One row's errors (field → messages, as ``full_clean`` reports them) under row keys."""
    return {row_key(list_name, index, field): list(messages) for field, messages in errors.items()}


def error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    """A ValidationError as (key, messages) pairs; ``NON_FIELD_ERRORS`` for the whole."""
    if hasattr(error, "error_dict"):
        return list(error.message_dict.items())
    return [(NON_FIELD_ERRORS, error.messages)]


def rows_flattened(detail, list_name: str):
    """DRF's errors of a nested list serializer, keyed as the services key theirs.

    DRF nests them under the list's name, by the index of each bad row (older versions: a list
    with ``{}`` for each valid row); an error about the list as a whole (not a list, empty) is
    not about any row and keeps the list's name.
    """
    if not isinstance(detail, dict) or list_name not in detail:
        return detail
    detail = dict(detail)
    rows = detail.pop(list_name)
    for index, row in rows.items() if isinstance(rows, dict) else enumerate(rows):
        if isinstance(index, int) and isinstance(row, dict):
            detail.update(row_errors(list_name, index, row))
        else:
            detail.setdefault(list_name, []).extend(row if isinstance(row, list) else [row])
    return detail


def place_on_rows(
    error: ValidationError, *, rows: Sequence, list_name: str, skip: Iterable[str] = ()
) -> list[tuple[str, list[str]]]:
    """Put each error of row i of ``list_name`` on ``rows[i]`` (a form): on its field when
    the row has one, else on the row as a whole. Keys in ``skip`` are dropped; the errors not
    placed are returned, as (key, messages)."""
    skip, left = set(skip), []
    for key, messages in error_items(error):
        if key in skip:
            continue
        place = parse_row_key(key)
        if place and place.list_name == list_name and place.index < len(rows):
            row = rows[place.index]
            row.add_error(place.field if place.field in row.fields else None, messages)
        else:
            left.append((key, messages))
    return left


def place_errors(
    form,
    error: ValidationError,
    *,
    rows: Sequence = (),
    list_name: str | None = None,
    skip: Iterable[str] = (),
) -> None:
    """Put a service's ValidationError beside what it concerns: row i's on ``rows[i]`` (see
    ``place_on_rows``), a field's of ``form`` on that field, anything else above the form.

    A row error with no row to show it on keeps its key in front, so it still names its row.
    """
    left = place_on_rows(error, rows=rows, list_name=list_name or "", skip=skip)
    for key, messages in left:
        if key in form.fields:
            form.add_error(key, messages)
        elif parse_row_key(key):
            form.add_error(None, [f"{key}: {message}" for message in messages])
        else:
            form.add_error(None, messages)
