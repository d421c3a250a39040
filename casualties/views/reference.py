"""Staff pages for what the evidence refers to (DESIGN §3, §5): conflicts, parties and sources,
listed, created and edited by coordinators and admins without the Django admin. Clerks and
verifiers get 403. Writes go through ``casualties.reference_services``, as the API's do."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties import reference_services as services
from casualties.forms_reference import ConflictForm, PartyForm, SourceForm
from casualties.models import Conflict, Party, Source
from core.rows import place_errors

SAVED = _("“%(name)s” saved.")
REFERENCE_PERMISSIONS = [
    f"casualties.{action}_{model}"
    for model in ("conflict", "party", "source")
    for action in ("add", "change")
]


@dataclass(frozen=True)
class Kind:
    """One kind of reference record: its model, form, services and words."""

    model: type[models.Model]
    form: type[ModelForm]
    create: object
    update: object
    keyword: str  # the update service's name for the record
    new_title: str
    edit_title: str


KINDS = {
    "conflicts": Kind(
        Conflict, ConflictForm, services.conflict_create, services.conflict_update,
        "conflict", _("New conflict"), _("Edit conflict"),
    ),
    "parties": Kind(
        Party, PartyForm, services.party_create, services.party_update,
        "party", _("New party"), _("Edit party"),
    ),
    "sources": Kind(
        Source, SourceForm, services.source_create, services.source_update,
        "source", _("New source"), _("Edit source"),
    ),
}  # fmt: skip


def coordinator_required(view):
    """Logged-in staff holding the coordinators' permissions (admins hold them all)."""
    allowed = permission_required(REFERENCE_PERMISSIONS, raise_exception=True)(view)
    return staff_required(allowed)


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise Http404
    return KINDS[name]


@coordinator_required
def reference_list(request: HttpRequest) -> HttpResponse:
    """All conflicts, parties and sources: a few dozen rows, one query each."""
    context = {
        "conflicts": Conflict.objects.order_by("-start_date", "slug"),
        "parties": Party.objects.order_by("code"),
        "sources": Source.objects.select_related("party").order_by("name"),
    }
    return render(request, "reference/list.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def reference_new(request: HttpRequest, kind: str) -> HttpResponse:
    what = _kind(kind)
    form = what.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _write(form, lambda data: what.create(**data))
        if saved is not None:
            return _saved(request, kind, saved)
    context = {"form": form, "title": what.new_title, "kind": kind}
    return render(request, "reference/form.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def reference_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    what = _kind(kind)
    record = get_object_or_404(what.model, pk=pk)
    # The form's own copy: a refused edit must not rename the page's heading.
    form = what.form(request.POST or None, instance=what.model.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        saved = _write(form, lambda data: what.update(**{what.keyword: record, "data": data}))
        if saved is not None:
            return _saved(request, kind, saved)
    context = {"form": form, "title": what.edit_title, "kind": kind, "record": record}
    return render(request, "reference/form.html", context)


def _write(form, write):
    """Run the service with the form's values, or put its errors beside their fields."""
    try:
        return write(dict(form.cleaned_data))
    except ValidationError as error:
        place_errors(form, error)
        return None


def _saved(request, kind: str, record) -> HttpResponse:
    messages.success(request, SAVED % {"name": record})
    return redirect(reverse("casualties:reference_list") + f"#{kind}")
