"""Staff pages for duplicate person records: the candidate list and the merge itself."""

from collections.abc import Sequence
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties.forms import place_errors
from casualties.merging import (
    MERGE_NEEDS_REASON,
    kept_person_id,
    person_merge,
    person_merge_errors,
)
from casualties.models import Conflict, Party, Person
from casualties.search.duplicates import (
    DOB_BONUS,
    RELATIVE_DAYS,
    RELATIVES,
    SERVICE_NUMBER_BONUS,
    SIMILARITY_THRESHOLD,
    duplicate_candidates,
)
from casualties.search.transliteration import query_key
from core.tiers import is_staff

PAGE_SIZE = 50
MERGED = _("Record #%(drop)s merged into this one.")
# Why a pair is listed: the blocks it shares (``casualties.search.duplicates``).
REASONS = {
    "dob": _("same date of birth"),
    "dob_swapped": _("date of birth with day and month swapped"),
    "service_number": _("same service number"),
    "name": _("same given name and surname"),
    "relatives": _("same surname and patronymic, born close together"),
}
NO_SUCH_PERSON = _("No person has this number.")


def follow_merges(view):
    """A person page asked for by a merged record's id redirects to the same page of the
    record it was merged into; any other unknown id stays a 404."""

    @wraps(view)
    def view_or_redirect(request, *args, pk, **kwargs):
        try:
            return view(request, *args, pk=pk, **kwargs)
        except Http404:
            kept = kept_person_id(pk, public=not is_staff(request.user))
            if kept is None:
                raise
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "pk": kept})
            return redirect(url)

    return view_or_redirect


class DuplicateFilterForm(forms.Form):
    conflict = forms.ModelChoiceField(
        label=_("Conflict"),
        queryset=Conflict.objects.order_by("-start_date"),
        to_field_name="slug",
        required=False,
        empty_label=_("All conflicts"),
    )
    party = forms.ModelChoiceField(
        label=_("Party"),
        queryset=Party.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All parties"),
    )
    name = forms.CharField(label=_("Name contains"), max_length=200, required=False)


class _OnePage(Sequence):
    """The rows of one page, standing in for the whole list so Django's Paginator can number
    the pages from the total the candidates query returned with them."""

    def __init__(self, rows: list, total: int, offset: int):
        self.rows, self.total, self.offset = rows, total, offset

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.rows[index.start - self.offset : index.stop - self.offset]
        return self.rows[index - self.offset]


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _candidate_page(filters: dict, number: int):
    """The candidates of page ``number`` (the first when past the end), as a Django Page."""
    rows, total = duplicate_candidates(**filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    if total is None and number > 1:
        number = 1
        rows, total = duplicate_candidates(**filters, limit=PAGE_SIZE, offset=0)
    paginator = Paginator(_OnePage(rows, total or 0, (number - 1) * PAGE_SIZE), PAGE_SIZE)
    return paginator.page(number)


def _with_persons(candidates) -> list[dict]:
    """Each pair with both records, in one query; a pair whose record was merged or deleted
    since the candidates were read is left out."""
    ids = {c.a_id for c in candidates} | {c.b_id for c in candidates}
    persons = Person.objects.select_related("conflict", "party").in_bulk(ids)
    pairs = [(c, persons.get(c.a_id), persons.get(c.b_id)) for c in candidates]
    return [
        {"c": c, "a": a, "b": b, "pair": (a, b), "why": [REASONS[r] for r in c.reasons]}
        for c, a, b in pairs
        if a and b
    ]


def _filters(form: DuplicateFilterForm) -> dict:
    data = form.cleaned_data if form.is_bound else {}
    return {
        "conflict_id": getattr(data.get("conflict"), "pk", None),
        "party_id": getattr(data.get("party"), "pk", None),
        "name_key": query_key(data.get("name", "")),
    }


@staff_required
@permission_required("casualties.change_person", raise_exception=True)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """``/persons/duplicates/``: candidate pairs, best score first (formula in
    ``casualties.search.duplicates``), filtered by conflict, party and part of a name."""
    form = DuplicateFilterForm(request.GET or None)
    page, rows, relatives, relatives_total = None, [], [], 0
    if not form.is_bound or form.is_valid():
        filters = _filters(form)
        page = _candidate_page(filters, _page_number(request))
        rows = _with_persons(page.object_list)
        found, total = duplicate_candidates(**filters, kind=RELATIVES, limit=PAGE_SIZE)
        relatives, relatives_total = _with_persons(found), total or 0
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "searched": page is not None,
        "relatives": relatives,
        "relatives_total": relatives_total,
        "relative_years": RELATIVE_DAYS // 366,
        "query": query.urlencode(),
        "threshold": SIMILARITY_THRESHOLD,
        "dob_bonus": DOB_BONUS,
        "sn_bonus": SERVICE_NUMBER_BONUS,
    }
    return render(request, "persons/duplicates.html", context)


