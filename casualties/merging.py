"""Merging two records of one person: ``person_merge`` is the only way it is done."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, UniqueConstraint
from django.utils.translation import gettext_lazy as _
from pghistory.models import Event

from casualties.models import Person, PersonAlias, PersonMerge, StatusChange
from casualties.search.transliteration import search_key

MERGE_WITH_ITSELF = _("A record cannot be merged with itself.")
MERGE_ACROSS_SCOPE = _("Only records of the same conflict and the same party can be merged.")
MERGE_NEEDS_REASON = _("Write why these two records describe the same person.")
MERGE_GONE = _("This record no longer exists (it may just have been merged).")
MERGE_ALIAS_NOTE = _("Name of merged record #%(id)s")

# Blank on the kept record → taken from the dropped one. Names and status are not: the kept
# record's names stay its own (the dropped ones become aliases) and status is recomputed.
FILLED_FIELDS = ("rank", "unit", "home_region", *Person.RESTRICTED_FIELDS)


def kept_person_id(merged_id, *, public: bool) -> int | None:
    """The id a merged record's id now stands for, or None if it was never merged. For the
    public (``public``) only when both records' names are public (DESIGN §3 Merge): the old id
    of a hidden record is then unknown, as if it never existed."""
    if not str(merged_id).isdigit() or int(merged_id) > 2**63 - 1:
        return None
    merges = PersonMerge.objects.filter(merged_id=int(merged_id))
    if public:
        merges = merges.publicly_redirected()
    return merges.values_list("person_id", flat=True).first()


def person_merge_errors(*, keep: Person, drop: Person, reason: str) -> dict:
    """The field errors a merge of these records would raise (empty when it may go ahead)."""
    errors = {}
    if not reason.strip():
        errors["reason"] = [MERGE_NEEDS_REASON]
    if keep.pk == drop.pk:
        errors["drop"] = [MERGE_WITH_ITSELF]
    elif (keep.conflict_id, keep.party_id) != (drop.conflict_id, drop.party_id):
        errors["drop"] = [MERGE_ACROSS_SCOPE]
    return errors


@transaction.atomic
def person_merge(*, keep: Person, drop: Person, user, reason: str) -> Person:
    """Make ``drop`` part of ``keep`` and delete it; its id then redirects to ``keep``.

    Status history, remains, releases and aliases move to ``keep``; ``drop``'s names become
    aliases, public only when both records' names are (a hidden name never becomes a public
    alias, and ``drop``'s aliases are hidden with it); ``keep``'s blank fields are filled from
    ``drop``; ``keep``'s current status is recomputed from the merged history. The audit
    trail names ``user`` for every row changed.
    """
    keep, drop = _lock_pair(keep=keep, drop=drop, reason=reason)
    with pghistory.context(user=getattr(user, "pk", None), merged_person=drop.pk):
        if not drop.name_public:
            drop.aliases.filter(public=True).update(public=False)
        _move_records(keep=keep, drop=drop)
        _add_names_as_aliases(keep=keep, drop=drop, user=user)
        _fill_blanks(keep=keep, drop=drop)
        _recompute_status(keep)
        keep.save()
        PersonMerge.objects.create(
            merged_id=drop.pk,
            person=keep,
            merged_name=drop.full_name,
            merged_name_public=drop.name_public,
            reason=reason.strip(),
            merged_by=user,
        )
        drop.delete()
    return keep


def _lock_pair(*, keep: Person, drop: Person, reason: str) -> tuple[Person, Person]:
    """Both rows, fresh and locked, once the merge is known to be allowed."""
    errors = person_merge_errors(keep=keep, drop=drop, reason=reason)
    if errors:
        raise ValidationError(errors)
    # Locked in id order, so two merges of overlapping pairs queue instead of deadlocking;
    # the checks run again on the locked rows, which may have changed meanwhile.
    locked = Person.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk]).order_by("pk")
    found = {person.pk: person for person in locked}
    for field, person in (("keep", keep), ("drop", drop)):
        if person.pk not in found:
            raise ValidationError({field: [MERGE_GONE]})
    keep, drop = found[keep.pk], found[drop.pk]
    errors = person_merge_errors(keep=keep, drop=drop, reason=reason)
    if errors:
        raise ValidationError(errors)
    return keep, drop


def _move_records(*, keep: Person, drop: Person) -> None:
    """Re-point every row that refers to ``drop`` at ``keep``, whichever app the row is in
    (status history, aliases, merges, and the remains and releases of repatriation): found
    through the relations Person knows of, so this app needs no import of the apps above it.
    The audit trail's events are history and stay as they were."""
    for relation in _rows_referring_to_person():
        model, name = relation.related_model, relation.field.name
        # A row the kept record already has its twin of (the same alias, the same release)
        # would break a unique constraint: the dropped record's copy goes.
        for others in _unique_partners(model, name):
            twin = model.objects.filter(**{name: keep}, **{f: OuterRef(f) for f in others})
            model.objects.filter(Exists(twin), **{name: drop}).delete()
        model.objects.filter(**{name: drop}).update(**{name: keep})


def _rows_referring_to_person():
    """The foreign keys to Person, hidden ones (``related_name="+"``) included; not the
    many-to-many relations, which move through their own table's foreign key, nor the audit
    trail's events."""
    return [
        field
        for field in Person._meta.get_fields(include_hidden=True)
        if field.one_to_many and not issubclass(field.related_model, Event)
    ]


def _unique_partners(model, name: str) -> list[list[str]]:
    """For each unconditional unique constraint of ``model`` on ``name`` and other fields,
    those other fields."""
    return [
        [field for field in constraint.fields if field != name]
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
        and constraint.condition is None
        and name in constraint.fields
    ]


def _add_names_as_aliases(*, keep: Person, drop: Person, user) -> None:
    """Each of ``drop``'s spellings that ``keep`` is not already found by becomes an alias,
    public only when both names are: staff search finds a hidden one, the public's does not."""
    known = set(keep.aliases.values_list("search_key", flat=True))
    known |= {search_key(keep.full_name), search_key(keep.name_latin)}
    public = keep.name_public and drop.name_public
    for name in (drop.full_name, drop.name_latin):
        alias = PersonAlias(
            person=keep,
            name=name,
            note=MERGE_ALIAS_NOTE % {"id": drop.pk},
            public=public,
            created_by=user,
        )
        alias.refresh_search_key()
        if alias.search_key and alias.search_key not in known:
            alias.save()
            known.add(alias.search_key)


def _fill_blanks(*, keep: Person, drop: Person) -> None:
    for field in FILLED_FIELDS:
        if getattr(keep, field) in ("", None) and getattr(drop, field) not in ("", None):
            setattr(keep, field, getattr(drop, field))


def _recompute_status(keep: Person) -> None:
    latest = (
        StatusChange.objects.filter(person=keep)
        .order_by("-effective_date", "-recorded_at", "-id")
        .only("status", "effective_date")
        .first()
    )
    if latest is not None:
        keep.status, keep.status_date = latest.status, latest.effective_date
