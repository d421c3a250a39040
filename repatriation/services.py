"""All writes to handovers and remains. Forms, the admin and the API call these."""

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casualties.choices import STATUS_MOVES, PersonStatus
from casualties.models import Person
from casualties.services import person_change_status
from repatriation.choices import HandoverKind, HandoverState, Identification
from repatriation.models import Agreement, Handover, ReleasedPerson, Remains

OWN_DRAFT = _("You entered this handover; someone else must verify it.")
ALREADY_VERIFIED = _("This handover has already been verified by %(user)s.")
NO_VERIFY_PERMISSION = _("Only a verifier may verify handovers.")
REVIEW_COMMENT_NEEDED = _("Say what needs correcting before sending the draft back.")
DUPLICATE_CASE_NUMBER = _("Case number %(case)s appears more than once in this batch.")
CASE_NUMBER_TAKEN = _("Case number %(case)s is already used by other remains.")
WRONG_PARTY = _("%(person)s belongs to %(party)s, but these remains were handed to %(to)s.")
AGREEMENT_MISMATCH = _("This agreement is not between these two parties in this conflict.")
PRISONERS_HAVE_NO_REMAINS = _("A prisoners handover lists persons released, not remains.")
REMAINS_HAVE_NO_PRISONERS = _("A remains handover cannot list persons released alive.")
VERIFIED_IS_FINAL = _(
    "This handover has been verified and can no longer be changed here; ask an administrator "
    "to correct it."
)
REMAINS_OF_ANOTHER_PARTY = _(
    "Remains logged in this handover are identified as persons of another party."
)

CASE_SEQUENCE_WIDTH = 3


def _next_case_sequence(date: datetime.date, given: list[str]) -> int:
    """The next free sequence for case numbers ``<date>/<seq>``, under a per-date lock.

    Numbers typed into the same batch count as used, so an auto-assigned one never collides.
    """
    prefix = f"{date.isoformat()}/"
    pattern = rf"^{re.escape(prefix)}\d+$"
    with connection.cursor() as cursor:
        # Two batches of the same date entered at once must not draw the same numbers.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"case-number:{prefix}"])
        cursor.execute(
            "SELECT COALESCE(MAX(split_part(case_number, '/', 2)::int), 0) "
            "FROM repatriation_remains WHERE case_number ~ %s",
            [pattern],
        )
        used = cursor.fetchone()[0]
    typed = [int(case.rsplit("/", 1)[1]) for case in given if re.match(pattern, case)]
    return max([used, *typed]) + 1


def _validate_handover(handover: Handover, remains_rows: list[dict], released: list) -> None:
    errors = {}
    try:
        handover.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    agreement = handover.agreement
    if agreement and (
        agreement.conflict_id != handover.conflict_id
        or {agreement.party_a_id, agreement.party_b_id}
        != {handover.from_party_id, handover.to_party_id}
    ):
        errors.setdefault("agreement", []).append(str(AGREEMENT_MISMATCH))
    if handover.kind == HandoverKind.PRISONERS and remains_rows:
        errors.setdefault("remains", []).append(str(PRISONERS_HAVE_NO_REMAINS))
    if handover.kind == HandoverKind.REMAINS and released:
        errors.setdefault("released_persons", []).append(str(REMAINS_HAVE_NO_PRISONERS))
    if errors:
        raise ValidationError(errors)


def _row_errors(index: int, errors: dict[str, list]) -> dict[str, list]:
    """Key a row's errors ``remains[i].field`` (``remains[i]`` for the row as a whole)."""
    return {
        f"remains[{index}]" if field == NON_FIELD_ERRORS else f"remains[{index}].{field}": messages
        for field, messages in errors.items()
    }


