"""Indicator evaluations as text, JSON records, listings and a Rich table with bars.

The JSON keys made here are a documented contract (README, tests/test_cli_indicators.py).
Rich is imported only inside the drawing functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

from kouryu_cli.evaluation import Evaluation, Grade, tally, tally_line
from kouryu_cli.model import EraYear, Indicator, Observation, Series
from kouryu_cli.textnorm import format_number
from kouryu_cli.views.formats import Listing

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

NONE_YET = "ベースラインのみ"
OVERDUE = "期限超過"
COLUMNS = (
    "ID",
    "指標",
    "内訳",
    "基準値",
    "目標値",
    "直近の実績",
    "目標までの差",
    "進捗率(%)",
    "今年度の見込み",
    "評価",
    "評価の意味",
    OVERDUE,
)
GRADE_STYLES = {
    Grade.A: "bold green",
    Grade.B: "green",
    Grade.B_STAR: "yellow",
    Grade.C: "",
    Grade.D: "bold red",
    Grade.E: "magenta",
    Grade.BASELINE_ONLY: "dim",
}
BAR_WIDTH = 16


def quantity(value: float, unit: str) -> str:
    """A number with its unit: '%' attaches (25.6%), other units follow a space (5,480 人)."""
    number = format_number(_tidy(value, 2))
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def year_text(year: EraYear) -> str:
    """(Ｈ29/2017): the label as written, then the Western year."""
    return f"({year.label}/{year.year})"


def baseline_text(indicator: Indicator, series: Series) -> str:
    """25.6% (Ｈ29/2017)."""
    return f"{quantity(series.baseline, series.unit)} {year_text(indicator.baseline_year)}"


def target_text(indicator: Indicator, series: Series) -> str:
    """30% 以上 (Ｒ12/2030), 80 団体 (Ｒ7/2025), or 増加 (Ｒ7/2025)."""
    kind = indicator.target_kind
    if series.target is None:
        words = kind.label
    else:
        words = quantity(series.target, series.unit)
        if kind.label:
            words += f" {kind.label}"
    return f"{words} {year_text(indicator.target_year)}"


def latest_text(observation: Observation | None, unit: str) -> str:
    """27.1% (R5/2023), or ベースラインのみ."""
    if observation is None:
        return NONE_YET
    return f"{quantity(observation.value, unit)} {year_text(observation.year)}"


def difference_text(value: float | None, unit: str) -> str:
    """A signed difference in the unit; a difference of percentages is in ポイント."""
    if value is None:
        return ""
    tidy = _tidy(value, 2)
    sign = "+" if tidy > 0 else ""
    if unit == "%":
        return f"{sign}{format_number(tidy)}ポイント"
    return f"{sign}{quantity(tidy, unit)}"


def percent_text(value: float | None) -> str:
    """33.3 (one decimal), or '' when there is none."""
    return "" if value is None else f"{value:.1f}"


def expected_text(evaluation: Evaluation) -> str:
    """The straight line's value at the as-of year, in the unit."""
    if evaluation.expected is None:
        return ""
    return quantity(round(evaluation.expected, 1), evaluation.series.unit)


def series_name(evaluation: Evaluation) -> str:
    """The indicator's name, with the component of a compound one: …（団体数）."""
    series = evaluation.series
    part = series.label or series.key
    return f"{evaluation.indicator.name}（{part}）" if part else evaluation.indicator.name


