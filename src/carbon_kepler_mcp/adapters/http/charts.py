"""Server-rendered SVG charts: no JavaScript, no library, nothing fetched, readable by screen readers.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` stating what it shows in words, and
the page puts the same numbers in a table next to it. Colours come from CSS classes (``style.css``), so the
charts follow the page's light or dark theme. Every text is escaped here; callers pass plain strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class HourPoint:
    """One hour of the intensity series."""

    start: datetime
    value: float


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a horizontal bar chart."""

    key: str
    label: str
    value: float
    value_text: str
    css: str
    tag: str = ""


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2, 2.5 or 5 × 10ⁿ)."""
    span = max(high - low, 1e-9)
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks: list[float] = []
    value = first
    while value <= high + step * 0.5:
        ticks.append(round(value, 6))
        value += step
    return ticks


def intensity_chart(
    points: Sequence[HourPoint],
    *,
    optimal: tuple[datetime, datetime],
    now: datetime,
    title: str,
    description: str,
    optimal_label: str,
    now_label: str,
    unit: str = "gCO2eq/kWh",
) -> Markup:
    """A step chart of hourly intensity with the optimal window highlighted and a marker at now."""
    width, height = 760, 300
    left, right, top, bottom = 56, 16, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    t0 = points[0].start
    t1 = points[-1].start + timedelta(hours=1)
    total = (t1 - t0).total_seconds()
    values = [p.value for p in points]
    lo_v, hi_v = min(values), max(values)
    pad = max((hi_v - lo_v) * 0.2, 5.0)
    ticks = nice_ticks(lo_v - pad, hi_v + pad)
    y_lo, y_hi = ticks[0], ticks[-1]

    def x(moment: datetime) -> float:
        share = (moment - t0).total_seconds() / total
        return left + min(max(share, 0.0), 1.0) * plot_w

    def y(value: float) -> float:
        return top + (1 - (value - y_lo) / (y_hi - y_lo)) * plot_h

    parts: list[str] = [
        f'<svg class="chart chart-intensity" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="ci-title ci-desc" preserveAspectRatio="xMidYMid meet" '
        f'data-optimal-start="{_a(optimal[0].isoformat())}" data-optimal-end="{_a(optimal[1].isoformat())}">',
        f'<title id="ci-title">{_a(title)}</title>',
        f'<desc id="ci-desc">{_a(description)}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{_n(ty)}" y2="{_n(ty)}"/>')
        parts.append(f'<text class="axis" x="{left - 8}" y="{_n(ty + 4)}" text-anchor="end">{tick:g}</text>')
    parts.append(f'<text class="axis unit" x="4" y="{top - 14}">{_a(unit)}</text>')

    ox0, ox1 = x(optimal[0]), x(optimal[1])
    parts.append(
        f'<rect class="optimal-band" x="{_n(ox0)}" y="{top}" width="{_n(max(ox1 - ox0, 1))}" height="{plot_h}" '
        f'data-testid="optimal-window"/>'
    )
    label_x = min(max((ox0 + ox1) / 2, left + 70), left + plot_w - 70)
    parts.append(
        f'<text class="optimal-label" x="{_n(label_x)}" y="{top - 8}" text-anchor="middle">{_a(optimal_label)}</text>'
    )

    baseline = y(y_lo)
    path: list[str] = []
    for i, point in enumerate(points):
        xa, xb = x(point.start), x(point.start + timedelta(hours=1))
        yv = y(point.value)
        path.append(f"{'M' if i == 0 else 'L'}{_n(xa)},{_n(yv)} L{_n(xb)},{_n(yv)}")
    line = " ".join(path)
    area = f"{line} L{_n(x(t1))},{_n(baseline)} L{_n(x(t0))},{_n(baseline)} Z"
    parts.append(f'<path class="area" d="{area}"/>')
    parts.append(f'<path class="line" d="{line}"/>')

    for point in points:
        xa, xb = x(point.start), x(point.start + timedelta(hours=1))
        inside = optimal[0] <= point.start < optimal[1]
        label = f"{point.start:%H:00} {point.value:,.1f} {unit}"
        parts.append(
            f'<rect class="hour{" hour-optimal" if inside else ""}" x="{_n(xa)}" y="{top}" width="{_n(xb - xa)}" '
            f'height="{plot_h}" data-hour="{_a(point.start.isoformat())}" data-value="{point.value!r}">'
            f"<title>{_a(label)}</title></rect>"
        )
        if point.start.hour % 3 == 0:
            parts.append(
                f'<text class="axis" x="{_n(xa)}" y="{top + plot_h + 18}" text-anchor="middle">{point.start:%H:00}</text>'
            )
        if point.start.hour == 0 and point.start != t0:
            parts.append(f'<line class="midnight" x1="{_n(xa)}" x2="{_n(xa)}" y1="{top}" y2="{top + plot_h}"/>')
            parts.append(f'<text class="axis date" x="{_n(xa + 4)}" y="{top + plot_h + 34}">{point.start:%m-%d}</text>')

    nx = x(now)
    parts.append(f'<line class="now" x1="{_n(nx)}" x2="{_n(nx)}" y1="{top}" y2="{top + plot_h}"/>')
    parts.append(f'<text class="now-label" x="{_n(nx + 4)}" y="{top + 12}">{_a(now_label)}</text>')
    parts.append(f'<line class="axis-line" x1="{left}" x2="{left + plot_w}" y1="{_n(baseline)}" y2="{_n(baseline)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(bars: Sequence[Bar], *, title: str, description: str, chart_id: str, unit: str) -> Markup:
    """Horizontal bars from zero, one row per item, value printed at the end of each bar."""
    row_h, gap = 26, 8
    label_w, value_w = 300, 150
    width = 760
    top = 8
    plot_w = width - label_w - value_w
    height = top + len(bars) * (row_h + gap) + 4
    high = max((b.value for b in bars), default=0.0) or 1.0
    parts: list[str] = [
        f'<svg class="chart chart-bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{chart_id}-title">{_a(title)}</title>',
        f'<desc id="{chart_id}-desc">{_a(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y0 = top + i * (row_h + gap)
        w = max(bar.value / high * plot_w, 1.5)
        value = bar.value_text + (f" · {bar.tag}" if bar.tag else "")
        parts.append(
            f'<g class="bar-row {bar.css}" data-key="{_a(bar.key)}" data-value="{bar.value!r}">'
            f'<text class="bar-label" x="{label_w - 10}" y="{y0 + row_h / 2 + 5:.1f}" text-anchor="end">{_a(bar.label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y0}" width="{w:.1f}" height="{row_h}" rx="3">'
            f"<title>{_a(bar.label)}: {_a(bar.value_text)} {_a(unit)}</title></rect>"
            f'<text class="bar-value" x="{label_w + w + 8:.1f}" y="{y0 + row_h / 2 + 5:.1f}">{_a(value)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
