"""The identification pipeline drawn on the server as SVG bars: the backlog by age, and the
share confirmed within 30/90/180/365 days of receipt. Geometry only; the template
(``ledger/_identification.html``) writes the SVG beside a table giving the same numbers."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ledger.sql.identification import AGE_BANDS, WITHIN_DAYS

# A narrow view box, scaled to the column's width by CSS (`.pipeline-chart`): its 14-unit
# text stays at least 12 CSS px on a 390 px phone. Each row writes its label on a line of
# its own above the bar, so a long (translated) label never squeezes the bar, and the value
# after the bar's end, on the page background: never text on a coloured fill.
WIDTH = 400
LABEL_BASELINE = 15  # the label's baseline, from the top of its row
BAR_TOP = 21
BAR_HEIGHT = 16
VALUE_BASELINE = BAR_TOP + 13
ROW_HEIGHT = 46
VALUE_GAP = 6
VALUE_ROOM = 64  # right of the longest bar, for its value ("100%", "12,345")

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
    y: float  # the top of the row
    width: float

    @property
    def label_y(self) -> float:
        return self.y + LABEL_BASELINE

    @property
    def bar_y(self) -> float:
        return self.y + BAR_TOP

    @property
    def value_x(self) -> float:
        return self.width + VALUE_GAP

    @property
    def value_y(self) -> float:
        return self.y + VALUE_BASELINE


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
    def bar_height(self) -> int:
        return BAR_HEIGHT


def _bars(rows: list[tuple[str, int | float | None]], top: float) -> list[Bar]:
    room = WIDTH - VALUE_ROOM
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
