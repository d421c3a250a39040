"""Remains: numbering and checking a batch's rows, and what a verified handover records on
persons (deaths, releases)."""

import copy
import datetime
import re

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.choices import STATUS_MOVES, PersonStatus, StatusBasis
from casualties.models import Person
from casualties.plausible import date_problem
from casualties.services import person_change_status
from core.rows import row_errors
from repatriation.choices import Identification, IdentificationMethod
from repatriation.models import Handover, Remains
from repatriation.models.remains import CASE_IN_SERIES, CASE_SEQUENCE_DIGITS, CASE_SERIES

ROWS = "remains"
DUPLICATE_CASE_NUMBER = _("Case number %(case)s appears more than once in this batch.")
CASE_NUMBER_TAKEN = _("Case number %(case)s is already used by other remains.")
WRONG_PARTY = _("%(person)s belongs to %(party)s, but these remains were handed to %(to)s.")

CASE_SEQUENCE_WIDTH = 3
TOO_MANY_REMAINS = _(
    "A handover lists at most %(max)s remains; enter the rest as another handover."
)


def check_row_count(rows: list) -> None:
    """Refuse a list longer than ``MAX_REMAINS_PER_HANDOVER`` before checking any row."""
    cap = settings.MAX_REMAINS_PER_HANDOVER
    if len(rows) > cap:
        raise ValidationError({ROWS: [str(TOO_MANY_REMAINS % {"max": cap})]})


def _next_case_sequence(date: datetime.date, given: list[str]) -> int:
    """The next free sequence for case numbers ``<date>/<seq>``, under a per-date lock.

    Numbers typed into the same batch count as used, so an auto-assigned one never collides.
    Only numbers within the series' digits count (a constraint keeps longer ones out), so the
    cast cannot overflow, whatever a row holds.
    """
    prefix = f"{date.isoformat()}/"
    pattern = rf"^{re.escape(prefix)}[0-9]{{1,{CASE_SEQUENCE_DIGITS}}}$"
    with connection.cursor() as cursor:
        # Two batches of the same date entered at once must not draw the same numbers.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"case-number:{prefix}"])
        cursor.execute(
            "SELECT COALESCE(MAX(split_part(case_number, '/', 2)::bigint), 0) "
            "FROM repatriation_remains WHERE case_number ~ %s",
            [pattern],
        )
        used = cursor.fetchone()[0]
    typed = [int(case.rsplit("/", 1)[1]) for case in given if re.match(pattern, case)]
    return max([used, *typed]) + 1


def _rule_messages() -> dict[str, str]:
    return {c.name: c.violation_error_message for c in Remains._meta.constraints}


# The table's check constraints, checked in Python for the whole batch (``full_clean`` would
# ask the database once per constraint and row): name → (field the error goes on, or None for
# the row as a whole as ``full_clean`` puts it; the fields it reads; the rule).
ROW_RULES = {
    "remains_confirmed_has_person": (
        None,
        ("identification", "person"),
        lambda r: r.identification != Identification.CONFIRMED or r.person_id is not None,
    ),
    "remains_unidentified_has_no_person": (
        None,
        ("identification", "person"),
        lambda r: r.identification != Identification.UNIDENTIFIED or r.person_id is None,
    ),
    "remains_confirmed_has_date": (
        None,
        ("identification", "identified_on"),
        lambda r: r.identification != Identification.CONFIRMED or r.identified_on is not None,
    ),
    "remains_case_number_in_series": (
        "case_number",
        ("case_number",),
        lambda r: (
            not re.match(CASE_SERIES, r.case_number) or re.match(CASE_IN_SERIES, r.case_number)
        ),
    ),
}


def row_problems(remains: Remains, *, today: datetime.date) -> dict[str, list]:
    """One row's errors as ``full_clean`` would give them, with no query: its fields, the
    table's check constraints (``ROW_RULES``) and a plausible ``identified_on``."""
    found: dict[str, list] = {}
    try:
        # The person is checked where it was looked up (the form, the serializer, the admin).
        remains.clean_fields(exclude=["handover", "person"])
    except ValidationError as exc:
        found.update(exc.message_dict)
    messages = _rule_messages()
    for name, (field, reads, holds) in ROW_RULES.items():
        if not any(read in found for read in reads) and not holds(remains):
            found.setdefault(field or NON_FIELD_ERRORS, []).append(str(messages[name]))
    problem = "identified_on" not in found and date_problem(remains.identified_on, today=today)
    if problem:
        found["identified_on"] = [str(problem)]
    return found


ROW_FIELDS = (
    "case_number",
    "condition",
    "identification",
    "person_id",
    "method",
    "identified_on",
    "dna_sample_ref",
    "notes",
)
UNKNOWN_ROW = _("Remains #%(id)s are not logged in this handover.")


def row_values(remains: Remains) -> tuple:
    """What a row holds, to tell whether a revision changed it."""
    return tuple(getattr(remains, name) for name in ROW_FIELDS)


