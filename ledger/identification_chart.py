"""The identification pipeline drawn on the server as SVG bars: the backlog by age, and the
share confirmed within 30/90/180/365 days of receipt. Geometry only; the template
(``ledger/_identification.html``) writes the SVG beside a table giving the same numbers."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ledger.sql.identification import AGE_BANDS, WITHIN_DAYS

WIDTH = 1000  # the bars' coordinate space; the label column is drawn in HTML-free SVG text
LABEL_WIDTH = 260
ROW_HEIGHT = 28
BAR_HEIGHT = 18

BAND_LABELS = {
    "0-30": _("0–30 days"),
    "31-90": _("31–90 days"),
    "91-180": _("91–180 days"),
    "181-365": _("181–365 days"),
    "over_365": _("over 365 days"),
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | None  # None: no remains qualify yet
    y: float
    width: float  # in the space right of the labels


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    percent: bool

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars)

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH} {self.height}"

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def text_offset(self) -> int:
        return BAR_HEIGHT - 4

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def _bars(rows: list[tuple[str, int | float | None]], top: float) -> list[Bar]:
    room = WIDTH - LABEL_WIDTH - 120  # leave space for the value written after the bar
    return [
        Bar(str(label), value, index * ROW_HEIGHT, round((value or 0) / top * room, 1))
        for index, (label, value) in enumerate(rows)
    ]


def pipeline_charts(block: dict) -> list[BarChart]:
    """The two bar charts of one ``identification`` block (empty when nothing was received)."""
    if not block or not block["received"]:
        return []
    backlog = [(BAND_LABELS[key], block["backlog_by_age"][key]) for key, _f, _l in AGE_BANDS]
    shares = [
        (_("within %(days)s days") % {"days": days}, block["confirmed_within"][str(days)])
        for days in WITHIN_DAYS
    ]
    return [
        BarChart(
            _("Backlog: remains not yet confirmed, by days since receipt"),
            _bars(backlog, max(value for _label, value in backlog) or 1),
            percent=False,
        ),
        BarChart(
            _("Share confirmed within so many days of receipt"), _bars(shares, 1), percent=True
        ),
    ]
