"""A record's change history as people read it: who (name and role), when (in the display time
zone, named), through what (page, API, admin, import, command) and which fields went from what to
what — the record's own events and its children's (the remains of a handover, the status changes
of a person), read from the audit trail's event tables (core.audit).

The staff pages and the admin's "History" show the same panel (templates/includes/history.html).
"""

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit_trail import event_models

# Bookkeeping every row carries; a change of only these is no change a reader cares about.
QUIET_FIELDS = {"id", "created_at", "updated_at", "search_key"}
LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
# Most entries a panel shows; older ones stay in the admin's audit list.
LIMIT = 200


@dataclass(frozen=True)
class Part:
    """Events of ``model`` whose rows match ``lookup`` (on the event table: the tracked fields
    keep their names, and ``pgh_obj_id`` is the row's id); each row is named by its ``label``
    field (a case number, a status), or by its number."""

    model: type[models.Model]
    lookup: dict
    label: str | None = None


@dataclass
class Item:
    label: str
    changes: list[tuple[str, str, str]]


@dataclass
class Entry:
    when: datetime.datetime  # in the display zone
    who: str
    role: str
    via: str
    what: str
    action: str
    items: list[Item] = field(default_factory=list)

    @property
    def when_shown(self) -> str:
        # Formatted here: the template's date filter would turn it back to the server's zone.
        return self.when.strftime("%Y-%m-%d %H:%M %Z")


def event_model(model: type[models.Model]) -> type[models.Model]:
    """The event table (pghistory) recording every insert, update and delete of ``model``."""
    for candidate in event_models():
        if candidate.pgh_tracked_model is model:
            return candidate
    raise LookupError(f"{model._meta.label} is not tracked")


def history(parts: list[Part]) -> list[Entry]:
    """The changes of the given records, newest first, one entry per model, kind of change
    and request (or command): a batch's 30 new remains are one entry."""
    rows = []
    for part in parts:
        events = event_model(part.model).objects.filter(**part.lookup).select_related("pgh_context")
        rows += [(part, event) for event in events.order_by("-pgh_id")[: LIMIT * 10]]
    names = _Names(rows)
    before = _previous_snapshots(rows)
    entries: dict[tuple, Entry] = {}
    for part, event in sorted(rows, key=lambda row: row[1].pgh_created_at):
        model = part.model
        key = (model, event.pgh_label, event.pgh_context_id or f"event-{event.pgh_id}")
        if key not in entries:
            entries[key] = _entry(model, event, names)
        changes = _changes(part, before.get((model, event.pgh_id), {}), event, names)
        if changes or event.pgh_label != "update":
            entries[key].items.append(Item(label=_row_label(part, event), changes=changes))
    found = [entry for entry in entries.values() if entry.items]
    return sorted(found, key=lambda entry: entry.when, reverse=True)[:LIMIT]


def _values(model, event) -> dict:
    return {
        f.attname: getattr(event, f.attname)
        for f in event._meta.concrete_fields
        if not f.name.startswith("pgh_") and f.name not in QUIET_FIELDS
    }


def _previous_snapshots(rows) -> dict:
    """Each event's row as it stood before (the previous event of the same row)."""
    by_row = defaultdict(list)
    for part, event in rows:
        by_row[(part.model, event.pgh_obj_id)].append(event)
    before = {}
    for (model, _pk), events in by_row.items():
        previous = {}
        for event in sorted(events, key=lambda e: e.pgh_id):
            before[(model, event.pgh_id)] = previous
            previous = _values(model, event)
    return before


def _row_label(part: Part, event) -> str:
    value = getattr(event, part.label, None) if part.label else None
    if part.label and value not in (None, ""):
        f = part.model._meta.get_field(part.label)
        return str(dict(f.flatchoices).get(value, value)) if f.choices else str(value)
    return f"{part.model._meta.verbose_name} #{event.pgh_obj_id}"


def _changes(part: Part, previous: dict, event, names) -> list[tuple[str, str, str]]:
    model, now = part.model, _values(part.model, event)
    changes = []
    for attname, value in now.items():
        if attname in part.lookup:
            continue  # the row's parent: the history is the parent's
        old = previous.get(attname)
        if event.pgh_label == "update" and old == value:
            continue
        if event.pgh_label == "insert" and value in (None, ""):
            continue
        if event.pgh_label == "delete":
            old, value = value, None
            if old in (None, ""):
                continue
        label, shown_old, shown_new = names.field(model, attname, old, value)
        changes.append((label, shown_old, shown_new))
    return changes


def _entry(model, event, names) -> Entry:
    metadata = (event.pgh_context.metadata if event.pgh_context else None) or {}
    who, role = names.user(metadata.get("user"))
    when = event.pgh_created_at.astimezone(display_zone())
    return Entry(
        when=when,
        who=who,
        role=role,
        via=_via(metadata),
        what=str(model._meta.verbose_name_plural),
        action=str(LABELS.get(event.pgh_label, event.pgh_label)),
    )


def display_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)


def _via(metadata: dict) -> str:
    command = metadata.get("command")
    if command:
        kind = _("import") if command.startswith("import") else _("command")
        return f"{kind} {command}"
    url = metadata.get("url") or ""
    if url.startswith("/api/"):
        return f"{_('API')} {url}"
    if url.startswith("/admin/"):
        return f"{_('admin')} {url}"
    if url:
        return f"{_('page')} {url}"
    return str(_("database (no request or command recorded)"))


class _Names:
    """What ids stand for: users, and the rows foreign keys point to, each looked up once."""

    def __init__(self, rows):
        wanted = defaultdict(set)
        for part, event in rows:
            model = part.model
            metadata = (event.pgh_context.metadata if event.pgh_context else None) or {}
            if isinstance(metadata.get("user"), int):
                wanted[get_user_model()].add(metadata["user"])
            for f in model._meta.concrete_fields:
                value = getattr(event, f.attname, None)
                # A row's parent (the lookup) is never shown, so never looked up.
                if f.is_relation and value is not None and f.attname not in part.lookup:
                    wanted[f.related_model].add(value)
        self.found = {}
        for related, ids in wanted.items():
            query = related._default_manager.filter(pk__in=ids)
            if related is get_user_model():
                query = query.prefetch_related("groups")
            self.found[related] = {row.pk: row for row in query}

    def user(self, pk) -> tuple[str, str]:
        user = self.found.get(get_user_model(), {}).get(pk)
        if user is None:
            return (str(_("unknown")) if pk is None else f"#{pk}"), ""
        role = ", ".join(sorted(group.name for group in user.groups.all()))
        if user.is_superuser:
            role = ", ".join(filter(None, [str(_("admin")), role]))
        return user.get_full_name() or user.get_username(), role

    def field(self, model, attname, old, new) -> tuple[str, str, str]:
        f = next(f for f in model._meta.concrete_fields if f.attname == attname)
        return str(f.verbose_name), self._shown(f, old), self._shown(f, new)

    def _shown(self, f, value) -> str:
        if value is None or value == "":
            return "—"
        if f.is_relation:
            row = self.found.get(f.related_model, {}).get(value)
            if f.related_model is get_user_model() and row is not None:
                return row.get_full_name() or row.get_username()
            return str(row) if row is not None else f"#{value}"
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime.datetime):
            return value.astimezone(display_zone()).strftime("%Y-%m-%d %H:%M %Z")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)
