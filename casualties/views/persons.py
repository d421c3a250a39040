"""Staff pages and endpoints about persons."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties.filtersets import PersonFilterSet
from casualties.forms import (
    PersonCreateForm,
    PersonForm,
    StatusChangeForm,
    conflict_list,
    party_list,
)
from casualties.history import person_history_parts
from casualties.models import Person
from casualties.search.names import person_search
from casualties.search.paging import SearchPaginator
from casualties.selectors import person_for_staff_page, person_label
from casualties.services import person_change_status, person_create, person_update
from casualties.views.aliases import AliasForm
from casualties.views.merge import follow_merges
from core.filters import choose_from_lists
from core.history import history
from core.rows import place_errors

LOOKUP_LIMIT = 20
LOOKUP_MIN_LENGTH = 2


class LookupForm(forms.Form):
    q = forms.CharField(max_length=200)
    conflict = forms.IntegerField(required=False, min_value=1)
    party = forms.IntegerField(required=False, min_value=1)


@staff_required
def person_lookup(request: HttpRequest) -> JsonResponse:
    """``/persons/lookup/?q=sarg&party=1&conflict=2``: up to 20 persons whose name or alias
    matches ``q`` in any script, closest first, as ``{"results": [{"id", "label", "detail"}]}``
    for a form's suggestions.

    Staff only: the names of persons who have not agreed to publication are staff data.
    """
    form = LookupForm(request.GET)
    if not form.is_valid() or len(form.cleaned_data["q"].strip()) < LOOKUP_MIN_LENGTH:
        return JsonResponse({"results": []})
    found = person_search(
        form.cleaned_data["q"].strip(),
        conflict_id=form.cleaned_data["conflict"],
        party_id=form.cleaned_data["party"],
    ).only("id", "full_name", "name_latin", "status", "status_date", "unit")
    results = [
        {
            "id": person.pk,
            "label": person_label(person),
            "detail": " · ".join(
                filter(None, [person.get_status_display(), f"{person.status_date}", person.unit])
            ),
        }
        for person in found[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})


PAGE_SIZE = 50
SORTABLE = ("name_latin", "status_date")
CREATED = _("Person registered with the status “%(status)s”.")
UPDATED = _("Changes saved.")
STATUS_RECORDED = _("Status change recorded.")


@staff_required
def person_list(request: HttpRequest) -> HttpResponse:
    """Every person, names included (staff), filtered by the API's FilterSet; ordered by
    name then id so pages never overlap."""
    persons = Person.objects.select_related("conflict", "party").only(
        "full_name",
        "name_latin",
        "status",
        "status_date",
        "is_civilian",
        "conflict__name",
        "party__code",
        "party__name",
    )
    filterset = PersonFilterSet(request.GET, queryset=persons, request=request)
    _choose_filter_lists(filterset.form)
    rows = filterset.qs if filterset.is_valid() else persons.none()
    page = SearchPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "sorting": _sort_links(query),
        "export_url": f"{reverse('api:person-list')}?format=csv&{query.urlencode()}",
    }
    return render(request, "persons/list.html", context)


def _sort_links(query) -> dict[str, dict]:
    """Per sortable column: the link that sorts by it (again: the other way round) and its
    ``aria-sort`` state. Without an order asked for, a name search ranks, a list goes by name."""
    current = query.get("ordering") or ("" if query.get("q") else "name_latin")
    links = {}
    for field in SORTABLE:
        asked = query.copy()
        asked["ordering"] = f"-{field}" if current == field else field
        state = {field: "ascending", f"-{field}": "descending"}.get(current, "none")
        links[field] = {"url": f"?{asked.urlencode()}", "state": state}
    return links


@staff_required
@follow_merges
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(person_for_staff_page(), pk=pk)
    context = {
        "person": person,
        "alias_form": AliasForm(person=person),
        "changes": history(person_history_parts(person.pk)),
    }
    return render(request, "persons/detail.html", context)


@staff_required
@permission_required("casualties.add_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, CREATED % {"status": person.get_status_display()})
            return redirect("casualties:person_detail", pk=person.pk)
    return render(request, "persons/form.html", {"form": form})


@staff_required
@permission_required("casualties.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
@follow_merges
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            person_update(person=person, data=form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, UPDATED)
            return redirect("casualties:person_detail", pk=person.pk)
    return render(request, "persons/form.html", {"form": form, "person": person})


@staff_required
@permission_required("casualties.add_statuschange", raise_exception=True)
@require_http_methods(["GET", "POST"])
@follow_merges
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a status change; a forbidden move shows the service's reason and saves nothing."""
    person = get_object_or_404(Person.objects.select_related("conflict", "party"), pk=pk)
    form = StatusChangeForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_change_status(person=person, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, STATUS_RECORDED)
            return redirect("casualties:person_detail", pk=person.pk)
    return render(request, "persons/status.html", {"form": form, "person": person})


def _choose_filter_lists(form) -> None:
    """Conflict and party as lists to pick from (the FilterSet takes slug and code, as the
    API does); status as checkboxes, since several may be chosen."""
    choose_from_lists(
        form,
        lists={
            "conflict": conflict_list(),
            "party": party_list(),
            "civilian": (_("Any"), [("true", _("Yes")), ("false", _("No"))]),
        },
        checkboxes=("status",),
        labels={
            "conflict": _("Conflict"),
            "party": _("Party"),
            "status": _("Status"),
            "civilian": _("Civilian"),
            "region": _("Home region"),
        },
    )
