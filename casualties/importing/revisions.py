"""What a statement series adds to what its sources already stated (DESIGN §3, revisions).

A date a source has not stated becomes a new statement. For a date it has stated (same
``issued_on`` and ``as_of``), each figure of the file is compared with the latest revision of
the same (party, category) in that statement: the same value, qualifier and civilians is
unchanged; another one is a revision (the next ``revision`` number, the old row kept); a
figure the statement lacked is added to it. Found in two queries, whatever the file's size.

``figures_restate`` applies the same rule (``revision_of``) to a statement edited through the
API or the staff form, so an import, a PATCH and the page record a changed value alike.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from casualties.models import Conflict, Figure, Statement
from core.rows import row_errors

COMPARED = ("value", "civilians", "qualifier")
LISTED_TWICE = _("This statement already has a figure of this category for this party.")


def latest_with_earlier(rows) -> list[Figure]:
    """The latest revision of each (party, category) among a statement's figure rows, in the
    order first met, each with ``earlier``: its earlier revisions, oldest first. Groups rows
    already fetched, so a page or an API list adds no query per statement."""
    groups: dict[tuple, list[Figure]] = {}
    for row in rows:
        groups.setdefault((row.subject_party_id, row.category), []).append(row)
    latest = []
    for group in groups.values():
        group.sort(key=lambda row: row.revision)
        group[-1].earlier = group[:-1]
        latest.append(group[-1])
    return latest


def revision_of(old: Figure | None, new: Figure) -> int | None:
    """The revision ``new`` is recorded as, after ``old`` (the latest revision of the same
    statement, party and category, if any): None when it restates ``old`` unchanged."""
    if old is None:
        return 0
    if all(getattr(old, name) == getattr(new, name) for name in COMPARED):
        return None
    return old.revision + 1


@dataclass
class Plan:
    """``new_days``: dates to state as new statements; ``figures``: rows to add to statements
    already stated (revisions among them); ``revisions``: (issued_on, party code, category,
    old value, new value); ``skipped``: dates already stated that the file leaves as they are."""

    new_days: list = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    revisions: list[tuple] = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _stated(days: dict, conflict: Conflict) -> dict[tuple, int]:
    """(source id, issued_on, as_of) → the latest statement of it, for the file's sources."""
    sources = {source_id for source_id, _, _ in days}
    rows = Statement.objects.filter(conflict=conflict, source_id__in=sources).values_list(
        "source_id", "issued_on", "as_of", "pk"
    )
    stated: dict[tuple, int] = {}
    for source_id, issued_on, as_of, pk in rows:
        key = (source_id, issued_on, as_of)
        stated[key] = max(pk, stated.get(key, pk))
    return stated


def _latest_figures(statement_ids) -> dict[tuple, Figure]:
    """(statement id, party id, category) → that figure's latest revision."""
    latest = (
        Figure.objects.filter(statement_id__in=statement_ids)
        .order_by("statement_id", "subject_party_id", "category", "-revision")
        .distinct("statement_id", "subject_party_id", "category")
    )
    return {(f.statement_id, f.subject_party_id, f.category): f for f in latest}


def plan(days: dict, *, conflict: Conflict) -> Plan:
    """Sort the file's days (keyed ``(source id, issued_on, as_of)``, each with ``figures``
    by (party code, category)) into new statements, added figures and revisions."""
    stated = _stated(days, conflict)
    latest = _latest_figures({stated[key] for key in days if key in stated})
    result = Plan()
    for key, day in sorted(days.items(), key=lambda item: item[0][1:] + item[0][:1]):
        statement_id = stated.get(key)
        if statement_id is None:
            result.new_days.append(day)
            continue
        added = 0
        for (code, category), figure in day.figures.items():
            old = latest.get((statement_id, figure.subject_party.pk, category))
            revision = revision_of(old, figure)
            if revision is None:
                continue
            figure.statement_id, figure.revision = statement_id, revision
            if old:
                result.revisions.append((day.issued_on, code, category, old.value, figure.value))
            result.figures.append(figure)
            added += 1
        if not added:
            result.skipped.append(day.issued_on)
    return result


def _checked(statement: Statement, figures: list[dict], latest: dict) -> list[tuple]:
    """(new figure, the revision it follows or None) for each figure that records something;
    ``ValidationError`` keyed ``figures[i].field`` for the bad ones, before anything is saved."""
    listed, errors, changed = set(), {}, []
    for index, values in enumerate(figures):
        figure = Figure(statement=statement, **values)
        key = (figure.subject_party_id, figure.category)
        if key in listed:
            errors.update(row_errors("figures", index, {NON_FIELD_ERRORS: [LISTED_TWICE]}))
            continue
        listed.add(key)
        figure.revision = revision_of(latest.get(key), figure)
        if figure.revision is None:
            continue
        try:
            figure.full_clean()
        except ValidationError as exc:
            errors.update(row_errors("figures", index, exc.message_dict))
            continue
        changed.append((figure, latest.get(key)))
    if errors:
        raise ValidationError(errors)
    return changed


def figures_restate(*, statement: Statement, figures: list[dict]) -> list[tuple]:
    """Bring a statement's figures to ``figures`` (DESIGN §3, revisions): a (party, category)
    given with its latest value, civilians and qualifier records nothing; with another, a new
    revision, the earlier rows kept; one the statement lacked is added; one left out is
    removed with its revisions, as a figure entered by mistake. Returns the revisions as
    (party code, category, old value, new value). The caller holds the statement's lock."""
    rows = list(Figure.objects.filter(statement=statement).order_by("revision"))
    latest = {(row.subject_party_id, row.category): row for row in rows}
    changed = _checked(statement, figures, latest)
    kept = {(f["subject_party"].pk, f["category"]) for f in figures}
    gone = [row.pk for row in rows if (row.subject_party_id, row.category) not in kept]
    Figure.objects.filter(pk__in=gone).delete()
    for figure, _old in changed:
        figure.save()
    return [
        (figure.subject_party.code, figure.category, old.value, figure.value)
        for figure, old in changed
        if old is not None
    ]