class MergeForm(forms.Form):
    keep = forms.IntegerField(label=_("Record to keep"), min_value=1, widget=forms.HiddenInput)
    drop = forms.IntegerField(
        label=_("Record to merge into it"), min_value=1, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Why are these the same person?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": MERGE_NEEDS_REASON},
    )


def _merge_records(data) -> tuple[dict, dict]:
    """The two records ``data`` names (keep, drop), with their history counts, in one query;
    and an error for each number missing or unknown."""
    ids, errors = {}, {}
    for field in ("keep", "drop"):
        value = str(data.get(field, ""))
        if value.isdigit() and 0 < int(value) < 2**63:
            ids[field] = int(value)
        else:
            errors[field] = [NO_SUCH_PERSON]
    found = (
        Person.objects.select_related("conflict", "party")
        .annotate(
            n_changes=Count("status_changes", distinct=True),
            n_remains=Count("remains", distinct=True),
            n_releases=Count("release_handovers", distinct=True),
            n_aliases=Count("aliases", distinct=True),
        )
        .in_bulk(set(ids.values()))
    )
    records = {field: found[pk] for field, pk in ids.items() if pk in found}
    errors.update({field: [NO_SUCH_PERSON] for field in ids if field not in records})
    return records, errors


@staff_required
@permission_required("casualties.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_merge_page(request: HttpRequest) -> HttpResponse:
    """``/persons/merge/?keep=A&drop=B``: both records side by side, with a swap link; a POST
    with a written reason merges B into A and goes to A's page."""
    if request.method == "GET":
        records, errors = _merge_records(request.GET)
        form = MergeForm(initial={field: request.GET.get(field) for field in ("keep", "drop")})
    else:
        records, errors = _merge_records(request.POST)
        form = MergeForm(request.POST)
        for field, messages_ in errors.items():
            form.add_error(field if field in form.fields else None, messages_)
        if form.is_valid():
            return _merge(request, form, records) or _render_merge(request, form, records, {})
        errors = {}
    return _render_merge(request, form, records, errors)


def _merge(request: HttpRequest, form: MergeForm, records: dict) -> HttpResponse | None:
    try:
        kept = person_merge(
            keep=records["keep"],
            drop=records["drop"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        place_errors(form, error)
        return None
    messages.success(request, MERGED % {"drop": records["drop"].pk})
    return redirect("casualties:person_detail", pk=kept.pk)


def _render_merge(request, form, records, errors) -> HttpResponse:
    keep, drop = records.get("keep"), records.get("drop")
    if keep and drop and request.method == "GET":
        # Say at once why these two cannot be merged, before a reason is written.
        errors = {**errors, **person_merge_errors(keep=keep, drop=drop, reason="-")}
    context = {
        "form": form,
        "keep": keep,
        "drop": drop,
        "sides": [
            ("keep", keep, errors.get("keep") or form.errors.get("keep")),
            ("drop", drop, errors.get("drop") or form.errors.get("drop")),
        ],
    }
    return render(request, "persons/merge.html", context)
