"""Chart geometry for the ledger page, drawn on the server as SVG: no JavaScript, no libraries.

The functions here only turn numbers into coordinates; the templates
(``ledger/_timeline_chart.html``, ``ledger/_returned_bar.html``) write the SVG and format dates
and numbers for the reader's language. Keeping the geometry in plain Python keeps it testable.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The timeline's three series: the key in each ledger timeline point, and its legend.
TIMELINE_SERIES = (
    ("official_total", _("Official total killed or missing")),
    ("official_returned", _("Officially stated as returned")),
    ("received", _("Received in verified handovers, cumulative")),
)


# Above this many changes a series is drawn as a bare line: dots would merge into a smear.
MAX_MARKERS = 40


@dataclass(frozen=True)
class Tick:
    position: float  # x for a date tick, y for a value tick
    label: datetime.date | int


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    date: datetime.date
    value: int


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    lines: list[str]  # one SVG ``points`` attribute per unbroken run of stated values
    markers: list[Marker]


class PlotArea:
    """The frame both line charts draw in: the SVG's size and the plot inside its margins."""

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class TimelineChart(PlotArea):
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    series: list[Series] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.series

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


def nice_step(largest: int, count: int = 4) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``count`` ticks."""
    raw = max(largest, 1) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    return max(int(step), 1)


def _fmt(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def _step_lines(points: list[tuple[float, float | None]]) -> list[str]:
    """Step-after lines: a value holds until the next date, then the line jumps to the new one.

    A None value (nothing stated yet) breaks the line instead of drawing it at zero.
    """
    lines, run, previous_y = [], [], None
    for x, y in points:
        if y is None:
            if run:
                lines.append(run)
            run, previous_y = [], None
            continue
        if previous_y is not None and previous_y != y:
            run.append((x, previous_y))
        if not run or run[-1] != (x, y):
            run.append((x, y))
        previous_y = y
    if run:
        lines.append(run)
    return [" ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in line) for line in lines]


def _date_ticks(dates: list[datetime.date], x_of, min_gap: float) -> list[Tick]:
    """The first and last date, and those between that leave room for their labels."""
    last = dates[-1]
    ticks = [Tick(x_of(dates[0]), dates[0])]
    for day in dates[1:]:
        x = x_of(day)
        if x - ticks[-1].position < min_gap:
            continue
        if day != last and x_of(last) - x < min_gap:
            continue
        ticks.append(Tick(x, day))
    return ticks


def _date_domain(dates: list[datetime.date]) -> tuple[datetime.date, datetime.date]:
    start, end = dates[0], dates[-1]
    if start == end:  # one day: centre it rather than divide by a zero-day span
        start -= datetime.timedelta(days=1)
    # Room after the last date, so its values show as a level line and not only as a jump at
    # the edge: every series holds its last value until the reader's day.
    return start, end + datetime.timedelta(days=max((end - start).days // 10, 1))


def _value_scale(timeline: list[dict]) -> tuple[int, int]:
    """The top of the value axis and its tick step, both round numbers."""
    values = [p[key] for p in timeline for key, _label in TIMELINE_SERIES if p[key] is not None]
    largest = max(values, default=0)
    step = nice_step(largest)
    return max(math.ceil(largest / step), 1) * step, step


def _series(key: str, label: str, timeline: list[dict], x_of, y_of, right: float) -> Series:
    points = [(x_of(p["date"]), None if p[key] is None else y_of(p[key])) for p in timeline]
    points.append((right, points[-1][1]))
    # A marker where the value changed: carried-forward points are not new evidence.
    markers = [
        Marker(x_of(p["date"]), y_of(p[key]), p["date"], p[key])
        for before, p in zip([None, *timeline], timeline, strict=False)
        if p[key] is not None and (before is None or before[key] != p[key])
    ]
    return Series(key, label, _step_lines(points), markers if len(markers) <= MAX_MARKERS else [])


def timeline_chart(
    timeline: list[dict], *, width: int = 640, height: int = 300, min_label_gap: int = 110
) -> TimelineChart:
    """Coordinates for the ledger timeline: one step line per series, dates along the bottom.

    ``timeline`` is the ledger's list of ``{date, official_total, official_returned,
    received}`` in date order; values may be None before a figure was first stated. An empty
    list gives an empty chart, which the template draws as a "no data" panel.
    """
    left, top, right, bottom = 64, 16, width - 56, height - 40
    if not timeline:
        return TimelineChart(width, height, left, top, right, bottom)
    dates = [point["date"] for point in timeline]
    start, end = _date_domain(dates)
    top_value, step = _value_scale(timeline)

    def x_of(day: datetime.date) -> float:
        return round(left + (day - start).days / (end - start).days * (right - left), 1)

    def y_of(value: int) -> float:
        return round(bottom - value / top_value * (bottom - top), 1)

    return TimelineChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        series=[_series(k, label, timeline, x_of, y_of, right) for k, label in TIMELINE_SERIES],
        x_ticks=_date_ticks(dates, x_of, min_label_gap),
        y_ticks=[Tick(y_of(v), v) for v in range(0, top_value + 1, step)],
    )


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    x: float  # in the bar's 0–1000 coordinate space
    width: float


@dataclass(frozen=True)
class ReturnedBar:
    """The official total as a 1000-unit-wide bar, split by what came back of it."""

    total: int
    segments: list[Segment]
    total_x: float | None  # where the official total ends, when more came back than it


def returned_bar(
    *, official_total: int | None, returned_min: int, returned_max: int, pending: int
) -> ReturnedBar | None:
    """Split the official total into returned, possibly returned, pending and not returned.

    ``returned_max - returned_min`` are partial remains that may or may not be further people;
    ``pending`` are remains in handovers not yet verified. None when there is no official
    total to measure against.
    """
    if official_total is None:
        return None
    parts = [
        ("returned", _("Returned (verified handovers)"), returned_min),
        ("uncertain", _("Partial remains, possibly further people"), returned_max - returned_min),
        ("pending", _("In handovers awaiting verification"), pending),
    ]
    counted = sum(value for _key, _label, value in parts)
    parts.append(("not_returned", _("Not returned"), max(official_total - counted, 0)))
    scale = 1000 / max(official_total, counted, 1)
    segments, x = [], 0.0
    for key, label, value in parts:
        segments.append(Segment(key, label, value, round(x, 1), round(value * scale, 1)))
        x += value * scale
    total_x = round(official_total * scale, 1) if counted > official_total else None
    return ReturnedBar(official_total, segments, total_x)
