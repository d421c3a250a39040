"""The public record of one verified handover (DESIGN §8): what a discrepancy links to.

Public fields only (no clerk or verifier, no review comment, no restricted remains fields),
and the remains as counts by condition and identification, never one row per body.
"""

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ledger.identification import handover_identification
from ledger.identification_chart import pipeline_charts
from repatriation.choices import HandoverState, Identification, RemainsCondition
from repatriation.models import Handover, Remains


def handover_public(
    request: HttpRequest, conflict_slug: str, party_code: str, pk: int
) -> HttpResponse:
    handover = get_object_or_404(
        Handover.objects.select_related(
            "conflict", "agreement", "from_party", "to_party", "mediator", "reported_by"
        ),
        pk=pk,
        conflict__slug=conflict_slug,
        to_party__code=party_code,
    )
    if handover.state != HandoverState.VERIFIED:
        raise Http404  # a draft does not exist for the public
    counts = {
        (row["condition"], row["identification"]): row["n"]
        for row in Remains.objects.filter(handover=handover)
        .values("condition", "identification")
        .annotate(n=Count("id"))
    }
    rows = [
        {
            "label": condition.label,
            "cells": [counts.get((condition.value, ident.value), 0) for ident in Identification],
            "total": sum(counts.get((condition.value, i.value), 0) for i in Identification),
        }
        for condition in RemainsCondition
    ]
    context = {
        "handover": handover,
        "conflict": handover.conflict,
        "party": handover.to_party,
        "identifications": [ident.label for ident in Identification],
        "rows": rows,
        "received": sum(counts.values()),
    }
    pipeline = handover_identification(handover=handover)
    context.update(
        pipeline=pipeline,
        pipeline_charts=pipeline_charts(pipeline),
        pipeline_caption=_("Identification of the remains of this handover"),
    )
    return render(request, "ledger/handover.html", context)