def record(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON object of one evaluated series."""
    indicator, series, latest = evaluation.indicator, evaluation.series, evaluation.latest
    return {
        "id": indicator.id,
        "name": indicator.name,
        "component": series.key or None,
        "component_label": (series.label or series.key) or None,
        "unit": series.unit,
        "plan": indicator.plan,
        "baseline": {
            "value": _tidy(series.baseline),
            "year": indicator.baseline_year.year,
            "label": indicator.baseline_year.label,
            "as_written": indicator.baseline_written,
        },
        "target": {
            "value": _tidy(series.target),
            "year": indicator.target_year.year,
            "label": indicator.target_year.label,
            "kind": indicator.target_kind.value,
            "kind_label": indicator.target_kind.label,
            "as_written": indicator.target_written,
        },
        "latest": None
        if latest is None
        else {
            "value": _tidy(latest.value),
            "year": latest.year.year,
            "label": latest.year.label,
            "source": latest.source,
        },
        "change": _tidy(evaluation.change),
        "relative_change": _tidy(evaluation.relative_change, 2),
        "gap": _tidy(evaluation.gap),
        "progress": _tidy(evaluation.progress, 2),
        "expected": _tidy(evaluation.expected, 2),
        "expected_at_latest": _tidy(evaluation.expected_at_latest, 2),
        "status": evaluation.grade.value,
        "status_label": evaluation.grade.label,
        "reason": evaluation.reason,
        "met": evaluation.met,
        "overdue": evaluation.overdue,
        "as_of": {"year": evaluation.as_of.year, "label": evaluation.as_of.label},
        "threshold": _tidy(evaluation.threshold),
    }


def row(evaluation: Evaluation) -> tuple[str, ...]:
    """One evaluated series as a row of COLUMNS."""
    series = evaluation.series
    return (
        evaluation.indicator.id,
        evaluation.indicator.name,
        series.label or series.key,
        baseline_text(evaluation.indicator, series),
        target_text(evaluation.indicator, series),
        latest_text(evaluation.latest, series.unit),
        difference_text(evaluation.gap, series.unit),
        percent_text(evaluation.progress),
        expected_text(evaluation),
        evaluation.grade.short,
        evaluation.grade.label + (f"（{evaluation.reason}）" if evaluation.reason else ""),
        "○" if evaluation.overdue else "",
    )


def listing(evaluations: list[Evaluation], as_of: EraYear) -> Listing:
    """Evaluations for the text formats (csv, tsv, markdown, xlsx) and JSON."""
    return Listing(
        columns=COLUMNS,
        make_rows=lambda: [row(e) for e in evaluations],
        make_records=lambda: [record(e) for e in evaluations],
        sheet="指標",
        title=f"関連計画における参考となる指標の評価（{as_of.label}={as_of.year}年度時点）",
        numeric=frozenset({7}),
    )


def bar_fraction(evaluation: Evaluation) -> float | None:
    """Where the latest actual stands between baseline (0) and target (1), for the bar.

    A direction-only target counts as reached at the threshold, as in the grading.
    """
    if evaluation.latest is None:
        return None
    if evaluation.progress is not None:
        return evaluation.progress / 100
    if evaluation.series.target is None:
        change = evaluation.relative_change
        return None if change is None else change / evaluation.threshold
    return 1.0 if evaluation.met else 0.0


def bar_text(fraction: float | None, width: int = BAR_WIDTH) -> str:
    """A bar from baseline to target with the latest value as ●; ◀ or ▶ when it lies outside."""
    if fraction is None:
        return "○" + "─" * (width - 1)
    if fraction < 0:
        return "◀" + "─" * (width - 1)
    if fraction > 1:
        return "━" * (width - 1) + "▶"
    position = round(fraction * (width - 1))
    return "━" * position + "●" + "─" * (width - 1 - position)


def legend(threshold: float, as_of: EraYear) -> list[str]:
    """The grading rule, in the words of 健康日本21（第二次）最終評価."""
    t = format_number(threshold)
    return [
        f"評価（{as_of.label}={as_of.year}年度時点、しきい値 {t}%）: "
        "変化率 = (直近の実績 − 基準値) ÷ |基準値|、目標の方向を正とする",
        "  A  目標値に達した（増加・減少の目標は変化率 " + t + "% 以上）",
        f"  B  変化率 {t}% 以上で、基準値から目標値への直線上かそれより良い",
        f"  B* 変化率 {t}% 以上だが直線より遅れ、目標年度までの到達が危ぶまれる",
        f"  C  変わらない（変化率 ±{t}% 未満）   D  悪化している（変化率 −{t}% 以下）",
        "  E  評価困難（基準値が0、または基準年度より後の実績値がない）",
        "  ベースラインのみ  実績値がまだない   期限超過: 目標年度を過ぎて目標値に未達",
        "  バー: 基準値 ━━●── 目標値（● 直近の実績、◀ 基準値より悪化、▶ 目標値を超過）",
    ]


def draw(target: Console, evaluations: list[Evaluation], threshold: float, as_of: EraYear) -> None:
    """The evaluations as a table with a bar per row, the legend and the aggregate line."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    from kouryu_cli.views.terminal import fit_widths, text

    table = Table(
        box=box.SIMPLE_HEAD,
        title=text(f"関連計画における参考となる指標の評価（{as_of.label}={as_of.year}年度時点）"),
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )

    # (heading, right-aligned, cell); the first six always, the rest while the terminal has room.
    columns: list[tuple[str, bool, Callable[[Evaluation], Text]]] = [
        ("ID", False, lambda e: text(e.indicator.id)),
        # The grade comes first: it is what a reader scans for, and never cut off.
        ("評価", False, lambda e: _grade_cell(e, GRADE_STYLES[e.grade])),
        ("指標", False, lambda e: text(series_name(e))),
        ("基準値", False, lambda e: text(baseline_text(e.indicator, e.series))),
        ("目標値", False, lambda e: text(target_text(e.indicator, e.series))),
        # With no actual the 評価 column already says ベースラインのみ.
        (
            "直近の実績",
            False,
            lambda e: text(latest_text(e.latest, e.series.unit)) if e.latest else text("—", "dim"),
        ),
    ]
    optional: list[tuple[str, bool, Callable[[Evaluation], Text]]] = [
        (
            "基準値→目標値",
            False,
            lambda e: text(bar_text(bar_fraction(e)), GRADE_STYLES[e.grade] or "none"),
        ),
        (
            "進捗率",
            True,
            lambda e: text(f"{percent_text(e.progress)}%" if e.progress is not None else "—"),
        ),
        ("目標との差", True, lambda e: text(difference_text(e.gap, e.series.unit) or "—")),
        ("今年度見込", True, lambda e: text(expected_text(e) or "—")),
    ]

    def narrowest(heading: str, cell: Callable[[Evaluation], Text]) -> int:
        # Names fold anywhere; values wrap only at spaces (before the year); the rest never.
        if heading == "指標":
            return 10
        words = [heading, *(w for e in evaluations for w in cell(e).plain.split(" "))]
        if heading in ("評価", "基準値", "目標値", "直近の実績"):
            return max(cell_len(w) for w in words)
        return max(cell_len(heading), *(cell_len(cell(e).plain) for e in evaluations))

    padding = 3  # one space each side and the column divider
    used = sum(narrowest(h, c) + padding for h, _, c in columns)
    for heading, right, cell in optional:
        width = narrowest(heading, cell) + padding
        if used + width <= target.width:
            columns.append((heading, right, cell))
            used += width
    headings = [h for h, _, _ in columns]
    naturals = [max(cell_len(h), *(_widest_line(c(e)) for e in evaluations)) for h, _, c in columns]
    minimums = [narrowest(h, c) for h, _, c in columns]
    # Values wrap at the space before their year first; names only then.
    first = tuple(headings.index(h) for h in ("直近の実績", "基準値", "目標値"))
    widths = dict(
        zip(
            headings,
            fit_widths(naturals, minimums, target.width - padding * len(columns), first),
            strict=True,
        )
    )
    for heading, right, _ in columns:
        table.add_column(
            text(heading, "bold"),
            justify="right" if right else "left",
            no_wrap=heading not in ("指標", "基準値", "目標値", "直近の実績", "評価"),
            overflow="fold",
            width=widths[heading],
        )
    for evaluation in evaluations:
        table.add_row(*(cell(evaluation) for *_, cell in columns))
    target.print(table)
    for line in legend(threshold, as_of):
        target.print(text(line, "dim"))
    target.print(text(f"集計: {tally_line(tally(evaluations))}", "bold"))


def _widest_line(cell: Text) -> int:
    from rich.cells import cell_len

    return max(cell_len(line) for line in cell.plain.split("\n"))


def _grade_cell(evaluation: Evaluation, style: str) -> Text:
    from kouryu_cli.views.terminal import text

    cell = text(evaluation.grade.short, style)
    if evaluation.overdue:
        cell.append_text(text(f"\n{OVERDUE}", "red"))
    return cell


@overload
def _tidy(value: float, digits: int = 6) -> float | int: ...
@overload
def _tidy(value: float | None, digits: int = 6) -> float | int | None: ...
def _tidy(value: float | None, digits: int = 6) -> float | int | None:
    """A number for JSON and display: whole numbers as int, others rounded (no 4.3999999)."""
    if value is None:
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded
