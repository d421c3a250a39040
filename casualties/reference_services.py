"""Writes of what the evidence refers to: conflicts, parties and sources (DESIGN §3), set up by
coordinators (DESIGN §5). The staff pages and the API both call these, so a rule exists once.

(Their own module because ``services`` is at the size a module may reach.)
"""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from casualties.models import Conflict, Party, Source
from casualties.plausible import check_dates

CONFLICT_FIELDS = ("slug", "name", "name_hy", "name_ru", "start_date", "end_date", "description")
PARTY_FIELDS = ("code", "name", "name_hy", "name_ru", "kind")
SOURCE_FIELDS = ("name", "name_hy", "name_ru", "party", "kind")

NOT_EDITABLE = _("This field cannot be changed here.")
# Codes name a party in URLs, CSV columns and imports (``--party ARM``): short capitals only.
PARTY_CODE = re.compile(r"[A-Z][A-Z0-9-]{0,15}", re.ASCII)
BAD_PARTY_CODE = _(
    "Enter a code of capital Latin letters, digits and hyphens, starting with a letter "
    "(e.g. ARM, ICRC)."
)


def _save(instance: models.Model, data: dict, editable: tuple[str, ...]) -> models.Model:
    """Set ``data`` on ``instance``, check it by the model's own rules (constraints and
    uniqueness included, so a taken slug is a message on ``slug``, not a refused INSERT),
    and save it."""
    unknown = set(data) - set(editable)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), NOT_EDITABLE))
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


def _check_conflict(data: dict) -> None:
    check_dates({field: data.get(field) for field in ("start_date", "end_date")})


def _check_party(data: dict, *, current: str | None = None) -> None:
    # A code kept as it is passes: older codes may predate the rule.
    code = data.get("code")
    if code is not None and code != current and not PARTY_CODE.fullmatch(code):
        raise ValidationError({"code": BAD_PARTY_CODE})


@transaction.atomic
def conflict_create(**fields) -> Conflict:
    """Record a conflict; its dates not in the future, its end not before its start."""
    _check_conflict(fields)
    return _save(Conflict(), fields, CONFLICT_FIELDS)


@transaction.atomic
def conflict_update(*, conflict: Conflict, data: dict) -> Conflict:
    """Change a conflict's fields (its slug too: the records name it by key, not by slug)."""
    _check_conflict(data)
    # The row as it now stands, locked: a concurrent edit of other fields is kept.
    locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
    return _save(locked, data, CONFLICT_FIELDS)


@transaction.atomic
def party_create(**fields) -> Party:
    _check_party(fields)
    return _save(Party(), fields, PARTY_FIELDS)


@transaction.atomic
def party_update(*, party: Party, data: dict) -> Party:
    locked = Party.objects.select_for_update().get(pk=party.pk)
    _check_party(data, current=locked.code)
    return _save(locked, data, PARTY_FIELDS)


@transaction.atomic
def source_create(**fields) -> Source:
    return _save(Source(), fields, SOURCE_FIELDS)


@transaction.atomic
def source_update(*, source: Source, data: dict) -> Source:
    locked = Source.objects.select_for_update().get(pk=source.pk)
    return _save(locked, data, SOURCE_FIELDS)
