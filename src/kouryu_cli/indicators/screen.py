"""Indicator evaluations on a terminal: a Rich table with a bar per row, and the legend.

Rich is imported only inside the drawing functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kouryu_cli.core.model import EraYear
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators.evaluation import Evaluation, Grade, shows_basis
from kouryu_cli.indicators.views import (
    BASIS,
    KEEP_WHOLE,
    OVERDUE,
    baseline_text,
    count_line,
    difference_text,
    expected_text,
    latest_text,
    overall_text,
    percent_text,
    series_name,
    target_gap,
    target_text,
    title,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

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


def bar_fraction(evaluation: Evaluation) -> float | None:
    """Where the latest actual stands between baseline (0) and target (1), for the bar.

    A direction-only target counts as reached at the threshold, as in the grading.
    """
    if evaluation.latest is None:
        return None
    if evaluation.progress_rate is not None:
        return evaluation.progress_rate / 100
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
        "  ベースラインのみ  実績値がまだない",
        "  期限超過  目標年度を過ぎ、目標値に達した実績値がない",
        "  バー: 基準値 ━━●── 目標値（● 直近の実績、◀ 基準値より悪化、▶ 目標値を超過）",
        "  総合: 系列が複数ある指標全体の評価。A=5・B=4（B*も）・C=3・D=2点を、E・ベースラインのみ",
        "        を除く系列で平均し、五捨六入（x.5は切り捨て、x.6は切り上げ）して A〜D に戻す",
    ]


TESTED_LEGEND = [
    "  判定の根拠: 目標値、有意差（基準値との検定: 改善 → A・B・B*、変化なし → C、悪化 → D）、"
    "目安（変化率）。暫定: 標本調査の指標で検定結果がなく、変化率で判定したもの",
    "  総合がBのとき、各系列を目標年度に見込んで（A・B → A、B* → B）平均がAにならなければ B*",
]


def draw(target: Console, evaluations: list[Evaluation], threshold: float, as_of: EraYear) -> None:
    """The evaluations as a table with a bar per row, the legend and the aggregate line."""
    from kouryu_cli.render.terminal import Column, Grid, draw_table, paragraph, text
    from kouryu_cli.render.textwidth import Kind

    # (column, cell): the grade comes second, as what a reader scans for; the columns after
    # 直近の実績 are shown while the terminal has room for them.
    cells: list[tuple[Column, Callable[[Evaluation], Text]]] = [
        (Column("ID", Kind.ATOM), lambda e: text(e.indicator.id)),
        (Column("評価", Kind.WORDS), lambda e: _grade_cell(e, GRADE_STYLES[e.grade])),
        (Column("指標", Kind.PROSE), lambda e: text(series_name(e))),
        (Column("基準値", Kind.WORDS), lambda e: text(baseline_text(e.indicator, e.series))),
        (Column("目標値", Kind.WORDS), lambda e: text(target_text(e.indicator, e.series))),
        # With no actual the 評価 column already says ベースラインのみ.
        (
            Column("直近の実績", Kind.WORDS),
            lambda e: text(latest_text(e.latest, e.series.unit)) if e.latest else text("—", "dim"),
        ),
        (
            Column("基準値→目標値", Kind.ATOM, optional=True),
            lambda e: text(bar_text(bar_fraction(e)), GRADE_STYLES[e.grade] or "none"),
        ),
        (
            Column("進捗率", Kind.ATOM, "right", optional=True),
            lambda e: text("—" if e.progress_rate is None else f"{percent_text(e.progress_rate)}%"),
        ),
        (
            Column("目標との差", Kind.ATOM, "right", optional=True),
            lambda e: text(difference_text(target_gap(e), e.series.unit) or "—"),
        ),
        (
            Column(f"{as_of.label}見込", Kind.ATOM, "right", optional=True),
            lambda e: text(expected_text(e) or "—"),
        ),
    ]
    basis = shows_basis(evaluations)
    if basis:
        cells.insert(2, (Column(BASIS, Kind.WORDS), lambda e: text(e.basis_text or "—")))
    paragraph(target, text(title(as_of)), keep=KEEP_WHOLE)
    rows = [[cell(e) for _, cell in cells] for e in evaluations]
    names = (0, 3) if basis else (0, 2)
    draw_table(target, Grid([column for column, _ in cells], rows, names, KEEP_WHOLE))
    for line in [*legend(threshold, as_of), *(TESTED_LEGEND if basis else [])]:
        paragraph(target, text(line, "dim"), keep=KEEP_WHOLE)
    paragraph(target, text(f"集計: {count_line(evaluations)}", "bold"), keep=KEEP_WHOLE)


def _grade_cell(evaluation: Evaluation, style: str) -> Text:
    from kouryu_cli.render.terminal import text

    cell = text(evaluation.grade.short, style)
    if evaluation.overall is not None:
        cell.append_text(text(f"\n総合 {overall_text(evaluation)}"))
    if evaluation.overdue:
        cell.append_text(text(f"\n{OVERDUE}", "red"))
    return cell
