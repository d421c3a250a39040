"""The identification pages (DESIGN §8, §9): the board, a remains' identification page, a
proposal, and the missing persons whose family references are not enough. Forensic only."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.staff import staff_required
from core.tiers import is_forensic
from identification import services
from identification.candidates import candidates
from identification.choices import ProposalState
from identification.forms import AftercareForm, ProposalForm, RejectForm
from identification.models import Aftercare, AnteMortem, PostMortem, Proposal
from identification.selectors import (
    case_states_by_region,
    missing_without_references,
    regions_without_references,
)
from repatriation.choices import Identification
from repatriation.models import Remains

FORENSIC_PAGES = _("These pages are for forensic coordinators.")
LIST_CAP = 500
AFTERCARE_AFTER_CONFIRMATION = _("Aftercare is recorded once the identification is confirmed.")


def forensic_required(view):
    @wraps(view)
    def forensic_only(request, *args, **kwargs):
        if not is_forensic(request.user):
            raise PermissionDenied(FORENSIC_PAGES)
        return view(request, *args, **kwargs)

    return staff_required(forensic_only)


def _add_errors(form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


@forensic_required
def board(request: HttpRequest) -> HttpResponse:
    # One query for every pending row, oldest first, whatever their number.
    proposals = list(Proposal.objects.for_board())
    # Two links a row: reversed once each, not 3,000 times for a full board.
    links = {
        f"{name}_link": reverse(f"identification:{name}", args=[0]).removesuffix("0/")
        for name in ("proposal", "remains")
    }
    return render(request, "identification/board.html", {"proposals": proposals, **links})


def _remains(pk: int) -> Remains:
    return get_object_or_404(
        Remains.objects.select_related("handover__to_party", "handover__from_party", "person"),
        pk=pk,
    )


def _render_remains(request, remains, *, form=None, aftercare=None, status=200) -> HttpResponse:
    found = candidates(remains_id=remains.pk)
    # The candidates' rows show AM traits: each one shown is an AM read.
    services.am_access_record(
        user=request.user, person_ids=[row["person_id"] for row in found], path=request.path
    )
    record = Aftercare.objects.filter(remains=remains).select_related("family_notified_by")
    record = record.first()
    context = {
        "remains": remains,
        "post_mortem": PostMortem.objects.filter(remains=remains).first(),
        "candidates": found,
        "proposals": remains.proposals.select_related("person", "proposed_by", "decided_by"),
        "form": form or ProposalForm(remains=remains),
        "aftercare": record,
        "aftercare_form": aftercare or AftercareForm(instance=record, prefix="aftercare"),
    }
    return render(request, "identification/remains.html", context, status=status)


@forensic_required
def remains_page(request: HttpRequest, pk: int) -> HttpResponse:
    remains = _remains(pk)
    form = ProposalForm(request.POST or None, remains=remains)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                remains=remains, user=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Proposal recorded; it waits for a second coordinator."))
            return redirect("identification:proposal", proposal.pk)
    return _render_remains(request, remains, form=form)


@forensic_required
@require_POST
def aftercare_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what happened to confirmed remains; errors beside their fields on the remains
    page (answered 400, so nothing mistakes them for a success)."""
    remains = _remains(pk)
    if remains.identification != Identification.CONFIRMED:
        raise PermissionDenied(AFTERCARE_AFTER_CONFIRMATION)
    record = Aftercare.objects.filter(remains=remains).first()
    form = AftercareForm(request.POST, instance=record, prefix="aftercare")
    if form.is_valid():
        try:
            services.aftercare_save(user=request.user, remains=remains, **form.values(request.user))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Aftercare recorded."))
            return redirect("identification:remains", remains.pk)
    return _render_remains(request, remains, aftercare=form, status=400)


@forensic_required
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "remains__handover", "person", "proposed_by", "decided_by", "dna_report"
        ),
        pk=pk,
    )
    reject = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                services.proposal_confirm(proposal=proposal, user=request.user)
            elif reject.is_valid():
                services.proposal_reject(
                    proposal=proposal,
                    user=request.user,
                    reason=reject.cleaned_data["rejection_reason"],
                )
            else:
                raise ValidationError(_("Choose confirm or reject."))
        except (ValidationError, PermissionDenied) as problem:
            error = problem.messages if isinstance(problem, ValidationError) else [str(problem)]
        else:
            return redirect("identification:proposal", proposal.pk)
    ante_mortem = AnteMortem.objects.filter(person=proposal.person).first()
    if ante_mortem:
        services.am_access_record(
            user=request.user, person_ids=[proposal.person_id], path=request.path
        )
    context = {
        "proposal": proposal,
        "ante_mortem": ante_mortem,
        "post_mortem": PostMortem.objects.filter(remains=proposal.remains).first(),
        "reject": reject,
        "errors": error,
        "may_decide": proposal.state == ProposalState.PENDING
        and proposal.proposed_by_id != request.user.pk,
    }
    return render(request, "identification/proposal.html", context)


@forensic_required
def references_page(request: HttpRequest) -> HttpResponse:
    context = {
        "cases": case_states_by_region(),
        "regions": regions_without_references(),
        "persons": missing_without_references()[:LIST_CAP],
        "cap": LIST_CAP,
    }
    return render(request, "identification/references.html", context)
