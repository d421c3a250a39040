"""``/handovers/import/``: a remains file uploaded as one draft handover, with the same counts
and errors as ``manage.py import_handover``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from repatriation.import_forms import HandoverImportForm
from repatriation.importing import handover_import, summary

BAD_REQUEST = 400
# Generous for the longest allowed handover; a larger file is refused before it is read.
BYTES_PER_ROW = 2048
TOO_LARGE = _("The file is larger than %(max)s bytes: no handover lists that many remains.")


@staff_required
@permission_required("repatriation.add_handover", raise_exception=True)
@require_http_methods(["GET", "POST"])
def handover_import_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, HandoverImportForm())
    form = HandoverImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form, status=BAD_REQUEST)
    upload = form.cleaned_data["file"]
    cap = settings.MAX_REMAINS_PER_HANDOVER * BYTES_PER_ROW
    if upload.size > cap:
        form.add_error("file", TOO_LARGE % {"max": cap})
        return _render(request, form, status=BAD_REQUEST)
    result = handover_import(upload.read(), user=request.user, **form.handover_fields())
    if result.handover is None:
        return _render(request, form, result=result, status=BAD_REQUEST)
    messages.success(request, summary(result))
    return redirect("repatriation:handover_detail", result.handover.pk)


def _render(request, form, *, result=None, status=200) -> HttpResponse:
    context = {"form": form, "result": result, "summary": result and summary(result)}
    return render(request, "handovers/import.html", context, status=status)
