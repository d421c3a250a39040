"""What a statement series adds to what its sources already stated (DESIGN §3, revisions).

A date a source has not stated becomes a new statement. For a date it has stated (same
``issued_on`` and ``as_of``), each figure of the file is compared with the latest revision of
the same (party, category) in that statement: the same value, qualifier and civilians is
unchanged; another one is a revision (the next ``revision`` number, the old row kept); a
figure the statement lacked is added to it. Found in two queries, whatever the file's size.
"""

from dataclasses import dataclass, field

from casualties.models import Conflict, Figure, Statement

COMPARED = ("value", "civilians", "qualifier")


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
            if old and all(getattr(old, name) == getattr(figure, name) for name in COMPARED):
                continue
            figure.statement_id = statement_id
            if old:
                figure.revision = old.revision + 1
                result.revisions.append((day.issued_on, code, category, old.value, figure.value))
            result.figures.append(figure)
            added += 1
        if not added:
            result.skipped.append(day.issued_on)
    return result
