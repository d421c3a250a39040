"""The batch form (DESIGN §8): a handover's header and one row per remains, entered as a new
draft (``/handovers/new/``) or changed by its clerk, with the verifier's comment pinned on top
(``/handovers/{id}/edit/``). Saved whole through the services, or not at all."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from repatriation.choices import HandoverState
from repatriation.forms import (
    HEADER_FIELDS,
    MAX_ROWS,
    PERSON_OPTIONS_ID,
    ROWS_PREFIX,
    TOO_MANY_ROWS,
    HandoverHeaderForm,
    RemainsFormSet,
    error_summary,
    place_service_errors,
    resolve_persons,
    row_initial,
    rows_of,
)
from repatriation.models import Handover
from repatriation.services import edit_refusal, handover_create, handover_revise

BAD_REQUEST, FORBIDDEN, CONFLICT = 400, 403, 409
COUNT_NEEDED = _("Enter the reported count (a whole number from 0 to %(max)s) to make its rows.")
SAVED = _("Draft saved with %(count)s remains. A verifier must now check it.")
CHANGED = _("Draft changed; a verifier sees what changed.")
RESUBMITTED = _("Draft corrected and resubmitted: a verifier can now check it again.")
UNCHANGED = _("Nothing was changed.")


@staff_required
@permission_required("repatriation.add_handover", raise_exception=True)
@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest) -> HttpResponse:
    """Batch entry: the handover's header and one row per remains, saved as one draft."""
    if request.method == "GET":
        return _render_batch(
            request, HandoverHeaderForm(), RemainsFormSet(prefix=ROWS_PREFIX, initial=[{}])
        )
    return _submitted(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def handover_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch form filled in with a draft, for its clerk (or an admin) to change; saving a
    draft sent back resubmits it. Anyone else is told why they cannot."""
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    refusal = edit_refusal(handover=handover, user=request.user)
    if refusal is not None:
        status = FORBIDDEN if isinstance(refusal, PermissionDenied) else CONFLICT
        reason = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
        context = {"handover": handover, "reason": reason}
        return render(request, "handovers/edit_refused.html", context, status=status)
    if request.method == "GET":
        header = HandoverHeaderForm(instance=handover)
        rows = RemainsFormSet(prefix=ROWS_PREFIX, initial=rows_of(handover))
        return _render_batch(request, header, rows, handover=handover)
    return _submitted(request, handover)


def _submitted(request, handover: Handover | None) -> HttpResponse:
    header = HandoverHeaderForm(request.POST)
    rows = RemainsFormSet(request.POST, prefix=ROWS_PREFIX)
    if "rows_from_count" in request.POST:
        return _rows_from_count(request, header, rows, handover)
    if rows.too_many():
        return _too_many(request, header, handover)
    resubmitting = handover is not None and handover.state == HandoverState.SENT_BACK
    revisions = handover.revisions.count() if handover is not None else 0
    saved = _save(request, header, rows, handover)
    if saved is None:
        return _render_batch(request, header, rows, failed=True, handover=handover)
    if handover is None:
        messages.success(request, SAVED % {"count": saved.remains.count()})
    elif saved.revisions.count() == revisions:
        messages.info(request, UNCHANGED)
    else:
        messages.success(request, RESUBMITTED if resubmitting else CHANGED)
    return redirect("repatriation:handover_detail", pk=saved.pk)


class _Discard(Exception):
    """Undoes a batch the service accepted although a row names an unknown person."""


def _save(request, header, rows, handover: Handover | None) -> Handover | None:
    """Save the batch through ``handover_create`` (or ``handover_revise`` for a draft being
    changed), or leave every error on the forms."""
    header_valid, rows_valid = header.is_valid(), rows.is_valid()
    if not (header_valid and rows_valid):
        return None
    live = rows.live_forms()
    fields = header.cleaned_data
    persons = resolve_persons(live, conflict=fields["conflict"], party=fields["to_party"])
    unknown = {index for index, row in enumerate(live) if row.has_error("person")}
    remains = [row.values(person) for row, person in zip(live, persons, strict=True)]
    try:
        # Rows naming an unknown person go to the service without one, so that it still
        # checks the rest and every error shows at once; then nothing it saved is kept.
        with transaction.atomic():
            saved = _write(request.user, handover, fields, remains)
            if unknown:
                raise _Discard
    except _Discard:
        return None
    except ValidationError as error:
        if getattr(error, "code", None) == "unchanged":
            header.add_error(None, error)
        else:
            place_service_errors(error, header=header, rows=live, unknown_person=unknown)
        return None
    return saved


def _write(user, handover, fields, remains) -> Handover:
    if handover is None:
        return handover_create(user=user, remains=remains, **fields)
    return handover_revise(handover=handover, user=user, data=fields, remains=remains)


def _rows_from_count(request, header, rows, handover) -> HttpResponse:
    """As many rows as the reported count, keeping what was typed; nothing is checked or
    saved yet, so the header is shown again as typed, without errors."""
    shown = HandoverHeaderForm(initial={name: header[name].value() for name in HEADER_FIELDS})
    typed = row_initial(rows)
    try:
        count = header.fields["reported_count"].clean(header["reported_count"].value())
    except ValidationError:
        count = None
    problem = None
    if count is None:
        problem = COUNT_NEEDED % {"max": MAX_ROWS}
    elif count > MAX_ROWS:
        problem = TOO_MANY_ROWS % {"max": MAX_ROWS}
    else:
        typed += [{}] * (count - len(typed))
    formset = RemainsFormSet(prefix=ROWS_PREFIX, initial=typed)
    return _render_batch(request, shown, formset, count_problem=problem, handover=handover)


def _too_many(request, header, handover) -> HttpResponse:
    """More rows than a batch may hold: refused whole (400) before any row is read; the
    header is shown again as typed."""
    shown = HandoverHeaderForm(initial={name: header[name].value() for name in HEADER_FIELDS})
    formset = RemainsFormSet(prefix=ROWS_PREFIX, initial=[{}])
    problem = TOO_MANY_ROWS % {"max": MAX_ROWS}
    return _render_batch(
        request, shown, formset, count_problem=problem, handover=handover, status=BAD_REQUEST
    )


def _render_batch(
    request, header, rows, *, failed=False, count_problem=None, handover=None, status=200
) -> HttpResponse:
    if handover is None:
        action = reverse("repatriation:handover_new")
    else:
        action = reverse("repatriation:handover_edit", args=[handover.pk])
    context = {
        "header": header,
        "rows": rows,
        "failed": failed,
        "summary": error_summary(header, rows) if failed else [],
        "count_problem": count_problem,
        "person_options_id": PERSON_OPTIONS_ID,
        "max_rows": MAX_ROWS,
        "handover": handover,
        "action": action,
    }
    return render(request, "handovers/new.html", context, status=status)
