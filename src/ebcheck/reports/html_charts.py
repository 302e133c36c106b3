"""The HTML report's charts, drawn as inline SVG by ebcheck (no chart library, no script).

Each function takes plain numbers and labels (user text is escaped by
`ebcheck.reports.svg`) and returns one `<svg>`. Amounts are never added across
currencies: callers draw one chart per currency. Every shape carries a
`<title>` with its exact value, and every chart an accessible name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ebcheck.reports.svg import em_width, fit, label, line, num, path, plain, rect, svg, text

FONT = 12
"""Font size of chart text, in px (the CSS sets the same)."""
ROW = 24
BAR = 16


@dataclass(frozen=True)
class Segment:
    value: float
    css: str
    tip: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    shown: str
    """The value written at the end of the bar."""

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def bars(rows: Sequence[Bar], *, title: str, width: int = 380) -> str:
    """Horizontal bars, one per row, scaled to the longest; segments stack left to right."""
    gutter = min(180, max(60, max((em_width(r.label) for r in rows), default=4) * FONT + 12))
    value_room = max((em_width(r.shown) for r in rows), default=4) * FONT + 12
    room = max(40.0, width - gutter - value_room)
    top = max((r.total for r in rows), default=0) or 1
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW + 4
        parts.append(label(gutter - 8, y + BAR - 4, fit(row.label, 14), "axis", anchor="end"))
        x = gutter
        for segment in row.segments:
            w = room * segment.value / top
            parts.append(rect(x, y, w, BAR, segment.css, tip=segment.tip))
            x += w
        parts.append(label(x + 6, y + BAR - 4, row.shown, "value"))
    height = len(rows) * ROW + 8
    return svg(width, height, "".join(parts), label=title, css="chart bars")


def columns(
    counts: Sequence[int], names: Sequence[str], classes: Sequence[str], *, title: str
) -> str:
    """Vertical bars (a histogram): one per count, named underneath."""
    step, high, base = 44, 120, 140
    top = max(counts, default=0) or 1
    parts = [line(0, base, step * len(counts), base, "axis-line")]
    for index, (count, name, css) in enumerate(zip(counts, names, classes, strict=True)):
        h = high * count / top
        x = index * step + 6
        parts.append(rect(x, base - h, step - 12, h, css, tip=f"{name}: {count}"))
        if count:
            parts.append(label(x + (step - 12) / 2, base - h - 4, count, "value", anchor="middle"))
        parts.append(label(x + (step - 12) / 2, base + 16, name, "axis", anchor="middle"))
    return svg(step * len(counts), base + 24, "".join(parts), label=title, css="chart columns")


@dataclass(frozen=True)
class Point:
    day: dt.date
    score: int
    css: str
    tip: str


def trend(points: Sequence[Point], *, title: str, width: int = 320, height: int = 120) -> str:
    """Score (0-100) over time: a line through each version, dots coloured by verdict."""
    left, right, top, bottom = 28, 8, 8, 18
    inner_w, inner_h = width - left - right, height - top - bottom
    first, last = points[0].day, points[-1].day
    span = (last - first).days or 1

    def x_of(p: Point) -> float:
        if len(points) == 1:
            return left + inner_w / 2
        return left + inner_w * (p.day - first).days / span

    def y_of(score: int) -> float:
        return top + inner_h * (100 - score) / 100

    parts = []
    for grid in (0, 50, 80, 100):
        parts.append(line(left, y_of(grid), width - right, y_of(grid), "grid"))
        parts.append(label(left - 4, y_of(grid) + 4, grid, "axis", anchor="end"))
    d = " ".join(
        f"{'M' if i == 0 else 'L'}{num(x_of(p))} {num(y_of(p.score))}" for i, p in enumerate(points)
    )
    parts.append(path(d, "trend-line"))
    for p in points:
        parts.append(_dot(x_of(p), y_of(p.score), p))
    parts.append(label(left, height - 4, first.isoformat(), "axis"))
    if len(points) > 1:
        parts.append(label(width - right, height - 4, last.isoformat(), "axis", anchor="end"))
    return svg(width, height, "".join(parts), label=title, css="chart trend")


def _dot(x: float, y: float, point: Point) -> str:
    return (
        f'<circle cx="{num(x)}" cy="{num(y)}" r="3.5" class="{point.css}">'
        f"<title>{text(point.tip)}</title></circle>"
    )


@dataclass(frozen=True)
class Step:
    name: str
    value: float
    kind: str
    """`total` (drawn from zero), `up` or `down` (drawn from the running total)."""
    shown: str
    css: str = ""
    """The bar's class; `wf-<kind>` when empty."""


STEP_WIDTH = 100
"""Width of one waterfall step: the picture (8 steps, 800 wide) is shown at its own size
in a full-width card, so its 12 px text stays 12 px; labels wrap within their step."""
LINE = 14
"""Line height of a wrapped axis label."""


def waterfall(steps: Sequence[Step], *, title: str, step_width: int = STEP_WIDTH) -> str:
    """A pipeline waterfall: totals from zero, ups and downs floating on the running total."""
    width = step_width * max(len(steps), 1)
    high, base = 150, 170
    running = 0.0
    spans: list[tuple[float, float]] = []
    for step in steps:
        if step.kind == "total":
            running = step.value
            spans.append((0.0, step.value))
        elif step.kind == "up":
            spans.append((running, running + step.value))
            running += step.value
        else:
            spans.append((running - step.value, running))
            running -= step.value
    top = max((hi for _, hi in spans), default=0) or 1
    parts = [line(0, base, width, base, "axis-line")]
    previous_end: float | None = None
    room = (step_width - 8) / FONT  # ems a label may take: its step less a small gap
    lines = 1
    for index, (step, (low, hi)) in enumerate(zip(steps, spans, strict=True)):
        x = index * step_width + 8
        w = step_width - 16
        y_hi, y_low = base - high * hi / top, base - high * low / top
        if previous_end is not None:
            parts.append(line(x - 16, previous_end, x, previous_end, "connector"))
        css = step.css or f"wf-{step.kind}"
        parts.append(rect(x, y_hi, w, y_low - y_hi, css, tip=f"{step.name}: {step.shown}"))
        # Bold digits run wider than the plain estimate: leave them a tenth more room.
        shown = fit(step.shown, room / 1.1)
        parts.append(label(x + w / 2, y_hi - 4, shown, "value", anchor="middle"))
        wrapped = wrap(step.name, room)
        lines = max(lines, len(wrapped))
        for row, part in enumerate(wrapped):
            parts.append(label(x + w / 2, base + 16 + row * LINE, part, "axis", anchor="middle"))
        previous_end = y_low if step.kind == "down" else y_hi
    height = base + 16 + (lines - 1) * LINE + 8
    return svg(width, height, "".join(parts), label=title, css="chart waterfall")


def wrap(name: str, ems: float, *, most: int = 3) -> list[str]:
    """A label broken into lines of at most `ems` em, at a space when there is one (Chinese
    breaks between any two characters); the last of `most` lines is cut with an ellipsis."""
    rest = plain(name)
    lines: list[str] = []
    while len(lines) < most - 1 and em_width(rest) > ems:
        cut, used = 0, 0.0
        for char in rest:
            used += em_width(char)
            if used > ems:
                break
            cut += 1
        space = rest.rfind(" ", 0, cut + 1)
        cut = space if space > 0 else max(cut, 1)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    lines.append(fit(rest, ems))
    return lines
