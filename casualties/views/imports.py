"""Staff pages for importing person lists: upload, the job's progress and findings, its
rejected rows as CSV. The import itself is ``casualties.importing``, run by the task queue."""

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import BinaryField, Case, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties.importing import columns
from casualties.importing.jobs import import_checked
from casualties.importing.person_rows import ALLOWED, REQUIRED
from casualties.models import Conflict, Party, PersonImport
from casualties.tasks import person_import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TOO_LARGE = _(
    "The file is %(size)s MB; the limit is %(limit)d MB. Split the list into several files."
)
NOT_CSV = _("Choose a CSV file (its name ends in .csv).")
REQUIRED_COLUMN = _("Choose a column of the file for “%(column)s”: it is required.")
CHOSEN_TWICE = _("“%(column)s” is chosen for two columns of the file.")
IGNORE = ("", _("(ignore this column)"))
NOTHING_TO_IMPORT = _("This check's file was imported already, or cannot be: upload it again.")
PAST_IMPORTS = 20


class CsvUploadForm(forms.Form):
    """A form with a CSV ``file`` of at most ``max_bytes``: the name and the size checked."""

    max_bytes = MAX_UPLOAD_BYTES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(NOT_CSV)
        if upload.size > self.max_bytes:
            size = {"size": f"{upload.size / 2**20:.1f}", "limit": self.max_bytes // 2**20}
            raise forms.ValidationError(TOO_LARGE % size)
        return upload


class PersonImportForm(CsvUploadForm):
    conflict = forms.ModelChoiceField(Conflict.objects.all(), label=_("Conflict"))
    party = forms.ModelChoiceField(
        Party.objects.all(),
        label=_("Party"),
        help_text=_("The party the listed persons belong to."),
    )
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, first line naming the columns; at most 50 MB.")
    )
    dry_run = forms.BooleanField(label=_("Only check the rows (import nothing)"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and reject the others"), required=False
    )


def _staff_importer(view):
    return staff_required(permission_required("casualties.add_person", raise_exception=True)(view))


@_staff_importer
@require_http_methods(["GET", "POST"])
def person_import_new(request: HttpRequest) -> HttpResponse:
    form = PersonImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"].read()
        header = columns.header_of(upload)
        # A header that is not all ours is mapped on the next page before the job runs.
        mapping = columns.needs_mapping(header)
        job = PersonImport.objects.create(
            created_by=request.user,
            conflict=data["conflict"],
            party=data["party"],
            file_name=data["file"].name[:255],
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            upload=upload,
            state=PersonImport.State.MAPPING if mapping else PersonImport.State.QUEUED,
            column_map=list(columns.suggest(header).items()) if mapping else [],
        )
        if mapping:
            return redirect("casualties:person_import_columns", pk=job.pk)
        # The worker looks the row up: it must be committed first.
        transaction.on_commit(partial(person_import.defer, job_id=job.pk))
        return redirect("casualties:person_import_detail", pk=job.pk)
    past = PersonImport.objects.select_related("conflict", "party", "created_by")
    context = {
        "form": form,
        "columns": ALLOWED,
        "required": REQUIRED,
        "past_imports": past[:PAST_IMPORTS],
    }
    return render(request, "persons/import.html", context)


class ColumnMappingForm(forms.Form):
    """One choice per column of the file's header: which of ours it is, or ignore it."""

    def __init__(self, *args, mapping: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [IGNORE, *((name, name) for name in ALLOWED)]
        for index, (theirs, ours) in enumerate(mapping):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=theirs, choices=choices, required=False, initial=ours
            )
        self.theirs = [theirs for theirs, _ in mapping]

    def clean(self):
        chosen = [self.cleaned_data.get(f"column_{i}", "") for i in range(len(self.theirs))]
        for column in REQUIRED:
            if column not in chosen:
                self.add_error(None, REQUIRED_COLUMN % {"column": column})
        for column in sorted({c for c in chosen if c and chosen.count(c) > 1}):
            self.add_error(None, CHOSEN_TWICE % {"column": column})
        self.mapping = [list(pair) for pair in zip(self.theirs, chosen, strict=True)]
        return self.cleaned_data


@_staff_importer
@require_http_methods(["GET", "POST"])
def person_import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(pk)
    if job.state != PersonImport.State.MAPPING:
        return redirect("casualties:person_import_detail", pk=job.pk)
    form = ColumnMappingForm(request.POST or None, mapping=job.column_map)
    if request.method == "POST" and form.is_valid():
        job.column_map, job.state = form.mapping, PersonImport.State.QUEUED
        job.save(update_fields=["column_map", "state"])
        transaction.on_commit(partial(person_import.defer, job_id=job.pk))
        return redirect("casualties:person_import_detail", pk=job.pk)
    return render(request, "persons/import_columns.html", {"job": job, "form": form})


def _job(pk: int) -> PersonImport:
    # Whether a file waits, not the file: it may be 50 MB.
    waiting = Case(When(upload=Value(b"", BinaryField()), then=False), default=True)
    jobs = PersonImport.objects.select_related("conflict", "party").annotate(has_file=waiting)
    return get_object_or_404(jobs, pk=pk)


@_staff_importer
def person_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "persons/import_job.html", {"job": _job(pk)})


@_staff_importer
@require_http_methods(["POST"])
def person_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Import now" of a clean check: the same file, options and mapping, for real."""
    job = import_checked(job_id=_job(pk).pk, user=request.user)
    if job is None:
        messages.error(request, NOTHING_TO_IMPORT)
        return redirect("casualties:person_import_detail", pk=pk)
    transaction.on_commit(partial(person_import.defer, job_id=job.pk))
    return redirect("casualties:person_import_detail", pk=job.pk)


@_staff_importer
def person_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(
        PersonImport.objects.only(
            "state", "processed_rows", "total_rows", "imported", "rejected", "error_count"
        ),
        pk=pk,
    )
    return JsonResponse(
        {
            "state": job.state,
            "label": str(job.get_state_display()),
            "processed": job.processed_rows,
            "total": job.total_rows,
            "imported": job.imported,
            "rejected": job.rejected,
            "error_count": job.error_count,
            "finished": job.finished,
        }
    )


@_staff_importer
def person_import_rejects(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(PersonImport.objects.only("file_name", "rejects_csv"), pk=pk)
    if not job.rejects_csv:
        return HttpResponse(status=404)
    name = job.file_name.removesuffix(".csv").replace('"', "") + ".rejects.csv"
    response = HttpResponse(job.rejects_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
