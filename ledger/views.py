"""The public ledger pages (DESIGN §8): every ledger in one table, and one ledger in full.

No login. They show what ``ledger.computation`` computes and nothing else: the ledger
carries no person names and no restricted fields, so neither can these pages; person counts
below PUBLIC_MIN_CELL show as "<5" unless the reader is staff (``ledger.disclosure``).
"""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casualties.choices import FigureCategory, PersonStatus
from casualties.models import Conflict, Party, Source
from core.api.caching import request_data_version
from core.cache import cached
from core.tiers import is_staff
from ledger.charts import returned_bar
from ledger.computation import ledger_for, ledger_series, ledger_summaries
from ledger.disclosure import public_ledger, staff_ledger
from ledger.identification_chart import pipeline_charts
from ledger.page_context import basis_rows, line_switches, registry_rows, takeaway
from ledger.series_chart import default_keys, series_chart
from repatriation.choices import HandoverKind

BAD_REQUEST = 400
AS_OF_INVALID = _("Enter a date as YYYY-MM-DD, for example 2022-09-20.")
CHART_TITLE = _("Official figures and remains received over time")


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
    rows = _local_names(cached(ledger_summaries, as_of=as_of))
    return render(request, "ledger/index.html", {"form": form, "as_of": as_of, "rows": rows})


def _local_names(rows: list[dict]) -> list[dict]:
    """The summaries (computed with the English names, which the API answers) with each
    conflict's and party's name in the page's language, where one is given."""
    if translation.get_language() == "en":
        return rows
    conflicts = {
        c.slug: c.local_name for c in Conflict.objects.only("slug", "name", "name_hy", "name_ru")
    }
    parties = {
        p.code: p.local_name for p in Party.objects.only("code", "name", "name_hy", "name_ru")
    }
    return [
        row
        | {
            "conflict_name": conflicts.get(row["conflict"], row["conflict_name"]),
            "party_name": parties.get(row["party"], row["party_name"]),
        }
        for row in rows
    ]


def _scope(request: HttpRequest, conflict_slug: str, party_code: str):
    conflict = get_object_or_404(Conflict, slug=conflict_slug)
    party = get_object_or_404(Party, code=party_code)
    source = request.GET.get("source") or None
    if source and not Source.objects.filter(name=source, party=party).exists():
        raise Http404  # not an authority of this party
    return conflict, party, source


def _computed(request, conflict, party, as_of, source):
    # This ledger's own data version: a write about another conflict or party leaves it be.
    version = request_data_version(request, (conflict.slug, party.code))
    scope = {"conflict": conflict, "party": party, "as_of": as_of, "source": source}
    ledger = cached(ledger_for, version=version, **scope)
    ledger = staff_ledger(ledger) if is_staff(request.user) else public_ledger(ledger)
    series = cached(ledger_series, version=version, **scope)
    requested = [key for key in request.GET.getlist("lines") if key]
    shown = requested or default_keys(series, ledger["outstanding"]["official_total_categories"])
    return ledger, series, shown, version


def ledger_detail(request: HttpRequest, conflict_slug: str, party_code: str) -> HttpResponse:
    conflict, party, source = _scope(request, conflict_slug, party_code)
    context = {"conflict": conflict, "party": party, "form": AsOfForm(request.GET)}
    if not context["form"].is_valid():
        return render(request, "ledger/detail.html", context, status=BAD_REQUEST)
    as_of = context["form"].cleaned_data["as_of"]
    if is_staff(request.user):
        context.update(_page_context(request, conflict, party, as_of, source))
        return render(request, "ledger/detail.html", context)

    # The public body, rendered, is cached like the ledger it shows: under this ledger's data
    # version and the full URL (host, date, source, lines), in the page's language; the
    # citation names today's date, so it is part of the key too. The header around it (the
    # language form's CSRF token, the login link) is rendered for each reader.
    def public_body(url, today):
        page = context | _page_context(request, conflict, party, as_of, source)
        return render_to_string("ledger/_detail_body.html", page, request=request)

    version = request_data_version(request, (conflict.slug, party.code))
    url, today = request.build_absolute_uri(), timezone.localdate()
    body = cached(public_body, version=version, url=url, today=today)
    return render(request, "ledger/detail.html", context | {"body": body})


def _page_context(request, conflict, party, as_of, source) -> dict:
    ledger, series, shown, version = _computed(request, conflict, party, as_of, source)
    base = {"as_of": as_of and as_of.isoformat(), "source": source}
    return _detail_context(ledger) | {
        "as_of": as_of,
        "ledger": ledger,
        "source": source,
        "chart": series_chart(series, shown),
        "chart_title": CHART_TITLE,
        "switches": line_switches(series, shown, base),
        "take": takeaway(request, conflict=conflict, party=party, ledger=ledger, version=version),
        "pinned_version": request.GET.get("v"),
    }


def ledger_chart(request: HttpRequest, conflict_slug: str, party_code: str) -> HttpResponse:
    """The page's chart as a standalone SVG file (same ``as_of``, ``source``, ``lines``)."""
    conflict, party, source = _scope(request, conflict_slug, party_code)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return HttpResponse(str(AS_OF_INVALID), status=BAD_REQUEST, content_type="text/plain")
    as_of = form.cleaned_data["as_of"]
    _ledger, series, shown, _version = _computed(request, conflict, party, as_of, source)
    context = {"chart": series_chart(series, shown), "chart_title": CHART_TITLE}
    response = render(request, "ledger/chart.svg", context, content_type="image/svg+xml")
    name = f"chart_{conflict.slug}_{party.code}.svg"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _labelled(category: str, figure: dict) -> dict:
    return {**figure, "category": category, "label": FigureCategory(category).label}


def _detail_context(ledger: dict) -> dict:
    """The ledger rearranged for reading: labelled rows in a fixed order, and the bar."""
    returned, outstanding = ledger["returned"], ledger["outstanding"]
    official = ledger["official"]
    return {
        "official_rows": [
            _labelled(category, official[category])
            for category in FigureCategory.values
            if official[category]
        ],
        "other_claims": [_labelled(claim["category"], claim) for claim in ledger["other_claims"]],
        "registry_rows": registry_rows(ledger["registry"]),
        "basis_rows": basis_rows(ledger["registry"]),
        "region_rows": [
            (row["region"], [row[status] for status in PersonStatus.values] + [row["total"]])
            for row in ledger["registry"]["by_region"]
        ],
        "total_label": " + ".join(
            str(FigureCategory(c).label) for c in outstanding["official_total_categories"]
        ),
        "agreements": [
            {**row, "kind_label": HandoverKind(row["kind"]).label} for row in ledger["agreements"]
        ],
        "bar": returned_bar(
            official_total=outstanding["official_total"],
            returned_min=returned["individuals_min"],
            returned_max=returned["individuals_max"],
            pending=returned["pending"],
        ),
        "pipeline_charts": pipeline_charts(ledger.get("identification")),
        "pipeline_caption": _("Remains received and identified"),
        "series": [
            ("official_total", _("Official total")),
            ("official_returned", _("Officially stated as returned")),
            ("received", _("Received in verified handovers, cumulative")),
        ],
    }
