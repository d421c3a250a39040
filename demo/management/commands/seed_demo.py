"""``manage.py seed_demo``: load the worked example of DESIGN §2 and the demo accounts.

Idempotent: records are found by their natural keys and left alone when they already exist,
so a second run adds nothing. Only the demo passwords are set again on every run.
"""

import datetime

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import ensure_roles
from casualties.models import Conflict, Party, Person, Source, Statement
from casualties.services import person_change_status, person_create, statement_create
from demo.demo_data import (
    CONFLICTS,
    DEMO_USERS,
    FICTITIOUS_NOTE,
    FICTITIOUS_UNIT,
    FIRST_NAMES,
    HANDOVER_SIDES,
    HANDOVERS,
    IDENTIFIED_ON,
    LOCAL_NAMES,
    PARTIES,
    REGIONS,
    ROSTER,
    SOURCES,
    STATEMENTS,
    STATUS_BASES,
    STATUS_DATES,
    SURNAMES,
    Cohort,
)
from demo.identification_demo import seed_identification
from repatriation.choices import (
    HandoverKind,
    Identification,
    IdentificationMethod,
    RemainsCondition,
)
from repatriation.models import Handover
from repatriation.services import handover_create, handover_verify

REFUSED = (
    "seed_demo creates accounts whose passwords are printed in the clear. "
    "Run it with DEBUG=1, or pass --force if you really mean it."
)


def _get_or_create(model, lookup: dict, defaults: dict):
    """The row with ``lookup``, or a new validated one; an existing row is never overwritten."""
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found
    obj = model(**lookup, **defaults)
    obj.full_clean()
    obj.save()
    return obj


def _users() -> dict[str, User]:
    ensure_roles()
    users = {}
    for username, password, group, is_staff, is_superuser, _role in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.is_staff, user.is_superuser, user.is_active = is_staff, is_superuser, True
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name=group) if group else [])
        users[username] = user
    return users


def _local(key: str) -> dict:
    armenian, russian = LOCAL_NAMES.get(key, ("", ""))
    return {"name_hy": armenian, "name_ru": russian}


def _reference_data() -> tuple[dict, dict, dict]:
    conflicts = {slug: _get_or_create(Conflict, {"slug": slug}, f) for slug, f in CONFLICTS.items()}
    parties = {
        code: _get_or_create(Party, {"code": code}, {"name": name, "kind": kind, **_local(code)})
        for code, (name, kind) in PARTIES.items()
    }
    sources = {
        name: _get_or_create(
            Source, {"name": name}, {"party": parties.get(code), "kind": kind, **_local(name)}
        )
        for name, (code, kind) in SOURCES.items()
    }
    return conflicts, parties, sources


def _statements(conflicts: dict, parties: dict, sources: dict) -> None:
    for slug, source, issued_on, as_of, citation, note, figures in STATEMENTS:
        key = {"conflict": conflicts[slug], "source": sources[source], "issued_on": issued_on}
        if Statement.objects.filter(**key, citation_title=citation["citation_title"]).exists():
            continue
        rows = [{**figure, "subject_party": parties[figure["subject_party"]]} for figure in figures]
        statement_create(figures=rows, as_of=as_of, note=note, **key, **citation)


def _roster() -> list[tuple[str, Cohort]]:
    """(full name, cohort) for every fictitious person; the name pairs never repeat."""
    cohorts = [cohort for cohort in ROSTER for _ in range(cohort.count)]
    width = len(FIRST_NAMES)
    return [
        (f"{FIRST_NAMES[i % width]} {SURNAMES[(i + i // width) % width]}", cohort)
        for i, cohort in enumerate(cohorts)
    ]


def _person_fields(index: int, cohort: Cohort) -> dict:
    fields = {
        "name_public": index % 2 == 0,
        "is_civilian": cohort.civilian,
        "rank": "" if cohort.civilian else ("Private", "Sergeant", "Lieutenant")[index % 3],
        "unit": "" if cohort.civilian else FICTITIOUS_UNIT,
        "home_region": REGIONS[index % len(REGIONS)],
        "notes": FICTITIOUS_NOTE,
    }
    if cohort.identified:
        fields["dna_reference"] = f"DEMO-DNA-{index + 1:04d}"
    if index % 3 == 0:
        fields["date_of_birth"] = datetime.date(2000, 1, 1) + datetime.timedelta(days=37 * index)
        fields["service_number"] = "" if cohort.civilian else f"DEMO-SN-{index + 1:04d}"
    return fields