def _build_remains(handover: Handover, rows: list[dict]) -> list[Remains]:
    """Validate every row, collecting all errors so each shows beside its row and field."""
    errors: dict[str, list] = {}
    given = [row.get("case_number", "").strip() for row in rows]
    taken = set(
        Remains.objects.filter(case_number__in=[c for c in given if c]).values_list(
            "case_number", flat=True
        )
    )
    seen: set[str] = set()
    next_seq = _next_case_sequence(handover.date, given) if not all(given) else None
    built = []
    for index, row in enumerate(rows):
        row_errors: dict[str, list] = {}
        remains = Remains(handover=handover, **{**row, "case_number": given[index]})
        case = remains.case_number
        if case in taken:
            row_errors["case_number"] = [str(CASE_NUMBER_TAKEN % {"case": case})]
        elif case in seen:
            row_errors["case_number"] = [str(DUPLICATE_CASE_NUMBER % {"case": case})]
        elif case:
            seen.add(case)
        else:
            remains.case_number = f"{handover.date.isoformat()}/{next_seq:0{CASE_SEQUENCE_WIDTH}d}"
            next_seq += 1
        try:
            # Uniqueness was checked above for the whole batch in one query.
            remains.full_clean(exclude=["handover"], validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                row_errors.setdefault(field, []).extend(messages)
        party_error = remains.person and wrong_party_message(remains.person, handover.to_party)
        if party_error:
            row_errors.setdefault("person", []).append(str(party_error))
        errors.update(_row_errors(index, row_errors))
        built.append(remains)
    if errors:
        raise ValidationError(errors)
    return built


def wrong_party_message(person: Person, to_party) -> str | None:
    """Why ``person``'s remains cannot be logged in a handover to ``to_party``, or None."""
    if person.party_id == to_party.pk:
        return None
    return WRONG_PARTY % {"person": person, "party": person.party.code, "to": to_party.code}


@transaction.atomic
def handover_create(
    *,
    user,
    remains: Iterable[dict] = (),
    released_persons: Iterable[Person] = (),
    **fields,
) -> Handover:
    """Record a handover and every body logged in it, as a draft, in one transaction.

    Case numbers left blank become ``<date>/<seq>``. If any row is invalid nothing is saved,
    and the ValidationError names each bad row and field (``remains[3].person``).
    """
    rows, released = list(remains), list(released_persons)
    handover = Handover(entered_by=user, state=HandoverState.DRAFT, **fields)
    _validate_handover(handover, rows, released)
    handover.save()
    built = _build_remains(handover, rows)
    Remains.objects.bulk_create(built)
    ReleasedPerson.objects.bulk_create(
        ReleasedPerson(handover=handover, person=person) for person in released
    )
    for item in built:
        if item.identification == Identification.CONFIRMED:
            _record_death(remains=item, user=user)
    return handover


@transaction.atomic
def handover_update(*, handover: Handover, data: dict) -> Handover:
    """Change a draft's own fields (not its rows). A verified handover is final here
    (ValidationError code ``verified``): the ledger already counts it."""
    # Lock: a verifier may be verifying this very draft; one of the two waits for the other.
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if locked.state == HandoverState.VERIFIED:
        raise ValidationError(VERIFIED_IS_FINAL, code="verified")
    for field, value in data.items():
        setattr(locked, field, value)
    remains = locked.remains.all()
    _validate_handover(
        locked, list(remains[:1]), list(ReleasedPerson.objects.filter(handover=locked)[:1])
    )
    if remains.filter(person__isnull=False).exclude(person__party=locked.to_party_id).exists():
        raise ValidationError({"to_party": [str(REMAINS_OF_ANOTHER_PARTY)]})
    locked.save()
    return locked


def review_refusal(*, handover: Handover, user) -> PermissionDenied | ValidationError | None:
    """Why ``user`` may not verify ``handover`` nor send it back, as the error to raise;
    None if they may. Pages ask it first, to explain instead of offering a button."""
    if not user.has_perm("repatriation.verify_handover"):
        return PermissionDenied(NO_VERIFY_PERMISSION)
    if handover.state == HandoverState.VERIFIED:
        # Whoever lost a race to verify learns who won (a username, nothing restricted).
        message = ALREADY_VERIFIED % {"user": handover.verified_by}
        return ValidationError(message, code="already_verified")
    if handover.entered_by_id == user.pk:
        return ValidationError(OWN_DRAFT, code="own_draft")
    return None


def _lock_for_review(handover: Handover, user) -> Handover:
    if not user.has_perm("repatriation.verify_handover"):
        raise PermissionDenied(NO_VERIFY_PERMISSION)
    # Lock: of two verifiers clicking at once, the second sees the handover already verified.
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    refusal = review_refusal(handover=locked, user=user)
    if refusal:
        raise refusal
    return locked


@transaction.atomic
def handover_verify(*, handover: Handover, user) -> Handover:
    """Mark someone else's draft verified (the four-eyes rule); only then does it count."""
    locked = _lock_for_review(handover, user)
    locked.state = HandoverState.VERIFIED
    locked.verified_by = user
    locked.verified_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["state", "verified_by", "verified_at", "updated_at"])
    return locked


@transaction.atomic
def handover_send_back(*, handover: Handover, user, comment: str) -> Handover:
    """A verifier returns someone else's draft to its clerk, saying what to correct.

    It stays a draft (and out of the ledger's count); the comment is shown to the clerk.
    """
    comment = comment.strip()
    if not comment:
        raise ValidationError({"review_comment": [str(REVIEW_COMMENT_NEEDED)]})
    locked = _lock_for_review(handover, user)
    locked.review_comment = comment
    locked.sent_back_by = user
    locked.sent_back_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["review_comment", "sent_back_by", "sent_back_at", "updated_at"])
    return locked


@transaction.atomic
def remains_identify(
    *,
    remains: Remains,
    person: Person | None,
    identification: str,
    method: str = "",
    identified_on: datetime.date | None = None,
    user=None,
) -> Remains:
    """Record who remains were identified as. Confirmed remains make the person killed."""
    locked = Remains.objects.select_for_update().select_related("handover").get(pk=remains.pk)
    locked.person = person
    locked.identification = identification
    locked.method = method
    locked.identified_on = identified_on
    locked.full_clean()
    party_error = person and wrong_party_message(person, locked.handover.to_party)
    if party_error:
        raise ValidationError({"person": party_error})
    locked.save()
    if identification == Identification.CONFIRMED:
        _record_death(remains=locked, user=user)
    return locked


def _record_death(*, remains: Remains, user) -> None:
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
        source_note=_("Remains %(case)s confirmed (%(method)s) on %(date)s.")
        % {
            "case": remains.case_number,
            "method": remains.get_method_display() or _("method not given"),
            "date": remains.identified_on.isoformat(),
        },
    )


@transaction.atomic
def agreement_create(**fields) -> Agreement:
    """Record an agreement; the model's rules (two different parties, counts ≥ 0) apply."""
    agreement = Agreement(**fields)
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, data: dict) -> Agreement:
    for field, value in data.items():
        setattr(agreement, field, value)
    agreement.full_clean()
    agreement.save()
    return agreement
