"""The public ledger pages (DESIGN §8): every ledger in one table, and one ledger in full.

No login. They show what ``ledger.computation`` computes and nothing else: the ledger
carries no person names and no restricted fields, so neither can these pages.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from casualties.choices import FigureCategory, PersonStatus
from casualties.models import Conflict, Party
from core.cache import cached
from ledger.charts import TIMELINE_SERIES, returned_bar, timeline_chart
from ledger.computation import ledger_for, ledger_summaries
from repatriation.choices import HandoverKind

BAD_REQUEST = 400
AS_OF_INVALID = _("Enter a date as YYYY-MM-DD, for example 2022-09-20.")


class AsOfForm(forms.Form):
    """``?as_of=YYYY-MM-DD``: compute the ledger from what was dated on or before that day."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Show the evidence as it stood on this day. Leave empty for the latest."),
        error_messages={"invalid": AS_OF_INVALID},
    )


def ledger_list(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return render(request, "ledger/index.html", {"form": form}, status=BAD_REQUEST)
    as_of = form.cleaned_data["as_of"]
    rows = cached(ledger_summaries, as_of=as_of)
    return render(request, "ledger/index.html", {"form": form, "as_of": as_of, "rows": rows})


def ledger_detail(request: HttpRequest, conflict_slug: str, party_code: str) -> HttpResponse:
    conflict = get_object_or_404(Conflict, slug=conflict_slug)
    party = get_object_or_404(Party, code=party_code)
    context = {"conflict": conflict, "party": party, "form": AsOfForm(request.GET)}
    if not context["form"].is_valid():
        return render(request, "ledger/detail.html", context, status=BAD_REQUEST)
    as_of = context["form"].cleaned_data["as_of"]
    ledger = cached(ledger_for, conflict=conflict, party=party, as_of=as_of)
    context.update(_detail_context(ledger), as_of=as_of, ledger=ledger)
    return render(request, "ledger/detail.html", context)


def _labelled(category: str, figure: dict) -> dict:
    return {**figure, "category": category, "label": FigureCategory(category).label}


def _detail_context(ledger: dict) -> dict:
    """The ledger rearranged for reading: labelled rows in a fixed order, and the charts."""
    returned, outstanding = ledger["returned"], ledger["outstanding"]
    official = ledger["official"]
    return {
        "official_rows": [
            _labelled(category, official[category])
            for category in FigureCategory.values
            if official[category]
        ],
        "other_claims": [_labelled(claim["category"], claim) for claim in ledger["other_claims"]],
        "registry_rows": [
            (PersonStatus(status).label, ledger["registry"][status])
            for status in PersonStatus.values
        ],
        "agreements": [
            {**row, "kind_label": HandoverKind(row["kind"]).label} for row in ledger["agreements"]
        ],
        "bar": returned_bar(
            official_total=outstanding["official_total"],
            returned_min=returned["individuals_min"],
            returned_max=returned["individuals_max"],
            pending=returned["pending"],
        ),
        "chart": timeline_chart(ledger["timeline"]),
        "series": TIMELINE_SERIES,
    }
