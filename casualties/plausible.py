"""Plausible dates (DESIGN §3): the one rule the services apply to every date a person, a
status change, a statement or a handover carries, so the API, the pages, the admin and the
imports refuse the same dates with the same words, each naming its field.

Nothing is dated in the future; what happened in a conflict (a handover, a status change, the
date a statement's figures describe) is not dated before the conflict began, give or take
``DATE_MARGIN_DAYS`` (fighting, and the first reports, may precede the recorded start); no one
alive or missing was born before ``BIRTHS_FROM``.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BIRTHS_FROM = datetime.date(1900, 1, 1)

IN_FUTURE = _("This date is in the future.")
BEFORE_CONFLICT = _(
    "This date is before the conflict began (%(start)s); at most %(days)s days earlier are "
    "accepted."
)
BORN_TOO_EARLY = _("A date of birth must be from %(year)s on.")


def earliest(conflict) -> datetime.date | None:
    """The earliest date an event of ``conflict`` may carry, or None when it has no start."""
    start = getattr(conflict, "start_date", None)
    if start is None:
        return None
    return start - datetime.timedelta(days=settings.DATE_MARGIN_DAYS)


def date_problem(
    value, *, today: datetime.date, not_before: datetime.date | None = None, birth=False
):
    """What is implausible about one date, or None. ``not_before`` is ``earliest(conflict)``
    for a date the conflict bounds."""
    if not isinstance(value, datetime.date):
        return None
    if value > today:
        return IN_FUTURE
    if birth and value < BIRTHS_FROM:
        return BORN_TOO_EARLY % {"year": BIRTHS_FROM.year}
    if not_before is not None and value < not_before:
        start = not_before + datetime.timedelta(days=settings.DATE_MARGIN_DAYS)
        return BEFORE_CONFLICT % {"start": start.isoformat(), "days": settings.DATE_MARGIN_DAYS}
    return None


def date_errors(
    values: Mapping[str, object],
    *,
    conflict=None,
    in_conflict: Iterable[str] = (),
    births: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Each implausible date of ``values`` (field → date), as field → [message]: every date
    must not be in the future; those named in ``in_conflict`` not before ``conflict`` began;
    those in ``births`` not before 1900."""
    today, bound = timezone.localdate(), earliest(conflict)
    in_conflict, births = set(in_conflict), set(births)
    errors = {}
    for field, value in values.items():
        problem = date_problem(
            value,
            today=today,
            not_before=bound if field in in_conflict else None,
            birth=field in births,
        )
        if problem:
            errors[field] = [str(problem)]
    return errors


def check_dates(values: Mapping[str, object], **rules) -> None:
    """Raise a ValidationError naming each implausible date of ``values`` (see
    ``date_errors``)."""
    errors = date_errors(values, **rules)
    if errors:
        raise ValidationError(errors)


def check_statement_dates(statement) -> None:
    """A statement's ``issued_on`` and ``as_of`` are not in the future, nor ``as_of`` before
    its conflict began."""
    conflict = statement.conflict if statement.conflict_id else None
    dates = {"issued_on": statement.issued_on, "as_of": statement.as_of}
    check_dates(dates, conflict=conflict, in_conflict=["as_of"])