def _persons(conflict: Conflict, party: Party, clerk: User) -> list[Person]:
    """Create the fictitious persons; returns those to be confirmed from remains, in order."""
    roster = _roster()
    names = [name for name, _ in roster]
    existing = {
        person.full_name: person
        for person in Person.objects.filter(conflict=conflict, full_name__in=names)
    }
    to_identify = []
    for index, (name, cohort) in enumerate(roster):
        person = existing.get(name)
        if person is None:
            person = _create_person(conflict, party, clerk, name, index, cohort)
        if cohort.identified:
            to_identify.append(person)
    return to_identify


def _create_person(conflict, party, clerk, name, index, cohort) -> Person:
    first, *later = cohort.statuses
    note = "Fictitious demo status."
    person = person_create(
        conflict=conflict,
        party=party,
        full_name=name,
        status=first,
        status_date=STATUS_DATES[first],
        basis=STATUS_BASES[first],
        user=clerk,
        source_note=note,
        **_person_fields(index, cohort),
    )
    for status in later:
        person_change_status(
            person=person,
            status=status,
            effective_date=STATUS_DATES[status],
            basis=STATUS_BASES[status],
            user=clerk,
            source_note=note,
        )
    return person


def _remains_rows(count: int, persons: list[Person]) -> list[dict]:
    """All complete; one confirmed remains per person, the rest unidentified."""
    confirmed = [
        {
            "person": person,
            "condition": RemainsCondition.COMPLETE,
            "identification": Identification.CONFIRMED,
            "method": IdentificationMethod.DNA,
            "identified_on": IDENTIFIED_ON,
            "dna_sample_ref": person.dna_reference,
        }
        for person in persons
    ]
    unidentified = {"condition": RemainsCondition.COMPLETE}
    return confirmed + [dict(unidentified) for _ in range(count - len(confirmed))]


def _handovers(conflict: Conflict, parties: dict, users: dict, to_identify: list) -> None:
    sides = {field: parties[code] for field, code in HANDOVER_SIDES.items()}
    for date, count, identified, citation in HANDOVERS:
        persons, to_identify = to_identify[:identified], to_identify[identified:]
        key = {"from_party": sides["from_party"], "to_party": sides["to_party"]}
        if Handover.objects.filter(
            conflict=conflict, date=date, reported_count=count, **key
        ).exists():
            continue
        handover = handover_create(
            user=users["clerk"],
            remains=_remains_rows(count, persons),
            conflict=conflict,
            kind=HandoverKind.REMAINS,
            date=date,
            reported_count=count,
            citation=citation,
            **sides,
        )
        handover_verify(handover=handover, user=users["verifier"])


class Command(BaseCommand):
    help = "Load the demo data of DESIGN §2 and demo accounts (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (creates demo accounts)."
        )

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(REFUSED)
        with transaction.atomic(), pghistory.context(command="seed_demo"):
            users = _users()
            conflicts, parties, sources = _reference_data()
            _statements(conflicts, parties, sources)
            sept = conflicts["sept-2022"]
            to_identify = _persons(sept, parties["ARM"], users["clerk"])
            _handovers(sept, parties, users, to_identify)
            seed_identification(conflict=sept, party=parties["ARM"], users=users)
        self._print_accounts()

    def _print_accounts(self) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data loaded (persons are fictitious)."))
        write("\nDemo accounts (demo passwords — never use them on a public server):")
        write(f"  {'username':<12}{'password':<24}role")
        for username, password, *_flags, role in DEMO_USERS:
            write(f"  {username:<12}{password:<24}{role}")
        write("\n  Ledgers:       http://127.0.0.1:8000/ledger/")
        write("  Ledger API:    http://127.0.0.1:8000/api/v1/ledger/sept-2022/ARM/")
        write("  Admin:         http://127.0.0.1:8000/admin/")
        write("  Health check:  http://127.0.0.1:8000/healthz\n")
