"""Small SVG charts drawn on the server, for the printed briefing (no JavaScript in a PDF).

Each function returns safe SVG markup sized in user units; the page scales it to its box.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = 'font-family="WenQuanYi Micro Hei, sans-serif"'
BLUE = "#1f4e8c"
TEAL = "#0b8a7a"
ORANGE = "#d97706"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def _text_width(text: str, size: float = 10) -> float:
    """Rough width of a label: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(char) > 0x2E80 else size * 0.56 for char in str(text))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float], str]],
    *,
    width: int = 640,
    height: int = 220,
    line: tuple[str, list[float], str] | None = None,
    label_every: int = 1,
) -> str:
    """Grouped vertical bars (one group per label), with an optional line on a second axis.

    series: [(name, values, colour)]; line: (name, values, colour)."""
    left, right, top, bottom = 44, 48 if line else 12, 24, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(labels), 1)
    peak = _nice_max(max([v for _n, values, _c in series for v in values] or [0]))
    group_w = plot_w / count
    bar_w = max(2.0, group_w * 0.8 / max(len(series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" {FONT} font-size="10">'
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#6b7280">'
            f"{_fmt(peak * i / 4)}</text>"
        )
    for index, label in enumerate(labels):
        x0 = left + group_w * index + group_w * 0.1
        for offset, (_name, values, colour) in enumerate(series):
            value = values[index] if index < len(values) else 0
            h = plot_h * (value / peak) if peak else 0
            x = x0 + offset * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        if index % label_every == 0:
            cx = left + group_w * (index + 0.5)
            parts.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'fill="#374151">{escape(label)}</text>'
            )
    if line is not None:
        name, values, colour = line
        line_peak = _nice_max(max(values or [0]))
        points = []
        for index, value in enumerate(values):
            cx = left + group_w * (index + 0.5)
            cy = top + plot_h - plot_h * (value / line_peak if line_peak else 0)
            points.append(f"{cx:.1f},{cy:.1f}")
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                f'stroke-width="2"/>'
            )
        for i in range(5):
            y = top + plot_h - plot_h * i / 4
            parts.append(
                f'<text x="{left + plot_w + 4}" y="{y + 3:.1f}" fill="{colour}">'
                f"{_fmt(line_peak * i / 4)}</text>"
            )
    # Legend
    x = left
    for name, _values, colour in [*series, *([line] if line else [])]:
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="15" fill="#374151">{escape(name)}</text>'
        )
        x += 22 + 11 * len(str(name))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def hbar_chart(
    labels: list[str],
    values: list[float],
    *,
    width: int = 320,
    row: int = 20,
    colour: str = BLUE,
    marker: float | None = None,
    suffix: str = "",
) -> str:
    """Horizontal bars with their values; `marker` draws a reference line (e.g. 100% pace)."""
    left = min(150, 8 + max((_text_width(label) for label in labels), default=40))
    right, top = 48, 6
    height = top * 2 + row * max(len(labels), 1)
    plot_w = width - left - right
    peak = _nice_max(max([*values, marker or 0] or [0]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" {FONT} font-size="10">'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = top + row * index
        w = plot_w * (value / peak) if peak else 0
        parts.append(
            f'<text x="{left - 4}" y="{y + row * 0.65:.1f}" text-anchor="end" fill="#374151">'
            f"{escape(label)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{colour}"/>'
            f'<text x="{left + w + 3:.1f}" y="{y + row * 0.65:.1f}" fill="#374151">'
            f"{_fmt(value)}{escape(suffix)}</text>"
        )
    if marker is not None:
        x = left + plot_w * (marker / peak)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - top}" '
            f'stroke="{ORANGE}" stroke-dasharray="3,2"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
