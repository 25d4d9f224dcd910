"""SVG primitives: text at its real width, boxes, a label placer, markers, ticks, patterns.

Every chart has explicit sizes, sets its text at its real width (a Japanese character is
two units wide: no `textLength` squeezing), places labels where they collide with nothing
else, and is `role="img"` with a <title> that states its data. The SVG is written as text,
and every piece of text given to these functions is escaped here (control characters, which
XML does not allow, are shown as visible escapes: \\x1b).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from kouryu_cli.core import era
from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render import textwidth

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"

INK = "#222222"
GRID = "#D9D9D9"

# Advance of one width unit, in em: a narrow character is one unit, a wide one two. A little
# more than half an em, so that estimates err on the wide side and labels never touch.
UNIT_EM = 0.55


def _xml(text: str) -> str:
    """Text for an SVG element: escaped, with no character XML refuses."""
    return escape(strip_controls(text))


def text_units(text: str) -> int:
    """Width units of a text: 2 for East Asian wide, full-width and ambiguous characters.

    Ambiguous ones (○, ※, ―) are set wide by Japanese fonts; combining marks take none.
    """
    return textwidth.width(text, ambiguous=2)


def text_width(text: str, size: float) -> float:
    """The width of a text set at size (px), from its East Asian width."""
    return text_units(text) * UNIT_EM * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """A text broken into lines no wider than width, by the rules of every screen (textwidth)."""
    units = max(int(width / (UNIT_EM * size) + 1e-9), 1)
    return textwidth.wrap(text, units, ambiguous=2)


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the chart: a label or a marker that others must not overlap."""

    x: float
    y: float
    width: float
    height: float

    def distance(self, x: float, y: float) -> float:
        """How far the point (x, y) is from this box (0 inside it)."""
        dx = max(self.x - x, 0, x - self.x - self.width)
        dy = max(self.y - y, 0, y - self.y - self.height)
        return math.hypot(dx, dy)

    def overlap(self, other: Box) -> float:
        """The area this box shares with another."""
        dx = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        dy = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return max(dx, 0) * max(dy, 0)

    def crossing(self, x1: float, y1: float, x2: float, y2: float) -> float:
        """The length of the segment from (x1, y1) to (x2, y2) inside this box."""
        low, high = 0.0, 1.0
        for step, room in (
            (x1 - x2, x1 - self.x),
            (x2 - x1, self.x + self.width - x1),
            (y1 - y2, y1 - self.y),
            (y2 - y1, self.y + self.height - y1),
        ):
            if step == 0:
                if room < 0:
                    return 0.0
            elif step < 0:
                low = max(low, room / step)
            else:
                high = min(high, room / step)
        return max(high - low, 0.0) * math.dist((x1, y1), (x2, y2))

    def inside(self, outer: Box) -> bool:
        """Whether this box lies wholly within outer."""
        return (
            self.x >= outer.x
            and self.y >= outer.y
            and self.x + self.width <= outer.x + outer.width
            and self.y + self.height <= outer.y + outer.height
        )


