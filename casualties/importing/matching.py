"""Rows of a person list that name a person already recorded, by the source's own
``external_id``, and rows that carry aliases: these go through the services one by one.

A new id is created (by the fast path in ``load`` unless the row has aliases); a known id
updates the fields the row gives (a blank cell leaves a field alone) and, when its status
differs, records a status change under the lifecycle; a row that would change nothing is
left alone. Such rows are few in a list, so the services' checks and per-row audit suffice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casualties import alias_services, services
from casualties.importing.common import RowError, iso_date
from casualties.importing.person_rows import ALIAS_SEPARATOR, BOOLEANS, COLUMNS, TEXT, TRUE
from casualties.models import Person, PersonAlias
from casualties.search.transliteration import search_key

NEW, SLOW, UPDATE, UNCHANGED = "new", "slow", "update", "unchanged"
FIELDS = (*TEXT, *BOOLEANS, "date_of_birth")
INDEX = {name: COLUMNS.index(name) for name in COLUMNS}
REPEATED_ID = _("The external id “%(id)s” is on line %(first)d and line %(line)d.")
OTHER_PARTY = _("The external id “%(id)s” is a person of another party.")


@dataclass
class Pending:
    """A row to write through the services: a person to create (``person_id`` None) or the
    changes to one already recorded."""

    line: int
    cells: list[str]
    row: tuple
    person_id: int | None = None
    changes: dict = field(default_factory=dict)
    status_change: bool = False
    aliases: list[str] = field(default_factory=list)


def _aliases(row: tuple) -> list[str]:
    names = (name.strip() for name in row[INDEX["aliases"]].split(ALIAS_SEPARATOR))
    return [name for name in names if name]


def _clean(name: str, row: tuple):
    value = row[INDEX[name]]
    return iso_date(value) if name == "date_of_birth" and value else value


class Matcher:
    """Sorts each checked row: new (fast path), slow (new, with aliases), update, unchanged."""

    def __init__(self, *, conflict, party, header: list[str | None]):
        self.party = party
        self.enabled = "external_id" in header
        self.seen: dict[str, int] = {}
        self.pending: list[Pending] = []
        self.known: dict[str, dict] = {}
        self.alias_keys: dict[int, set[str]] = defaultdict(set)
        if self.enabled:
            fields = ("id", "party_id", "external_id", "status", "status_date", *FIELDS)
            people = Person.objects.filter(conflict=conflict).exclude(external_id="")
            self.known = {person["external_id"]: person for person in people.values(*fields)}
            aliases = PersonAlias.objects.filter(person__conflict=conflict).exclude(
                person__external_id=""
            )
            for person_id, key in aliases.values_list("person_id", "search_key"):
                self.alias_keys[person_id].add(key)

    def classify(self, line: int, row: tuple, values: dict, cells: list[str]):
        """(kind, errors) for a row that passed its cell checks."""
        external_id = row[INDEX["external_id"]] if self.enabled else ""
        if not external_id:
            if not row[INDEX["aliases"]]:
                return NEW, []
            self.pending.append(Pending(line, cells, row, aliases=_aliases(row)))
            return SLOW, []
        if external_id in self.seen:
            first = self.seen[external_id]
            reason = REPEATED_ID % {"id": external_id, "first": first, "line": line}
            return None, [RowError(line=line, column="external_id", reason=reason)]
        self.seen[external_id] = line
        person = self.known.get(external_id)
        if person is None:
            if not row[INDEX["aliases"]]:
                return NEW, []
            self.pending.append(Pending(line, cells, row, aliases=_aliases(row)))
            return SLOW, []
        return self._compare(line, row, values, cells, person)

    def _compare(self, line, row, values, cells, person):
        if person["party_id"] != self.party.pk:
            reason = OTHER_PARTY % {"id": row[INDEX["external_id"]]}
            return None, [RowError(line=line, column="external_id", reason=reason)]
        changes = {}
        for name in FIELDS:
            if not values.get(name):
                continue
            value = values[name].lower() in TRUE if name in BOOLEANS else _clean(name, row)
            if value != person[name]:
                changes[name] = value
        status = row[INDEX["status"]]
        status_change = status != person["status"]
        if status_change:
            error = services.status_move_error(current=person["status"], new=status)
            date = iso_date(row[INDEX["status_date"]])
            problem = error and error.message_dict["status"][0]
            problem = problem or services.status_date_error(date, not_before=person["status_date"])
            if problem:
                return None, [RowError(line=line, column="status", reason=problem)]
        full_name = changes.get("full_name", person["full_name"])
        latin = changes.get("name_latin", person["name_latin"])
        own = self.alias_keys[person["id"]] | {search_key(full_name), search_key(latin)}
        aliases = [name for name in _aliases(row) if search_key(name) not in own]
        if not (changes or status_change or aliases):
            return UNCHANGED, []
        pending = Pending(line, cells, row, person["id"], changes, status_change, aliases)
        self.pending.append(pending)
        return UPDATE, []


def _create(pending: Pending, *, conflict, party, user, note) -> Person:
    row = pending.row
    fields = {name: _clean(name, row) for name in FIELDS if name in TEXT or row[INDEX[name]]}
    fields.update({name: row[INDEX[name]] for name in BOOLEANS})
    return services.person_create(
        conflict=conflict,
        party=party,
        full_name=fields.pop("full_name"),
        status=row[INDEX["status"]],
        status_date=datetime.date.fromisoformat(row[INDEX["status_date"]]),
        basis=row[INDEX["basis"]],
        external_id=row[INDEX["external_id"]],
        user=user,
        source_note=note,
        **fields,
    )


def _apply_one(pending: Pending, *, conflict, party, user, note) -> None:
    if pending.person_id is None:
        person = _create(pending, conflict=conflict, party=party, user=user, note=note)
    else:
        person = Person(pk=pending.person_id)
        if pending.changes:
            person = services.person_update(person=person, data=pending.changes)
        if pending.status_change:
            row = pending.row
            services.person_change_status(
                person=person,
                status=row[INDEX["status"]],
                effective_date=datetime.date.fromisoformat(row[INDEX["status_date"]]),
                basis=row[INDEX["basis"]],
                user=user,
                source_note=note,
            )
        person = Person.objects.get(pk=person.pk)
    # Not public: a list's spellings are published only by a clerk's choice (DESIGN §3).
    known = {search_key(person.full_name), search_key(person.name_latin)}
    for name in pending.aliases:
        if search_key(name) not in known:
            known.add(search_key(name))
            alias_services.person_alias_add(person=person, name=name, user=user)


def apply(pending_rows: list[Pending], *, target: dict, note: str, reject) -> int:
    """Write each pending row through the services in its own savepoint; a row they refuse
    goes to ``reject(pending, errors)``. Returns the rows written."""
    written = 0
    for pending in pending_rows:
        try:
            with transaction.atomic():
                _apply_one(pending, note=note, **target)
        except ValidationError as error:
            errors = [
                RowError(line=pending.line, column=column, reason=message)
                for column, messages in error.message_dict.items()
                for message in messages
            ]
            reject(pending, errors)
            continue
        written += 1
    return written
