"""The staff page for importing status events (``casualties.importing.status_events``): upload
a file, see what it would do — counts and line errors as ``import_status_events`` prints them
— then "Import now". A sibling of the person import page, with the same access.

Status-event files are small and their import is quick, so it runs in the request rather than
on the task queue. Between the check and the import the file travels back with the page,
signed (with the conflict, party and clerk it was checked for): no second upload, nothing
stored, and a tampered or stale form is refused. Importing the same file again changes
nothing, so pressing "Import now" twice is harmless.
"""

import io

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casualties.importing.common import ImportRefused
from casualties.importing.status_events import ALLOWED, status_events_import
from casualties.models import Conflict, Party
from casualties.views.imports import CsvUploadForm, _staff_importer

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
SALT = "casualties.status_events_import"
CHECK_VALID_FOR = 60 * 60  # seconds a checked file may wait for "Import now"
STALE_CHECK = _("This check has expired or was altered: upload the file again.")
TEMPLATE = "persons/import_status_events.html"


class StatusEventsImportForm(CsvUploadForm):
    max_bytes = MAX_UPLOAD_BYTES
    conflict = forms.ModelChoiceField(Conflict.objects.all(), label=_("Conflict"))
    party = forms.ModelChoiceField(
        Party.objects.all(), label=_("Party"), help_text=_("The party the persons belong to.")
    )
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, first line naming the columns; at most 2 MB.")
    )
    dry_run = forms.BooleanField(
        label=_("Only check the events (import nothing)"), required=False, initial=True
    )


def _run(request, *, conflict, party, data: bytes, file_name: str, dry_run: bool) -> dict:
    """The import (or its check) and what the page shows of it."""
    found = {"conflict": conflict, "party": party, "file_name": file_name, "dry_run": dry_run}
    try:
        result = status_events_import(
            file=io.BytesIO(data),
            conflict=conflict,
            party=party,
            user=request.user,
            dry_run=dry_run,
            file_name=file_name,
        )
    except ImportRefused as refused:
        # As the command prints them: "line 3, status: …", one a line.
        errors = [str(error) for error in refused.errors]
        return {**found, "errors": errors, "rejected": len({e.line for e in refused.errors})}
    found.update(result=result, report=result.report())
    if dry_run:
        # What "Import now" sends back: the file as checked, for whom and where to.
        checked = {"c": conflict.pk, "p": party.pk, "u": request.user.pk, "n": file_name}
        checked["d"] = data.decode("utf-8")
        found["token"] = signing.dumps(checked, salt=SALT, compress=True)
    return found


@_staff_importer
@require_http_methods(["GET", "POST"])
def status_events_import_page(request: HttpRequest) -> HttpResponse:
    form = StatusEventsImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = _run(
            request,
            conflict=data["conflict"],
            party=data["party"],
            data=data["file"].read(),
            file_name=data["file"].name[:255],
            dry_run=data["dry_run"],
        )
    context = {"form": form, "outcome": outcome, "columns": ALLOWED}
    return render(request, TEMPLATE, context)


@_staff_importer
@require_http_methods(["POST"])
def status_events_import_run(request: HttpRequest) -> HttpResponse:
    """The "Import now" of a clean check: the file it checked, for real."""
    try:
        checked = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=CHECK_VALID_FOR)
        conflict = Conflict.objects.get(pk=checked["c"])
        party = Party.objects.get(pk=checked["p"])
        if checked["u"] != request.user.pk:
            raise signing.BadSignature
    except (signing.BadSignature, Conflict.DoesNotExist, Party.DoesNotExist, KeyError):
        messages.error(request, STALE_CHECK)
        return redirect("casualties:status_events_import")
    outcome = _run(
        request,
        conflict=conflict,
        party=party,
        data=checked["d"].encode("utf-8"),
        file_name=checked["n"],
        dry_run=False,
    )
    form = StatusEventsImportForm(initial={"conflict": conflict, "party": party})
    context = {"form": form, "outcome": outcome, "columns": ALLOWED}
    return render(request, TEMPLATE, context)
