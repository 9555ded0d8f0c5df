"""The reports page's charts as geometry: numbers in, shapes and labels out, for the template
(``reports.html``) to write as inline SVG.

Readable in black and white and without colour: each series of the weekly trend has its own
line (solid, dashed, dotted) and marker (circle, square, triangle) and is labelled where it
ends; a stage's median is a solid bar and its 90th percentile a hatched one, each with its
value written beside it; the overdue share is a hatched part of a bar with its percentage.
Sizes are in the SVG's own units (a ``viewBox``: the chart scales to the page's width, a
390-px phone too); every label is already in the reader's language and number format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from approvals import texts
from approvals.store.reports import Report
from approvals.texts import formats

WIDTH = 480
#: The weekly series: key, line dash, marker.
SERIES = (("started", "", "circle"), ("completed", "6 3", "square"),
          ("rejected", "2 3", "triangle"))


@dataclass
class Chart:
    width: int
    height: int
    title: str
    parts: dict[str, Any] = field(default_factory=dict)


def percent(share: float | None, locale: str) -> str:
    """A share (0 to 1) as a percentage the reader's way: ``12.5 %`` / ``12,5 %``."""
    if share is None:
        return "—"
    return f"{formats.format_number(round(share * 100, 1), locale)}\u00a0%"


def duration(seconds: float | None, locale: str) -> str:
    return "—" if seconds is None else formats.format_duration(seconds, locale)


def _nice_top(value: float) -> tuple[float, float]:
    """An axis top at or above ``value`` and a tick step giving at most five ticks."""
    value = max(value, 1)
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (magnitude / 5, magnitude / 2, magnitude, magnitude * 2, magnitude * 5):
        step = max(step, 1)
        if math.ceil(value / step) <= 5:
            return math.ceil(value / step) * step, step
    return value, value


def trend(found: Report, locale: str) -> Chart:
    """The instances started, completed and rejected each ISO week: three lines."""
    weeks = found.figures.weeks
    left, right, top, bottom = 40, 118, 14, 36
    height = 230
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    highest = max([max(w.started, w.completed, w.rejected) for w in weeks] + [1])
    axis_top, step = _nice_top(highest)

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(weeks) == 1 else plot_w * i / (len(weeks) - 1))

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / axis_top

    ticks = [{"y": round(y(v), 1), "label": formats.format_number(int(v), locale)}
             for v in _range(0, axis_top, step)]
    every = max(1, math.ceil(len(weeks) / 8))
    x_labels = [{"x": round(x(i), 1), "label": f"W{w.week:02d}" + ("*" if w.partial else "")}
                for i, w in enumerate(weeks) if i % every == 0 or i == len(weeks) - 1]
    if len(x_labels) > 1 and x_labels[-1]["x"] - x_labels[-2]["x"] < 40:
        del x_labels[-2]  # the last week's label wins over a neighbour it would overlap
    series = []
    for key, dash, marker in SERIES:
        values = [getattr(w, key) for w in weeks]
        points = [(round(x(i), 1), round(y(v), 1)) for i, v in enumerate(values)]
        name = texts.t(f"reports.{key}", locale)
        series.append({"key": key, "dash": dash, "marker": marker, "name": name,
                       "points": points, "path": " ".join(f"{px},{py}" for px, py in points),
                       "last": values[-1] if values else 0,
                       "label_y": points[-1][1] if points else y(0)})
    _spread([s for s in series], "label_y", 13, top, top + plot_h)
    for s in series:
        s["label"] = f"{s['name']}: {formats.format_number(s['last'], locale)}"
    title = texts.t("reports.trend_title", locale)
    return Chart(WIDTH, height, title, {
        "left": left, "top": top, "plot_w": plot_w, "plot_h": plot_h,
        "bottom": top + plot_h, "label_x": round(x(len(weeks) - 1) + 8, 1) if weeks else left,
        "ticks": ticks, "x_labels": x_labels, "series": series})


def _range(first: float, last: float, step: float) -> list[float]:
    values, value = [], first
    while value <= last + step / 1000:
        values.append(value)
        value += step
    return values


def _spread(items: list[dict], key: str, gap: float, low: float, high: float) -> None:
    """Move labels' ``key`` apart so that no two are closer than ``gap`` (direct labels of
    lines ending at the same value would overlap)."""
    items.sort(key=lambda item: item[key])
    for before, after in zip(items, items[1:], strict=False):
        if after[key] - before[key] < gap:
            after[key] = before[key] + gap
    overflow = items[-1][key] - high if items else 0
    if overflow > 0:
        for item in items:
            item[key] = max(low, item[key] - overflow)
    for item in items:
        item[key] = round(item[key], 1)


def stages(found: Report, locale: str) -> Chart:
    """Each stage's median (a solid bar) and 90th percentile (a hatched bar) of time spent."""
    figures = found.figures.stages
    left, label_room, bar_h, row_h, top = 6, 170, 13, 58, 6
    scale_w = WIDTH - left - label_room
    longest = max([s.p90 for s in figures] + [1.0])
    rows = []
    for i, s in enumerate(figures):
        y = top + i * row_h
        name = found.stage_names.get((s.process_id, s.stage), s.stage)
        if not found.query.process:
            name = f"{found.process_names.get(s.process_id, s.process_id)} · {name}"
        rows.append({
            "label": _cut(name, 70), "label_y": y + 12,
            "median_y": y + 18, "median_w": round(max(1.5, scale_w * s.median / longest), 1),
            "median": texts.t("reports.median_value", locale, value=duration(s.median,
                                                                            locale)),
            "p90_y": y + 18 + bar_h + 4, "p90_w": round(max(1.5, scale_w * s.p90 / longest), 1),
            "p90": texts.t("reports.p90_value", locale, value=duration(s.p90, locale))})
    height = max(40, top + len(figures) * row_h)
    return Chart(WIDTH, height, texts.t("reports.stages_title", locale), {
        "left": left, "bar_h": bar_h, "rows": rows})


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def overdue(found: Report, locale: str) -> Chart:
    """The overdue share as the hatched part of a bar."""
    f = found.figures
    share = f.overdue_share or 0.0
    left, bar_w, bar_h = 6, WIDTH - 12, 26
    return Chart(WIDTH, 64, texts.t("reports.overdue_title", locale), {
        "left": left, "bar_w": bar_w, "bar_h": bar_h,
        "overdue_w": round(bar_w * share, 1),
        "label": texts.t("reports.overdue_value", locale, share=percent(f.overdue_share, locale),
                         overdue=formats.format_number(f.overdue, locale),
                         total=formats.format_number(f.with_deadline, locale))})