class Placer:
    """Puts labels where they collide with nothing: marks reserved before, other labels.

    Labels keep GAP apart side by side, so that two never read as one phrase. All labels
    are placed at once: when one finds no free place, the placer tries again with that
    label first, and keeps the arrangement with the fewest and smallest collisions.
    """

    GAP = 10.0

    def __init__(self, bounds: Box) -> None:
        self.bounds = bounds
        self.taken: list[Box] = []
        self.lines: list[tuple[float, float, float, float, float]] = []

    def reserve(self, box: Box) -> None:
        """Mark an area (a marker, a band, the badge) as taken."""
        self.taken.append(box)

    def reserve_line(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Mark a line as taken: no label may cross it or come within 2 units of it."""
        self.lines.append((*start, *end, 2.0))

    def place_all(self, labels: Sequence[Sequence[Box]], rounds: int = 6) -> list[Box]:
        """A place for each label (its candidates, best first), none colliding where possible."""
        order = list(range(len(labels)))
        best: tuple[float, list[Box]] | None = None
        for _ in range(rounds):
            taken = list(self.taken)
            chosen: dict[int, Box] = {}
            failed: list[int] = []
            total = 0.0
            for index in order:
                box, cost = self._best(labels[index], taken)
                if cost:
                    failed.append(index)
                    total += cost
                chosen[index] = box
                taken.append(self._spaced(box))
            if best is None or total < best[0]:
                best = (total, [chosen[n] for n in range(len(labels))])
            if not failed:
                break
            order = failed + [n for n in order if n not in failed]
        assert best is not None
        self.taken += [self._spaced(box) for box in best[1]]
        return best[1]

    def _best(self, candidates: Sequence[Box], taken: Sequence[Box]) -> tuple[Box, float]:
        """The first candidate that costs nothing, else the cheapest, and its cost."""
        found: tuple[Box, float] | None = None
        for box in candidates:
            cost = self._cost(box, taken)
            if cost == 0:
                return box, 0.0
            if found is None or cost < found[1]:
                found = (box, cost)
        assert found is not None, "no candidates"
        return found

    def _spaced(self, box: Box) -> Box:
        half = self.GAP / 2
        return Box(box.x - half, box.y, box.width + 2 * half, box.height)

    def _cost(self, box: Box, taken: Sequence[Box]) -> float:
        """Area shared with what is taken, and lines crossed; far more for leaving the bounds."""
        outside = 0.0 if box.inside(self.bounds) else 1e9
        spaced = self._spaced(box)
        cost = outside + sum(spaced.overlap(t) for t in taken)
        for x1, y1, x2, y2, half in self.lines:
            grown = Box(box.x - half, box.y - half, box.width + 2 * half, box.height + 2 * half)
            cost += grown.crossing(x1, y1, x2, y2) * 2 * half
        return cost


def text_element(
    x: float,
    y: float,
    content: str,
    size: float,
    *,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = INK,
) -> str:
    """A <text> at its natural width; y is the baseline."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{_xml(content)}</text>'
    )


# The line box a browser gives a line of text, in em above and below the baseline (the
# ascent and descent of Noto Sans CJK and most Japanese fonts).
ASCENT, DESCENT = 1.16, 0.29


def label_at(box: Box, content: str, size: float, **options: str) -> str:
    """A one-line label filling box (the box was sized from the text's width)."""
    return text_element(box.x, box.y + size * ASCENT, content, size, **options)


def label_box(content: str, size: float, x: float, y: float, anchor: str) -> Box:
    """The box of a one-line label whose anchor point (start, middle, end) is at x, baseline y."""
    width = text_width(content, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, y - size * ASCENT, width, size * (ASCENT + DESCENT))


def marker(shape: str, x: float, y: float, size: float, fill: str, stroke: str = INK) -> str:
    """A point marker: circle (実績値), square (基準値), diamond (目標値)."""
    half = size / 2
    # class "mark": something labels keep off (the browser test measures these).
    paint = f'class="mark" data-what="marker" fill="{fill}" stroke="{stroke}" stroke-width="1.5"'
    if shape == "square":
        return (
            f'<rect x="{x - half:.1f}" y="{y - half:.1f}" width="{size:g}" height="{size:g}" '
            f"{paint}/>"
        )
    if shape == "diamond":
        r = half * 1.3
        points = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{half:g}" {paint}/>'


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high - low < 1e-9 * max(abs(low), abs(high), 1):  # one value: a range around it
        high = low + max(abs(low) * 0.1, 1)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def svg_open(width: float, height: float, title: str, description: str, ident: str) -> str:
    """The opening <svg> tag, `role="img"`, with its <title> and <desc> for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:g}" '
        f'height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{escape(FONT)}">'
        f'<title id="{ident}-title">{_xml(title)}</title>'
        f'<desc id="{ident}-desc">{_xml(description)}</desc>'
    )


def standalone(svg: str) -> str:
    """An SVG as a file of its own: the XML declaration first."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"


def pattern(ident: str, colour: str, body: str) -> str:
    """A fill pattern 8 units square: colour with body (hatching, dots) drawn over it."""
    return (
        f'<pattern id="{ident}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{body}</pattern>'
    )


