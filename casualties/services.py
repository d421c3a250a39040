"""Every write to casualties records. Forms, the admin and the API call these."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.choices import STATUS_MOVES, PersonStatus, StatusBasis
from casualties.importing import revisions
from casualties.models import Conflict, Figure, Party, Person, Statement, StatusChange
from casualties.plausible import check_dates, check_statement_dates, date_problem, earliest
from casualties.search.transliteration import to_latin
from core.rows import row_errors

FORBIDDEN_MOVE = _(
    "A person cannot go from “%(current)s” to “%(new)s”. If the earlier record was wrong, "
    "record this as a correction and give the reason."
)
SAME_STATUS = _("The person's status is already “%(current)s”.")
DATED_BEFORE_CURRENT = _(
    "A status change cannot be dated before the person's current status (%(date)s)."
)
DATED_IN_FUTURE = _("A status change cannot be dated in the future.")
UNKNOWN_STATUS = _("“%(value)s” is not a known status.")
TOO_MANY_FIGURES = _("A statement holds at most %(max)s figures; enter the rest as another.")

PERSON_EDITABLE_FIELDS = ("conflict", "party", "external_id", "full_name", "name_latin",
    "name_public", "is_civilian", "rank", "unit", "home_region",
    *Person.RESTRICTED_FIELDS)  # fmt: skip


def _status_label(value: str) -> str:
    return str(PersonStatus(value).label)


def status_date_error(effective_date: datetime.date, *, not_before=None, conflict=None):
    """The message for a status date that breaks the rules, or None. Forms reuse it."""
    if effective_date > timezone.localdate():
        return DATED_IN_FUTURE
    if not_before is not None and effective_date < not_before:
        return DATED_BEFORE_CURRENT % {"date": not_before.isoformat()}
    return date_problem(effective_date, today=timezone.localdate(), not_before=earliest(conflict))


def _check_date(effective_date, *, not_before=None, conflict=None, field="effective_date"):
    error = status_date_error(effective_date, not_before=not_before, conflict=conflict)
    if error:
        raise ValidationError({field: error})


@transaction.atomic
def person_create(
    *,
    conflict: Conflict,
    party: Party,
    full_name: str,
    status: str,
    status_date: datetime.date,
    user=None,
    source_note: str = "",
    basis: str = StatusBasis.OTHER,
    **fields,
) -> Person:
    """Register a person with an initial status, recorded as their first StatusChange."""
    if status not in PersonStatus.values:
        raise ValidationError({"status": UNKNOWN_STATUS % {"value": status}})
    _check_date(status_date, conflict=conflict, field="status_date")
    check_dates({"date_of_birth": fields.get("date_of_birth")}, births=["date_of_birth"])
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"person_create() got unexpected fields: {sorted(unknown)}")
    person = Person(
        conflict=conflict,
        party=party,
        full_name=full_name,
        status=status,
        status_date=status_date,
        **fields,
    )
    if not person.name_latin:
        person.name_latin = to_latin(person.full_name)
    person.refresh_search_key()
    person.full_clean()
    person.save()
    StatusChange.objects.create(
        person=person,
        status=status,
        effective_date=status_date,
        basis=basis,
        source_note=source_note,
        recorded_by=user,
    )
    return person


@transaction.atomic
def person_update(*, person: Person, data: dict) -> Person:
    """Change a person's descriptive fields. Status goes through ``person_change_status``."""
    unknown = set(data) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    # Lock, and change the row as it now stands rather than ``person`` as it was read: a
    # status change or another clerk's edit may have committed since, and saving the stale
    # copy would undo it (the current status would no longer match the last change).
    locked = Person.objects.select_for_update().get(pk=person.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    if not locked.name_latin:
        locked.name_latin = to_latin(locked.full_name)
    locked.refresh_search_key()
    check_dates({"date_of_birth": locked.date_of_birth}, births=["date_of_birth"])
    locked.full_clean()
    locked.save()
    return locked


def status_move_error(*, current: str, new: str, reason: str = "") -> ValidationError | None:
    """The error a move from ``current`` to ``new`` would raise, or None if it is allowed."""
    if new not in PersonStatus.values:
        return ValidationError({"status": UNKNOWN_STATUS % {"value": new}})
    if new == current:
        return ValidationError({"status": SAME_STATUS % {"current": _status_label(current)}})
    if new not in STATUS_MOVES[current] and not reason.strip():
        labels = {"current": _status_label(current), "new": _status_label(new)}
        return ValidationError({"status": FORBIDDEN_MOVE % labels})
    return None


@transaction.atomic
def person_change_status(
    *,
    person: Person,
    status: str,
    effective_date: datetime.date,
    user=None,
    source_note: str = "",
    reason: str = "",
    basis: str = StatusBasis.OTHER,
) -> StatusChange:
    """Record a dated status change and make it the person's current status.

    The lifecycle of DESIGN §3 applies; any other move is a correction, allowed only with a
    written reason and flagged as such in the history.
    """
    # Lock the person: concurrent changes queue here, so none is lost and the current
    # status always equals the last recorded change.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    error = status_move_error(current=locked.status, new=status, reason=reason)
    if error:
        raise error
    _check_date(effective_date, not_before=locked.status_date, conflict=locked.conflict)
    change = StatusChange(
        person=locked,
        status=status,
        effective_date=effective_date,
        basis=basis or StatusBasis.OTHER,
        source_note=source_note,
        is_correction=status not in STATUS_MOVES[locked.status],
        reason=reason.strip(),
        recorded_by=user,
    )
    change.full_clean()
    change.save()
    locked.status, locked.status_date = status, effective_date
    locked.save(update_fields=["status", "status_date", "updated_at"])
    person.status, person.status_date = status, effective_date
    return change


STATEMENT_EDITABLE_FIELDS = (
    "conflict",
    "source",
    "issued_on",
    "as_of",
    "citation_title",
    "citation_url",
    "note",
)


def check_figure_count(figures: list) -> None:
    """Refuse a list longer than ``MAX_FIGURES_PER_STATEMENT`` before checking any figure."""
    if len(figures) > (cap := settings.MAX_FIGURES_PER_STATEMENT):
        raise ValidationError({"figures": [str(TOO_MANY_FIGURES % {"max": cap})]})


def _save_figures(statement: Statement, figures: Iterable[dict]) -> None:
    """Validate and save each figure; errors are keyed by position and field
    (``figures[1].value``, ``figures[1]`` for the figure as a whole; see ``core.rows``)."""
    figures, errors = list(figures), {}
    check_figure_count(figures)
    for index, figure_fields in enumerate(figures):
        figure = Figure(statement=statement, **figure_fields)
        try:
            figure.full_clean()
        except ValidationError as exc:
            errors.update(row_errors("figures", index, exc.message_dict))
            continue
        figure.save()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def statement_create(*, figures: Iterable[dict], **fields) -> Statement:
    """Record a statement and its figures; any invalid figure saves nothing."""
    statement = Statement(**fields)
    check_statement_dates(statement)
    statement.full_clean()
    statement.save()
    _save_figures(statement, figures)
    return statement


@transaction.atomic
def statement_update(
    *, statement: Statement, data: dict, figures: Iterable[dict] | None = None
) -> Statement:
    """Change a statement's fields; a ``figures`` list, when given, becomes its figures: a
    changed one as a new revision (``importing.revisions.figures_restate``).

    Any invalid field or figure saves nothing.
    """
    unknown = set(data) - set(STATEMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {field: _("This field cannot be changed here.") for field in sorted(unknown)}
        )
    # Lock the row: two editors replacing the figures at once queue here instead of colliding
    # on the unique (statement, party, category) constraint. The fields are set on the row as
    # it now stands, so an edit of other fields committed meanwhile is kept, not undone.
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    check_statement_dates(locked)
    locked.full_clean()
    locked.save()
    if figures is not None:
        figures = list(figures)
        check_figure_count(figures)
        # A changed value is a revision, the old row kept: the import's rule, in one place.
        revisions.figures_restate(statement=locked, figures=figures)
    return locked
