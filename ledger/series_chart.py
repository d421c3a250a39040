"""The ledger page's chart of every series (DESIGN §4 ``series``), as SVG geometry.

Which lines are drawn is the reader's choice (``?lines=`` links, no JavaScript needed); by
default the official total's categories, the official "remains returned" and what was
received. Each drawn line is labelled with its last value at its right end (as Our World in
Data does), the labels pushed apart so they never overlap. The geometry helpers are those of
``ledger.charts``.
"""

import datetime
import math
from dataclasses import dataclass, field

from ledger.charts import (
    MAX_MARKERS,
    Marker,
    PlotArea,
    Tick,
    _date_domain,
    _date_ticks,
    _step_lines,
    nice_step,
)
from ledger.series import RECEIVED

# Room between two end labels, in chart units (the text is 14 units high).
LABEL_GAP = 16
# Line colours as SVG attributes, so the downloaded SVG (no stylesheet) looks as the page does.
# Dark enough for 4.5:1 on white, told apart by hue; received is the wide grey band.
PALETTE = ("#b3261e", "#1a5fa8", "#6b3fa0", "#2e6b30", "#9a4d00", "#00707a", "#5d4037", "#a3134f")
RECEIVED_COLOUR = "#4d4d4d"


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    colour: str
    lines: list[str]
    markers: list[Marker]
    last: int
    label_y: float


@dataclass(frozen=True)
class SeriesChart(PlotArea):
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    # Every series' colour, drawn or not: the legend's swatches, the same before and after a
    # line is switched on.
    colours: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


def default_keys(series: list[dict], headline: list[str]) -> list[str]:
    """The headline categories (each source's line), the official "remains returned", and
    what was received."""
    wanted = {*headline, "remains_returned"}
    return [
        s["key"]
        for s in series
        if s["key"] == RECEIVED or (s["kind"] == "official" and s["category"] in wanted)
    ]


def _colour(series: list[dict], index: int) -> str:
    return RECEIVED_COLOUR if series[index]["key"] == RECEIVED else PALETTE[index % len(PALETTE)]


def _spread(ys: list[float], top: float, bottom: float) -> list[float]:
    """Label positions near ``ys`` but at least LABEL_GAP apart, inside [top, bottom]."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    previous = top - LABEL_GAP
    for i in order:
        placed[i] = max(ys[i], previous + LABEL_GAP)
        previous = placed[i]
    overflow = previous - bottom
    if overflow > 0:  # pushed past the bottom: shift the whole stack up
        placed = [y - overflow for y in placed]
    return [round(y, 1) for y in placed]


def series_chart(
    series: list[dict], keys: list[str], *, width: int = 400, height: int = 260
) -> SeriesChart:
    """Coordinates for the drawn series (``keys``, in the order of ``series``).

    400 units wide with 14-unit text: on a 390 px phone (about 358 px of column) the text is
    still 12.5 CSS px; ledger.css caps the chart's width so it does not grow huge on a desk.
    """
    left, top, right, bottom = 48, 14, width - 62, height - 34
    colours = [(line["key"], _colour(series, i)) for i, line in enumerate(series)]
    drawn = [s for s in series if s["key"] in keys and s["points"]]
    if not drawn:
        return SeriesChart(width, height, left, top, right, bottom, colours=colours)
    dates = sorted({p["date"] for s in drawn for p in s["points"]})
    start, end = _date_domain(dates)
    largest = max(p["value"] for s in drawn for p in s["points"])
    step = nice_step(largest)
    top_value = max(math.ceil(largest / step), 1) * step

    def x_of(day: datetime.date) -> float:
        return round(left + (day - start).days / (end - start).days * (right - left), 1)

    def y_of(value: int) -> float:
        return round(bottom - value / top_value * (bottom - top), 1)

    label_ys = _spread([y_of(s["points"][-1]["value"]) for s in drawn], top, bottom)
    lines = []
    for line, label_y in zip(drawn, label_ys, strict=True):
        points = [(x_of(p["date"]), y_of(p["value"])) for p in line["points"]]
        points.append((right, points[-1][1]))
        markers = [
            Marker(x_of(p["date"]), y_of(p["value"]), p["date"], p["value"]) for p in line["points"]
        ]
        lines.append(
            Line(
                key=line["key"],
                label=line["label"],
                colour=_colour(series, series.index(line)),
                lines=_step_lines(points),
                markers=markers if len(markers) <= MAX_MARKERS else [],
                last=line["points"][-1]["value"],
                label_y=label_y,
            )
        )
    return SeriesChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        lines=lines,
        x_ticks=_date_ticks(dates, x_of, 100),
        y_ticks=[Tick(y_of(v), v) for v in range(0, top_value + 1, step)],
        colours=colours,
    )
