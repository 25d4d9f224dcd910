"""SVG charts drawn from the evaluations: one chart per series, the grade counts, all series.

Every chart has explicit sizes, sets its text at its real width (a Japanese character is
two units wide: no `textLength` squeezing), places labels where they collide with nothing
else, tells things apart by shape, line style and label as well as colour (grayscale
printing, colour-blind readers), and is `role="img"` with a <title> that states its finding
and data (chart_words.py).

The primitives (text widths, boxes, the label placer, markers, ticks) are render/svg.py's,
which writes the SVG as text and escapes every piece of text from the data.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kouryu_cli.core.model import TargetKind
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators.chart_words import (
    describe,
    finding,
    legend_items,
    legend_words,
    shown_actuals,
    value_text,
)
from kouryu_cli.indicators.evaluation import GRADE_ORDER, Evaluation, Grade
from kouryu_cli.indicators.views import figure_text, quantity, series_name
from kouryu_cli.render.svg import (
    INK,
    Box,
    Frame,
    Placer,
    label_at,
    label_box,
    label_candidates,
    legend,
    legend_lines,
    marker,
    nice_ticks,
    pattern,
    svg_open,
    text_element,
    text_units,
    text_width,
    value_grid,
    wrap,
    year_axis,
)

# Okabe–Ito colours (safe for the common colour-vision deficiencies); every grade also has
# its own fill pattern and is always labelled, so no grade is told by colour alone.
GRADE_COLOURS = {
    Grade.A: "#009E73",
    Grade.B: "#56B4E9",
    Grade.B_STAR: "#E69F00",
    Grade.C: "#999999",
    Grade.D: "#D55E00",
    Grade.E: "#CC79A7",
    Grade.BASELINE_ONLY: "#FFFFFF",
}
LINE = "#0072B2"  # the straight line from baseline to target
ACTUAL = "#000000"


SERIES_WIDTH = 640
SERIES_HEIGHT = 320
# Room right of the plot, for the labels of points in the last year.
RIGHT_ROOM = 100
LABEL_SIZE = 12
TICK_SIZE = 11


def _threshold_level(evaluation: Evaluation) -> float | None:
    """For 増加/減少 targets: the value that counts as reached (baseline ± threshold %)."""
    series = evaluation.series
    if series.target is not None:
        return None
    sign = -1 if evaluation.indicator.target_kind is TargetKind.DECREASE else 1
    return series.baseline * (1 + sign * evaluation.threshold / 100)


def series_chart(evaluation: Evaluation, ident: str) -> str:
    """One series: the straight line from baseline to target, the actuals, target year, grade.

    ident makes the ids inside the SVG unique when several charts share one page.
    """
    items = legend_items(evaluation)
    legend_height = 22 * len(legend_lines([w for _, w in items], SERIES_WIDTH - 20, LABEL_SIZE - 1))
    frame, ticks = _frame(evaluation, legend_height)
    # Labels stay right of the value axis, above the year axis and inside the chart.
    placer = Placer(
        Box(frame.left + 1, 0, SERIES_WIDTH - 2 - frame.left - 1, frame.top + frame.height)
    )
    parts = [
        svg_open(
            SERIES_WIDTH,
            SERIES_HEIGHT,
            f"{finding(evaluation)}。{describe(evaluation)}",
            legend_words(evaluation),
            ident,
        ),
        f'<rect width="{SERIES_WIDTH}" height="{SERIES_HEIGHT}" fill="#FFFFFF"/>',
        *value_grid(frame, ticks, [quantity(t, evaluation.series.unit) for t in ticks], TICK_SIZE),
        *year_axis(frame, TICK_SIZE),
        *_grade_badge(evaluation, placer),
        *_year_marks(evaluation, frame),
    ]
    points = _points(evaluation, frame)
    # The target year's dotted line and the evaluation year's band: labels keep off them too.
    target_x = frame.x(evaluation.indicator.target_year_of(evaluation.series).year)
    placer.reserve_line((target_x, frame.top), (target_x, frame.top + frame.height))
    as_of_x = frame.x(evaluation.as_of.year)
    placer.reserve(Box(as_of_x - 9, frame.top, 18, frame.height))
    for point in points:
        placer.reserve(Box(point.x - 7, point.y - 7, 14, 14))
    for start, end, style in _lines(evaluation, frame):
        parts.append(
            f'<line class="mark" data-what="line" x1="{start[0]:.1f}" y1="{start[1]:.1f}" '
            f'x2="{end[0]:.1f}" y2="{end[1]:.1f}" {style}/>'
        )
        placer.reserve_line(start, end)
    parts.extend(marker(p.shape, p.x, p.y, 10, p.fill) for p in points)
    year_size = LABEL_SIZE - 1
    labels = [
        (content, year_size, _year_label_candidates(content, x, half, frame, year_size))
        for content, x, half in _year_labels(evaluation, frame)
    ]
    labels += [(p.label, LABEL_SIZE, _own_places(p, points, placer.bounds)) for p in points]
    boxes = placer.place_all([candidates for _, _, candidates in labels])
    for (content, size, _), box in zip(labels, boxes, strict=True):
        parts.append(label_at(box, content, size))
    parts.extend(
        legend(
            items,
            _swatch,
            (10, SERIES_HEIGHT - legend_height + 4),
            SERIES_WIDTH - 20,
            LABEL_SIZE - 1,
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _frame(evaluation: Evaluation, legend_height: float) -> tuple[Frame, list[float]]:
    """The plot area and the value ticks: every year and value the chart shows fits in it."""
    indicator, series = evaluation.indicator, evaluation.series
    shown = shown_actuals(evaluation)
    values = [series.baseline, *(o.value for o in shown)]
    for extra in (series.target, _threshold_level(evaluation)):
        if extra is not None:
            values.append(extra)
    # Room above and below the values, so that labels fit beside the highest and lowest point.
    low, high = min(values), max(values)
    margin = (high - low or abs(high) * 0.1 or 1) * 0.25
    ticks = nice_ticks(low - margin if low - margin >= 0 or low < 0 else 0, high + margin)
    years = [o.year.year for o in shown]
    first = min([indicator.baseline_year_of(series).year, *years])
    last = max([indicator.target_year_of(series).year, evaluation.as_of.year, *years])
    left = 16 + max(text_width(quantity(t, series.unit), TICK_SIZE) for t in ticks)
    # Above the plot two rows for the year marks' labels, under the grade badge.
    top, bottom = 62.0, 44 + legend_height
    frame = Frame(
        left,
        top,
        SERIES_WIDTH - left - RIGHT_ROOM,
        SERIES_HEIGHT - top - bottom,
        first,
        last,
        ticks[0],
        ticks[-1],
    )
    return frame, ticks


@dataclass(frozen=True, slots=True)
class _Point:
    shape: str
    x: float
    y: float
    label: str
    fill: str


# A unit longer than this (in width units) is left to the value axis' labels: point labels
# carrying it would crowd the plot.
LONG_UNIT = 6


def _points(evaluation: Evaluation, frame: Frame) -> list[_Point]:
    """The baseline (square), the target (diamond) and each actual (circle), labelled."""
    indicator, series = evaluation.indicator, evaluation.series
    unit = "" if text_units(series.unit) > LONG_UNIT else series.unit
    points = [
        _Point(
            "square",
            frame.x(indicator.baseline_year_of(series).year),
            frame.y(series.baseline),
            f"基準値 {value_text(series.baseline, unit)}",
            "#FFFFFF",
        )
    ]
    target_x = frame.x(indicator.target_year_of(series).year)
    kind = indicator.target_kind.label
    if series.target is not None:
        words = f"目標値 {value_text(series.target, unit)}{kind}"
        points.append(_Point("diamond", target_x, frame.y(series.target), words, LINE))
    else:
        level = _threshold_level(evaluation)
        if level is not None:
            words = f"目標 {kind}（{format_number(evaluation.threshold)}%の変化）"
            points.append(_Point("diamond", target_x, frame.y(level), words, LINE))
    points.extend(
        _Point("circle", frame.x(o.year.year), frame.y(o.value), figure_text(o, unit), ACTUAL)
        for o in shown_actuals(evaluation)
    )
    return points


def _own_places(point: _Point, points: Sequence[_Point], bounds: Box) -> list[Box]:
    """A point's label places on the chart that lie nearer to it than to any other point.

    A reader takes a label for its nearest mark's: one nearer another point would name the
    wrong year. Only where no such place is on the chart (two points on one spot, a point
    at its edge) are the others offered.
    """
    candidates = label_candidates(point.label, point.x, point.y, LABEL_SIZE)
    others = [(p.x, p.y) for p in points if p is not point]
    own = [
        box
        for box in candidates
        if box.inside(bounds)
        and all(box.distance(point.x, point.y) < box.distance(x, y) for x, y in others)
    ]
    return own or candidates


Segment = tuple[tuple[float, float], tuple[float, float], str]


def _lines(evaluation: Evaluation, frame: Frame) -> list[Segment]:
    """The straight line (for 増加/減少 the level that counts as reached), then the actuals."""
    indicator, series = evaluation.indicator, evaluation.series
    dashed = f'stroke="{LINE}" stroke-width="2" stroke-dasharray="8 5"'
    segments: list[Segment] = []
    start = (frame.x(indicator.baseline_year_of(series).year), frame.y(series.baseline))
    if series.target is not None:
        end = (frame.x(indicator.target_year_of(series).year), frame.y(series.target))
        segments.append((start, end, dashed))
    else:
        level = _threshold_level(evaluation)
        if level is not None:
            y = frame.y(level)
            segments.append(((frame.left, y), (frame.left + frame.width, y), dashed))
    observed = sorted(
        [(indicator.baseline_year_of(series).year, series.baseline)]
        + [(o.year.year, o.value) for o in shown_actuals(evaluation)]
    )
    solid = f'stroke="{ACTUAL}" stroke-width="1.5"'
    for (year1, value1), (year2, value2) in itertools.pairwise(observed):
        segments.append(
            ((frame.x(year1), frame.y(value1)), (frame.x(year2), frame.y(value2)), solid)
        )
    return segments


def _year_marks(evaluation: Evaluation, frame: Frame) -> list[str]:
    """The evaluation year as a light band, the target year as a dotted line."""
    as_of_x = frame.x(evaluation.as_of.year)
    target_x = frame.x(evaluation.indicator.target_year_of(evaluation.series).year)
    return [
        f'<rect class="mark" data-what="evaluation year band" x="{as_of_x - 9:.1f}" '
        f'y="{frame.top:.1f}" width="18" '
        f'height="{frame.height:.1f}" fill="#EEEEEE"/>',
        f'<line class="mark" data-what="target year line" x1="{target_x:.1f}" '
        f'y1="{frame.top:.1f}" x2="{target_x:.1f}" '
        f'y2="{frame.top + frame.height:.1f}" stroke="{INK}" stroke-width="1.2" '
        'stroke-dasharray="2 3"/>',
    ]


def _year_labels(evaluation: Evaluation, frame: Frame) -> list[tuple[str, float, float]]:
    """目標年度 and 評価年度 above their marks (x, half width); one label for the same year."""
    target = evaluation.indicator.target_year_of(evaluation.series).year
    as_of = evaluation.as_of.year
    if target == as_of:
        return [(f"目標年度・評価年度 {target}", frame.x(target), 9)]
    return [
        (f"目標年度 {target}", frame.x(target), 2),
        (f"評価年度 {as_of}", frame.x(as_of), 9),
    ]


def _year_label_candidates(
    content: str, x: float, half: float, frame: Frame, size: float
) -> list[Box]:
    """Above the plot over its mark, in one of two rows, else inside the plot beside it."""
    above = [
        label_box(content, size, x + dx, frame.top - 5 - row, anchor)
        for row in (0, size + 5)
        for anchor, dx in (("middle", 0), ("end", 4), ("start", -4), ("end", -4), ("start", 4))
    ]
    beside = [
        label_box(content, size, x + dx, frame.top + 16 + dy, anchor)
        for dy in (0, 16, 32)
        for anchor, dx in (("end", -half - 4), ("start", half + 4))
    ]
    return above + beside


def _grade_badge(evaluation: Evaluation, placer: Placer) -> list[str]:
    content = f"評価 {evaluation.grade.short}"
    if evaluation.overdue:
        content += "・期限超過"
    size = LABEL_SIZE + 1
    width = text_width(content, size) + 16
    box = Box(SERIES_WIDTH - width - 10, 4, width, size + 10)
    placer.reserve(box)
    grade = evaluation.grade
    return [
        '<g class="badge">',
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" '
        f'rx="4" fill="{GRADE_COLOURS[grade]}" stroke="{INK}" stroke-width="1"/>',
        text_element(
            box.x + 8,
            box.y + box.height - 7,
            content,
            size,
            weight="bold",
            # Black on every grade's colour: 4.5:1 at least (WCAG AA); white on A or D is not.
            fill="#000000",
        ),
        "</g>",
    ]


def _swatch(kind: str, x: float, y: float) -> str:
    if kind in ("square", "diamond", "circle"):
        fill = {"square": "#FFFFFF", "diamond": LINE, "circle": ACTUAL}[kind]
        return marker(kind, x + 12, y, 10, fill)
    if kind == "dash":
        return (
            f'<line class="mark" x1="{x:.1f}" y1="{y:.1f}" x2="{x + 24:.1f}" y2="{y:.1f}" '
            f'stroke="{LINE}" '
            'stroke-width="2" stroke-dasharray="8 5"/>'
        )
    if kind == "dot":
        return (
            f'<line class="mark" x1="{x + 12:.1f}" y1="{y - 8:.1f}" x2="{x + 12:.1f}" '
            f'y2="{y + 8:.1f}" '
            f'stroke="{INK}" stroke-width="1.2" stroke-dasharray="2 3"/>'
        )
    return (
        f'<rect class="mark" x="{x + 3:.1f}" y="{y - 8:.1f}" width="18" height="16" '
        'fill="#EEEEEE"/>'
    )


# Fill patterns per grade: told apart in grayscale too.
def _patterns(ident: str) -> str:
    defs = []
    for grade in GRADE_ORDER:
        colour = GRADE_COLOURS[grade]
        pid = f"{ident}-{_grade_id(grade)}"
        defs.append(pattern(pid, colour, _PATTERN_BODIES[grade]))
    return "<defs>" + "".join(defs) + "</defs>"


_GRADE_IDS = {Grade.B_STAR: "Bstar", Grade.BASELINE_ONLY: "base"}


def _grade_id(grade: Grade) -> str:
    """A grade as part of an SVG id (no * or -)."""
    return _GRADE_IDS.get(grade, grade.short)


_PATTERN_BODIES = {
    Grade.A: "",
    Grade.B: '<path d="M0,8 L8,0" stroke="#000" stroke-width="1.2"/>',
    Grade.B_STAR: '<path d="M0,8 L8,0 M0,0 L8,8" stroke="#000" stroke-width="1"/>',
    Grade.C: '<circle cx="4" cy="4" r="1.4" fill="#000"/>',
    Grade.D: '<path d="M0,4 L8,4" stroke="#000" stroke-width="1.5"/>',
    Grade.E: '<path d="M4,0 L4,8" stroke="#000" stroke-width="1.2"/>',
    Grade.BASELINE_ONLY: "",
}

COUNT_WIDTH = 640
COUNT_ROW = 30


def grade_counts_chart(counts: Mapping[Grade, int], ident: str) -> str:
    """A horizontal bar per grade, its count written beside it; every grade is listed."""
    size = LABEL_SIZE + 1
    names = {g: f"{g.short}" for g in GRADE_ORDER}
    left = 20 + max(text_width(n, size) for n in names.values())
    total = sum(counts.values())
    most = max(counts.values(), default=0) or 1
    right = 90
    height = COUNT_ROW * len(GRADE_ORDER) + 20
    title = f"評価区分ごとの系列数（全{total}系列）: " + "、".join(
        f"{g.short} {counts.get(g, 0)}" for g in GRADE_ORDER
    )
    description = (
        "横棒の長さが系列数を表します。評価区分ごとに色と模様が異なり、区分名と数を併記しています。"
    )
    parts = [svg_open(COUNT_WIDTH, height, title, description, ident), _patterns(ident)]
    parts.append(f'<rect width="{COUNT_WIDTH}" height="{height}" fill="#FFFFFF"/>')
    span = COUNT_WIDTH - left - right
    for row, grade in enumerate(GRADE_ORDER):
        y = 10 + row * COUNT_ROW
        count = counts.get(grade, 0)
        parts.append(
            text_element(left - 10, y + 19, names[grade], size, anchor="end", weight="bold")
        )
        length = span * count / most
        if count:
            parts.append(
                f'<rect class="mark" data-what="bar" x="{left:.1f}" y="{y + 4:.1f}" '
                f'width="{length:.1f}" height="20" '
                f'fill="url(#{ident}-{_grade_id(grade)})" stroke="{INK}" stroke-width="1"/>'
            )
        parts.append(text_element(left + length + 8, y + 19, f"{count} 系列", size))
    parts.append(
        f'<line class="mark" data-what="axis" x1="{left:.1f}" y1="6" x2="{left:.1f}" '
        f'y2="{height - 6}" stroke="{INK}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def all_series_chart(evaluations: Sequence[Evaluation], title: str, footer: str) -> str:
    """Every series' chart on one sheet, two to a row, each under its name."""
    columns = 2 if len(evaluations) > 1 else 1
    heading_size = LABEL_SIZE + 2
    gap = 24
    heading_lines = [
        wrap(f"{e.indicator.id} {series_name(e)}", SERIES_WIDTH, heading_size) for e in evaluations
    ]
    rows = math.ceil(len(evaluations) / columns)
    row_heights = [
        SERIES_HEIGHT
        + 8
        + (heading_size + 6) * max(len(h) for h in heading_lines[r * columns : (r + 1) * columns])
        for r in range(rows)
    ]
    width = columns * SERIES_WIDTH + (columns - 1) * gap + 40
    top = 70
    height = top + sum(row_heights) + gap * rows + 30
    description = "。".join(finding(e) for e in evaluations)
    parts = [svg_open(width, height, f"{title}（{footer}）", description, "all")]
    parts.append(f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>')
    parts.append(text_element(20, 32, title, LABEL_SIZE + 6, weight="bold"))
    parts.append(text_element(20, 56, footer, LABEL_SIZE + 1))
    y = float(top)
    for row in range(rows):
        for column in range(columns):
            index = row * columns + column
            if index >= len(evaluations):
                break
            x = 20 + column * (SERIES_WIDTH + gap)
            lines = heading_lines[index]
            for number, line in enumerate(lines):
                parts.append(
                    text_element(
                        x,
                        y + (number + 1) * (heading_size + 6) - 4,
                        line,
                        heading_size,
                        weight="bold",
                    )
                )
            offset = (heading_size + 6) * max(
                len(h) for h in heading_lines[row * columns : (row + 1) * columns]
            )
            chart = series_chart(evaluations[index], f"s{index + 1}")
            # A nested <svg> keeps each chart's own coordinates.
            parts.append(chart.replace("<svg ", f'<svg x="{x}" y="{y + offset + 8:.1f}" ', 1))
        y += row_heights[row] + gap
    parts.append("</svg>")
    return "".join(parts)
