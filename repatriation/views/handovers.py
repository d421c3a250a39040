"""Staff pages for handovers (DESIGN §8): the list, one handover, batch entry, review.

Login required; clerks, verifiers and admins only. Every write goes through the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties.forms import conflict_list, party_list
from core.filters import choose_from_lists
from repatriation.choices import HandoverState
from repatriation.filtersets import HandoverFilterSet
from repatriation.forms import (
    MAX_ROWS,
    PERSON_OPTIONS_ID,
    ROWS_PREFIX,
    TOO_MANY_ROWS,
    HandoverHeaderForm,
    RemainsFormSet,
    SendBackForm,
    error_summary,
    place_service_errors,
    resolve_persons,
    row_initial,
)
from repatriation.models import Handover
from repatriation.services import (
    handover_create,
    handover_send_back,
    handover_verify,
    review_refusal,
)

PAGE_SIZE = 50
FORBIDDEN, CONFLICT = 403, 409
VERIFY, SEND_BACK = "verify", "send_back"
COUNT_NEEDED = _("Enter the reported count (a whole number from 0 to %(max)s) to make its rows.")
SAVED = _("Draft saved with %(count)s remains. A verifier must now check it.")
VERIFIED = _("Handover verified: it now counts in the ledger.")
SENT_BACK = _("Draft sent back to %(user)s with your comment.")


@staff_required
def handover_list(request: HttpRequest) -> HttpResponse:
    """Drafts and verified handovers, filtered by the API's FilterSet (state, conflict,
    party, …); for a verifier, drafts come first: they are the work waiting."""
    handovers = (
        Handover.objects.select_related("conflict", "from_party", "to_party", "entered_by")
        .select_related("verified_by", "sent_back_by")
        .annotate(received=Count("remains"))
        .order_by("-date", "-id")
    )
    filterset = HandoverFilterSet(request.GET, queryset=handovers, request=request)
    _choose_from_lists(filterset.form)
    rows = filterset.qs if filterset.is_valid() else handovers.none()
    if request.user.has_perm("repatriation.verify_handover"):
        drafts_first = Case(
            When(state=HandoverState.DRAFT, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        rows = rows.order_by(drafts_first, "-date", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filterset": filterset, "page": page, "query": query.urlencode()}
    return render(request, "handovers/list.html", context)


def _choose_from_lists(form) -> None:
    """Offer the conflicts and parties as lists to pick from; the FilterSet takes their
    slug and code, as the API does."""
    choose_from_lists(
        form,
        lists={
            "conflict": conflict_list(),
            "party": party_list(),
            "state": (_("All states"), HandoverState.choices),
        },
        labels={
            "conflict": _("Conflict"),
            "party": _("Party, giving or receiving"),
            "state": _("State"),
        },
    )


@staff_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    refusal = review_refusal(handover=handover, user=request.user)
    context = {"handover": handover, "may_review": refusal is None}
    return render(request, "handovers/detail.html", context)


@staff_required
@permission_required("repatriation.add_handover", raise_exception=True)
@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest) -> HttpResponse:
    """Batch entry: the handover's header and one row per remains, saved as one draft."""
    if request.method == "GET":
        return _render_batch(
            request, HandoverHeaderForm(), RemainsFormSet(prefix=ROWS_PREFIX, initial=[{}])
        )
    header = HandoverHeaderForm(request.POST)
    rows = RemainsFormSet(request.POST, prefix=ROWS_PREFIX)
    if "rows_from_count" in request.POST:
        return _rows_from_count(request, header, rows)
    handover = _create(request, header, rows)
    if handover is None:
        return _render_batch(request, header, rows, failed=True)
    messages.success(request, SAVED % {"count": handover.remains.count()})
    return redirect("repatriation:handover_detail", pk=handover.pk)


class _Discard(Exception):
    """Undoes a batch the service accepted although a row names an unknown person."""


def _create(request, header, rows) -> Handover | None:
    """Save the batch through ``handover_create``, or leave every error on the forms."""
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
            handover = handover_create(user=request.user, remains=remains, **fields)
            if unknown:
                raise _Discard
    except _Discard:
        return None
    except ValidationError as error:
        place_service_errors(error, header=header, rows=live, unknown_person=unknown)
        return None
    return handover


def _rows_from_count(request, header, rows) -> HttpResponse:
    """As many rows as the reported count, keeping what was typed; nothing is checked or
    saved yet, so the header is shown again as typed, without errors."""
    shown = HandoverHeaderForm(initial={name: header[name].value() for name in header.fields})
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
    return _render_batch(request, shown, formset, count_problem=problem)


def _render_batch(request, header, rows, *, failed=False, count_problem=None) -> HttpResponse:
    context = {
        "header": header,
        "rows": rows,
        "failed": failed,
        "summary": error_summary(header, rows) if failed else [],
        "count_problem": count_problem,
        "person_options_id": PERSON_OPTIONS_ID,
        "max_rows": MAX_ROWS,
    }
    return render(request, "handovers/new.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def handover_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A verifier verifies someone else's draft or sends it back with a comment. Anyone
    else is told why they cannot, and offered no button."""
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    sending_back = request.method == "POST" and request.POST.get("action") == SEND_BACK
    form = SendBackForm(request.POST if sending_back else None)
    if request.method == "GET":
        return _render_review(request, handover, form)
    try:
        if not _review(request, handover, form):
            return _render_review(request, handover, form)
    except ValidationError as error:
        status = CONFLICT if getattr(error, "code", None) == "already_verified" else FORBIDDEN
        # Read again: another verifier may have won the race since this request read the
        # draft, and the page must say so (and by whom) instead of offering the button.
        handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
        return _render_review(request, handover, form, status=status)
    return redirect("repatriation:handover_detail", pk=handover.pk)


def _review(request, handover, form) -> bool:
    """Verify or send back, as the button pressed says; False while the comment is missing.
    The service refuses (PermissionDenied, ValidationError) whoever may not."""
    if request.POST.get("action") == VERIFY:
        handover_verify(handover=handover, user=request.user)
        messages.success(request, VERIFIED)
        return True
    refusal = review_refusal(handover=handover, user=request.user)
    if refusal:
        raise refusal
    if not form.is_valid():
        return False
    comment = form.cleaned_data["review_comment"]
    handover_send_back(handover=handover, user=request.user, comment=comment)
    messages.success(request, SENT_BACK % {"user": handover.entered_by})
    return True


def _render_review(request, handover, form, status=200) -> HttpResponse:
    refusal = review_refusal(handover=handover, user=request.user)
    reason = None
    if isinstance(refusal, ValidationError):
        reason = refusal.messages[0]
    elif refusal is not None:
        reason = str(refusal)
    context = {"handover": handover, "form": form, "reason": reason}
    return render(request, "handovers/review.html", context, status=status)