def _row_instance(handover, row: dict, current: dict[int, Remains]) -> tuple[Remains, list]:
    """The row as a Remains: a copy of the one it names by ``id`` with what it gives set on
    it, or a new one; and the error when it names a row this handover does not have."""
    row = dict(row)
    pk = row.pop("id", None)
    if pk is None:
        return Remains(handover=handover, **row), []
    if pk not in current:
        return Remains(handover=handover, **row), [str(UNKNOWN_ROW % {"id": pk})]
    remains = copy.copy(current[pk])
    for name, value in row.items():
        setattr(remains, name, value)
    return remains, []


def build_remains(
    handover: Handover, rows: list[dict], *, current: dict[int, Remains] | None = None
) -> list[Remains]:
    """Validate every row, collecting all errors so each shows beside its row and field
    (keyed ``remains[3].case_number``, see ``core.rows``).

    A row with an ``id`` changes that one of ``current`` (the handover's rows, unchanged);
    their case numbers do not count as taken by others.
    """
    check_row_count(rows)
    current, today = current or {}, timezone.localdate()
    errors: dict[str, list] = {}
    instances = [_row_instance(handover, row, current) for row in rows]
    given = [(remains.case_number or "").strip() for remains, _unknown in instances]
    taken = set(
        Remains.objects.filter(case_number__in=[c for c in given if c])
        .exclude(pk__in=list(current))
        .values_list("case_number", flat=True)
    )
    seen: set[str] = set()
    next_seq = _next_case_sequence(handover.date, given) if not all(given) else None
    built = []
    for index, (remains, unknown) in enumerate(instances):
        found: dict[str, list] = {}
        if unknown:
            found["id"] = unknown
        remains.case_number = case = given[index]
        if case in taken:
            found["case_number"] = [str(CASE_NUMBER_TAKEN % {"case": case})]
        elif case in seen:
            found["case_number"] = [str(DUPLICATE_CASE_NUMBER % {"case": case})]
        elif case:
            seen.add(case)
        else:
            remains.case_number = f"{handover.date.isoformat()}/{next_seq:0{CASE_SEQUENCE_WIDTH}d}"
            next_seq += 1
        # Uniqueness was checked above for the whole batch in one query.
        for field, messages in row_problems(remains, today=today).items():
            found.setdefault(field, []).extend(messages)
        party_error = remains.person and wrong_party_message(remains.person, handover.to_party)
        if party_error:
            found.setdefault("person", []).append(str(party_error))
        errors.update(row_errors(ROWS, index, found))
        built.append(remains)
    if errors:
        raise ValidationError(errors)
    return built


def wrong_party_message(person: Person, to_party) -> str | None:
    """Why ``person``'s remains cannot be logged in a handover to ``to_party``, or None."""
    if person.party_id == to_party.pk:
        return None
    return WRONG_PARTY % {"person": person, "party": person.party.code, "to": to_party.code}


def record_effects(*, handover: Handover, user) -> None:
    """What a verified handover says about persons, recorded when it is verified (or
    corrected), never while a draft: confirmed remains make their person ``killed``, and a
    prisoners handover makes the persons it lists ``released``."""
    confirmed = handover.remains.filter(identification=Identification.CONFIRMED)
    for remains in confirmed.select_related("person").order_by("identified_on", "id"):
        record_death(remains=remains, user=user)
    for person in handover.released_persons.order_by("id"):
        record_release(person=person, handover=handover, user=user)


def record_release(*, person: Person, handover: Handover, user) -> None:
    """A person listed in a verified prisoners handover is ``released`` on its date, where
    the lifecycle allows it (else the ledger shows the contradiction)."""
    person.refresh_from_db(fields=["status", "status_date"])
    if PersonStatus.RELEASED not in STATUS_MOVES[person.status]:
        return
    person_change_status(
        person=person,
        status=PersonStatus.RELEASED,
        effective_date=max(handover.date, person.status_date),
        user=user,
        source_note=_("Released in the handover of %(date)s.") % {"date": handover.date},
    )


def record_death(*, remains: Remains, user) -> None:
    """Confirmed remains make their person ``killed``, dated the identification.

    Only where the lifecycle allows it: a person recorded as released or found alive keeps
    that status, and the ledger reports the contradiction instead of the code hiding it.
    """
    person = remains.person
    person.refresh_from_db(fields=["status", "status_date"])
    if PersonStatus.KILLED not in STATUS_MOVES[person.status]:
        return
    person_change_status(
        person=person,
        status=PersonStatus.KILLED,
        effective_date=max(remains.identified_on, person.status_date),
        user=user,
        # A death named by DNA rests on it (DESIGN §3's basis); other methods have no basis
        # of their own in the list.
        basis=StatusBasis.DNA if remains.method == IdentificationMethod.DNA else StatusBasis.OTHER,
        source_note=_("Remains %(case)s confirmed (%(method)s) on %(date)s.")
        % {
            "case": remains.case_number,
            "method": remains.get_method_display() or _("method not given"),
            "date": remains.identified_on.isoformat(),
        },
    )
