"""What the ledger page adds around the ledger: the chart's line switches, the disclosure
display, and the take-away strip (downloads, permalink, "cite this", last updated)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casualties.choices import PersonStatus, StatusBasis


def query(params: dict) -> str:
    pairs = [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
    pairs = [(k, v) for k, v in pairs if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


def line_switches(series: list[dict], shown: list[str], base: dict) -> list[dict]:
    """One link per series that shows it or hides it, keeping the other choices (no JS)."""
    switches = []
    for line in series:
        on = line["key"] in shown
        keys = [k for k in shown if k != line["key"]] if on else [*shown, line["key"]]
        switches.append(
            {
                "key": line["key"],
                "label": line["label"],
                "on": on,
                "href": query({**base, "lines": keys or ["none"]}),
            }
        )
    return switches


def registry_rows(registry: dict) -> list[tuple]:
    return [(PersonStatus(status).label, registry[status]) for status in PersonStatus.values]


def basis_rows(registry: dict) -> list[tuple]:
    """(status label, basis label, count) for each cell of ``registry.by_basis``."""
    return [
        (PersonStatus(status).label, StatusBasis(basis).label, count)
        for status, bases in registry["by_basis"].items()
        for basis, count in bases.items()
    ]


def takeaway(request, *, conflict, party, ledger: dict, version: tuple) -> dict:
    """Download links, API link, permalink and citation of the page as shown."""
    number, changed_at = version
    args = (conflict.slug, party.code)
    given = {"as_of": ledger["as_of"] and ledger["as_of"].isoformat(), "source": ledger["source"]}
    api = reverse("api:ledger-detail", args=args)
    timeline = reverse("api:ledger-timeline", args=args)
    page = reverse("repatriation:ledger_detail", args=args)
    today = timezone.localdate()
    # The permalink pins the day (evidence dated later never changes it) and names the data
    # version it was made from, so a reader can tell when the data were revised since.
    pinned = {**given, "as_of": given["as_of"] or today.isoformat(), "v": number}
    permalink = request.build_absolute_uri(page + query(pinned))
    sources = [source["name"] for source in ledger["sources"]]
    title = _("%(party)s, %(conflict)s: casualty and repatriation ledger") % {
        "party": party.name,
        "conflict": conflict.name,
    }
    cite = _(
        "%(title)s. Sources: %(sources)s. Data version %(version)s. Retrieved %(date)s. %(url)s"
    ) % {
        "title": title,
        "sources": "; ".join(sources) or _("none stated"),
        "version": number,
        "date": today.isoformat(),
        "url": permalink,
    }
    return {
        "json": api + query(given),
        "csv": timeline + query({**given, "format": "csv"}),
        "svg": reverse("repatriation:ledger_chart", args=args) + query(given),
        "api": api,
        "permalink": permalink,
        "cite": cite,
        "version": number,
        "updated": changed_at,
        "sources": sources,
    }