def label_candidates(content: str, x: float, y: float, size: float) -> list[Box]:
    """Candidate places for a point's label: above, below, right, left, then further out."""
    candidates = []
    middle = y + size * 0.35  # the baseline that centres a line of text on y
    for distance in (9, 14, 20, 28, 38, 50, 64, 80):
        candidates += [
            label_box(content, size, x, y - distance, "middle"),
            label_box(content, size, x, y + distance + size, "middle"),
            label_box(content, size, x + distance, middle, "start"),
            label_box(content, size, x - distance, middle, "end"),
            label_box(content, size, x + distance * 0.7, y - distance * 0.7, "start"),
            label_box(content, size, x - distance * 0.7, y - distance * 0.7, "end"),
            label_box(content, size, x + distance * 0.7, y + distance * 0.7 + size, "start"),
            label_box(content, size, x - distance * 0.7, y + distance * 0.7 + size, "end"),
        ]
        # Above and below, slid sideways: for a point near the plot's edge or a line.
        width = text_width(content, size)
        candidates += [
            label_box(content, size, x - width * share, baseline, "start")
            for share in (0.25, 0.75, 0.05, 0.95)
            for baseline in (y - distance, y + distance + size)
        ]
    return candidates


# A plot of values over fiscal years ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """The plot area of a series chart and its scales."""

    left: float
    top: float
    width: float
    height: float
    first_year: int
    last_year: int
    low: float
    high: float

    def x(self, year: float) -> float:
        """The horizontal position of a year."""
        span = max(self.last_year - self.first_year, 1)
        pad = self.width * 0.06
        return self.left + pad + (year - self.first_year) / span * (self.width - 2 * pad)

    def y(self, value: float) -> float:
        """The vertical position of a value."""
        return self.top + (self.high - value) / (self.high - self.low) * self.height

    @property
    def box(self) -> Box:
        """The plot area as a box."""
        return Box(self.left, self.top, self.width, self.height)


def value_grid(frame: Frame, ticks: list[float], labels: list[str], size: float) -> list[str]:
    """A light line and a label per tick value, and the two axes.

    The plot is open at the top and right: labels of points near those edges may reach out
    of it without sitting on a frame line.
    """
    parts = []
    for value, content in zip(ticks, labels, strict=True):
        y = frame.y(value)
        parts.append(
            f'<line x1="{frame.left:.1f}" y1="{y:.1f}" x2="{frame.left + frame.width:.1f}" '
            f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(text_element(frame.left - 6, y + size * 0.35, content, size, anchor="end"))
    left, right, bottom = frame.left, frame.left + frame.width, frame.top + frame.height
    for x1, y1, x2, y2 in ((left, frame.top, left, bottom), (left, bottom, right, bottom)):
        parts.append(
            f'<line class="mark" data-what="axis" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
            f'y2="{y2:.1f}" stroke="{INK}" stroke-width="1"/>'
        )
    return parts


def year_axis(frame: Frame, size: float) -> list[str]:
    """Ticks per year (every second or fifth on a long span), Western year over era label."""
    span = frame.last_year - frame.first_year
    step = 1 if span <= 8 else 2 if span <= 16 else 5
    parts = []
    bottom = frame.top + frame.height
    for year in range(frame.first_year, frame.last_year + 1):
        x = frame.x(year)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 4:.1f}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        stepped = (year - frame.first_year) % step == 0
        # The last year is always labelled; a stepped year right before it would touch it.
        if year == frame.last_year or (stepped and frame.last_year - year >= step):
            parts.append(text_element(x, bottom + 16, str(year), size, anchor="middle"))
            # 2024 over R6, the era label the office uses.
            parts.append(
                text_element(x, bottom + 29, era.short_label(year), size - 1, anchor="middle")
            )
    return parts


def legend_lines(words: Sequence[str], width: float, size: float) -> list[list[int]]:
    """The legend's entries (their indexes) on each line, for a legend `width` wide."""
    lines: list[list[int]] = [[]]
    used = 0.0
    for index, entry in enumerate(words):
        need = 34 + text_width(entry, size) + 14
        if lines[-1] and used + need > width:
            lines.append([])
            used = 0
        lines[-1].append(index)
        used += need
    return lines


def legend(
    items: Sequence[tuple[str, str]],
    swatch: Callable[[str, float, float], str],
    origin: tuple[float, float],
    width: float,
    size: float,
) -> list[str]:
    """A legend of (kind, words) entries: swatch(kind, x, y) drawn before each one's words."""
    parts = []
    for row, line in enumerate(legend_lines([words for _, words in items], width, size)):
        x = origin[0]
        y = origin[1] + row * 22 + 8
        for kind, words in (items[index] for index in line):
            parts.append(swatch(kind, x, y))
            parts.append(text_element(x + 30, y + size * 0.35, words, size))
            x += 34 + text_width(words, size) + 14
    return parts
