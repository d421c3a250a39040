from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartyKind(models.TextChoices):
    # "State" also heads the handovers' workflow state: a context keeps them apart.
    STATE = "state", pgettext_lazy("party kind", "State")
    ARMED_GROUP = "armed_group", _("Armed group")
    MEDIATOR = "mediator", _("Mediator")
    OTHER = "other", _("Other")


class SourceKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MILITARY = "military", _("Military")
    NGO = "ngo", _("NGO")
    MEDIA = "media", _("Media")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")


class FigureCategory(models.TextChoices):
    KILLED = "killed", _("Killed")
    MISSING = "missing", _("Missing")
    KILLED_OR_MISSING = "killed_or_missing", _("Killed or missing")
    INJURED = "injured", _("Injured")
    CAPTURED = "captured", _("Captured")
    RELEASED = "released", _("Released")
    REMAINS_RETURNED = "remains_returned", _("Remains returned")
    REMAINS_IDENTIFIED = "remains_identified", _("Remains identified")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("Exact")
    AT_LEAST = "at_least", _("At least")
    APPROXIMATELY = "approximately", _("Approximately")


class PersonStatus(models.TextChoices):
    # One person's status, not a category of many (FigureCategory): in Russian and
    # Armenian the words differ, so these carry a translation context.
    INJURED = "injured", pgettext_lazy("person status", "Injured")
    MISSING = "missing", pgettext_lazy("person status", "Missing")
    CAPTURED = "captured", pgettext_lazy("person status", "Captured")
    KILLED = "killed", pgettext_lazy("person status", "Killed")
    RELEASED = "released", pgettext_lazy("person status", "Released")
    FOUND_ALIVE = "found_alive", pgettext_lazy("person status", "Found alive")


class StatusBasis(models.TextChoices):
    """What a status change rests on (DESIGN §3); rows recorded before it was kept are "other"."""

    DNA = "dna", _("DNA identification")
    OFFICIAL_NOTICE = "official_notice", _("Official notice")
    COURT_DECLARATION = "court_declaration", _("Court declaration")
    FAMILY_REPORT = "family_report", _("Family report")
    MEDIA_REPORT = "media_report", _("Media report")
    EXCHANGE = "exchange", _("Exchange")
    RESCUE = "rescue", _("Rescue")
    OTHER = "other", _("Other")


# The lifecycle of DESIGN §3: the moves a status may make without a written correction.
STATUS_MOVES: dict[str, frozenset[str]] = {
    PersonStatus.INJURED: frozenset({PersonStatus.KILLED}),
    PersonStatus.MISSING: frozenset(
        {PersonStatus.KILLED, PersonStatus.CAPTURED, PersonStatus.FOUND_ALIVE}
    ),
    PersonStatus.CAPTURED: frozenset({PersonStatus.RELEASED, PersonStatus.KILLED}),
    PersonStatus.KILLED: frozenset(),
    PersonStatus.RELEASED: frozenset(),
    PersonStatus.FOUND_ALIVE: frozenset(),
}

# Statuses that say the person is alive now: remains confirmed as theirs are a contradiction.
ALIVE_STATUSES = frozenset({PersonStatus.CAPTURED, PersonStatus.RELEASED, PersonStatus.FOUND_ALIVE})
