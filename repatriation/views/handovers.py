"""Staff pages for handovers (DESIGN §8): the list, one handover, batch entry, review.

Login required; clerks, verifiers and admins only. Every write goes through the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.staff import staff_required
from casualties.forms import conflict_list, party_list
from core.filters import choose_from_lists
from core.history import history
from repatriation.choices import HandoverState
from repatriation.filtersets import HandoverFilterSet
from repatriation.forms import SendBackForm, VerifyForm
from repatriation.history import handover_history_parts
from repatriation.models import Handover
from repatriation.selectors import review_checks
from repatriation.services import (
    STATE_CODES,
    edit_refusal,
    handover_claim_record,
    handover_send_back,
    handover_verify,
    remains_return_to_sender,
    review_refusal,
)
from repatriation.services.claims import NO_CLAIM_PERMISSION, RETURN_NEEDS_ONWARD_OR_ADMIN
from repatriation.views import claims

PAGE_SIZE = 50
FORBIDDEN, CONFLICT = 403, 409
VERIFY, SEND_BACK = "verify", "send_back"
CHANGED_MEANWHILE = _(
    "This draft changed while you were reviewing it: check it again before verifying."
)
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
    return _render_detail(request, handover)


def _render_detail(request, handover, status=200, **bound) -> HttpResponse:
    refusal = review_refusal(handover=handover, user=request.user)
    context = {
        "handover": handover,
        "may_review": refusal is None,
        "may_edit": edit_refusal(handover=handover, user=request.user) is None,
        "revisions": handover.revisions.select_related("revised_by"),
        "changes": history(handover_history_parts(handover.pk)),
        "claims": handover.claims.select_related("party", "entered_by"),
        **claims.claim_forms(request, handover, **bound),
    }
    return render(request, "handovers/detail.html", context, status=status)


@staff_required
@require_POST
def handover_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or replace) a party's announced count; the page again, with errors, if refused."""
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    if not claims.may_record_claims(request.user):
        raise PermissionDenied(NO_CLAIM_PERMISSION)
    form = claims.ClaimForm(request.POST, handover=handover)
    if form.is_valid():
        try:
            claim = handover_claim_record(handover=handover, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            claims.put_errors(form, error)
        else:
            messages.success(request, claims.CLAIM_RECORDED % {"party": claim.party.code})
            return redirect("repatriation:handover_detail", pk=handover.pk)
    return _render_detail(request, handover, status=400, claim=form)


@staff_required
@require_POST
def remains_return(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """Record unidentified remains as returned to the party that sent them."""
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    remains = next((row for row in claims.returnable(handover) if row.pk == rid), None)
    if remains is None:
        raise Http404
    if not claims.may_return(request.user, handover):
        raise PermissionDenied(RETURN_NEEDS_ONWARD_OR_ADMIN)
    onward = claims.onward_candidates(handover)
    form = claims.ReturnForm(request.POST, remains=remains, user=request.user, onward=onward)
    if form.is_valid():
        try:
            remains_return_to_sender(remains=remains, user=request.user, **form.service_arguments())
        except ValidationError as error:
            claims.put_errors(form, error)
        else:
            messages.success(request, claims.RETURN_RECORDED % {"case": remains.case_number})
            return redirect("repatriation:handover_detail", pk=handover.pk)
    return _render_detail(request, handover, status=400, returning=form)


@staff_required
@require_http_methods(["GET", "POST"])
def handover_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A verifier verifies someone else's draft or sends it back with a comment. The checks
    come first, then the rows, then the decision; verifying asks to confirm with the counts.
    Anyone who may not review is told why, and offered no button."""
    handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
    checks = review_checks(handover)
    action = request.POST.get("action") if request.method == "POST" else None
    send_back = SendBackForm(request.POST if action == SEND_BACK else None)
    verify = VerifyForm(request.POST if action == VERIFY else None, checks=checks)
    forms = {"send_back": send_back, "verify": verify}
    if action not in (VERIFY, SEND_BACK):
        return _render_review(request, handover, checks, forms)
    try:
        if not _review(request, handover, action, forms, checks):
            return _render_review(request, handover, checks, forms)
    except ValidationError as error:
        status = CONFLICT if getattr(error, "code", None) in STATE_CODES else FORBIDDEN
        # Read again: another verifier may have won the race since this request read the
        # draft, and the page must say so (and by whom) instead of offering the button.
        handover = get_object_or_404(Handover.objects.for_staff_page(), pk=pk)
        checks = review_checks(handover)
        forms["verify"] = VerifyForm(checks=checks)
        return _render_review(request, handover, checks, forms, status=status)
    return redirect("repatriation:handover_detail", pk=handover.pk)


def _review(request, handover, action, forms, checks) -> bool:
    """Verify or send back, as the button pressed says; False while the form is incomplete.
    The service refuses (PermissionDenied, ValidationError) whoever may not."""
    refusal = review_refusal(handover=handover, user=request.user)
    if refusal:
        raise refusal
    if action == VERIFY:
        form = forms["verify"]
        if not form.is_valid():
            return False
        if form.cleaned_data["seen"] != checks["fingerprint"]:
            messages.warning(request, CHANGED_MEANWHILE)
            forms["verify"] = VerifyForm(checks=checks)  # unticked, for the draft as it is now
            return False
        handover_verify(handover=handover, user=request.user)
        messages.success(request, VERIFIED)
        return True
    form = forms["send_back"]
    if not form.is_valid():
        return False
    comment = form.cleaned_data["review_comment"]
    handover_send_back(handover=handover, user=request.user, comment=comment)
    messages.success(request, SENT_BACK % {"user": handover.entered_by})
    return True


def _render_review(request, handover, checks, forms, status=200) -> HttpResponse:
    refusal = review_refusal(handover=handover, user=request.user)
    reason = None
    if isinstance(refusal, ValidationError):
        reason = refusal.messages[0]
    elif refusal is not None:
        reason = str(refusal)
    context = {"handover": handover, "checks": checks, "reason": reason, **forms}
    return render(request, "handovers/review.html", context, status=status)
