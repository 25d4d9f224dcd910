"""How the report words a series: its finding, its chart's caption, the reason for its grade."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kouryu_cli.core.model import EraYear, Indicator, Revision, Series, Significance, TargetKind
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators import chart_words
from kouryu_cli.indicators.evaluation import Basis, Grade, direction
from kouryu_cli.indicators.views import (
    line_text,
    quantity,
    rate_text,
    series_name,
)

if TYPE_CHECKING:
    from kouryu_cli.indicators.evaluation import Evaluation

MET = "達成"
NOT_MET = "未達成（期限超過）"
NO_FIGURE = "実績値なし（判定できない）"
# Past the target year, a figure of the period reached the target and the latest does not.
REACHED_BEFORE = "達成した年度あり（直近の実績は目標値に届かない）"
# Whether the evaluation used a figure, as its row in a series' table says.
USED = "使用"
UNUSED_EARLY = "評価に不使用（評価期間より前）"
UNUSED_LATER = "評価に不使用（評価年度より後）"


def revision_text(revision: Revision) -> str:
    """変更前（H30の見直し）: 目標値 73.9（平成27年）。… : a revision as the report prints it."""
    parts = [
        f"{word} {value}"
        for word, value in (
            ("基準値", revision.baseline),
            ("基準年度", revision.baseline_year),
            ("目標値", revision.target),
            ("目標年度", revision.target_year),
        )
        if value
    ]
    note = f"。{revision.note}" if revision.note else ""
    return f"変更前（{revision.revised.label}の見直し）: {'、'.join(parts)}{note}"


def has_figure(evaluation: Evaluation) -> bool:
    """Whether the series has an actual after its baseline year, up to the evaluation year."""
    latest = evaluation.latest
    baseline = evaluation.indicator.baseline_year_of(evaluation.series)
    return latest is not None and latest.year.year > baseline.year


def overdue(evaluation: Evaluation) -> bool:
    """期限超過 as a finding: past the target year, and a figure falls short of the target.

    Without a figure after the baseline nothing can be said of the target, so a series is
    never overdue for want of figures.
    """
    return evaluation.overdue and has_figure(evaluation)


def finding(evaluation: Evaluation) -> str:
    """What the summary says of a series past its target year: 達成, 未達成, or no figure.

    A series whose latest figure falls short after an earlier one reached the target is
    not overdue: it is said to have reached it once.
    """
    if not has_figure(evaluation):
        return NO_FIGURE
    if evaluation.met:
        return MET
    return NOT_MET if evaluation.overdue else REACHED_BEFORE


def caption(evaluation: Evaluation) -> str:
    """The chart of a series in words: what each line, mark and band stands for."""
    indicator, series = evaluation.indicator, evaluation.series
    kind = indicator.target_kind
    if series.target is not None:
        target = ["破線は基準値から目標値への直線", "青いひし形は目標値"]
    else:
        sign = -1 if kind is TargetKind.DECREASE else 1
        level = series.baseline * (1 + sign * evaluation.threshold / 100)
        change = f"{'−' if sign < 0 else '+'}{format_number(evaluation.threshold)}%"
        target = [
            f"破線は目標（{kind.label}）とみなす水準"
            f"（基準値から {change} の {line_text(level, series.unit, toward=sign)}）",
            "青いひし形は目標年度におけるその水準",
        ]
    shown = chart_words.shown_actuals(evaluation)
    actuals = "黒い丸と実線は実績値" if shown else "実績値はまだありません"
    parts = ["白い四角は基準値", *target, actuals, "点線は目標年度", "灰色の帯は評価年度"]
    return f"{indicator.id} {series_name(evaluation)}: " + "、".join(parts) + "。"


def target_value(indicator: Indicator, series: Series) -> str:
    """80 団体, 30% 以上, or 増加: a series' own target without its year."""
    kind = indicator.target_kind.label
    if series.target is None:
        return kind
    return quantity(series.target, series.unit) + (f" {kind}" if kind else "")


def with_year(written: str, year: EraYear) -> str:
    """The value as the plan writes it, then the Western year: 25.6%（Ｈ29） … 2017年度."""
    return f"{written}（{year.year}年度）"


def as_written(written: str, year: EraYear, value: str, *, compound: bool) -> str:
    """25.6%（Ｈ29）（2017年度）; for one series of several, its own value first."""
    if not compound:
        return with_year(written, year)
    return f"{value}（{year.year}年度。計画の記載: {written}）"


def reason_text(evaluation: Evaluation) -> str:
    """Why the series has its grade, in one sentence with the numbers."""
    if evaluation.reason:
        return evaluation.reason + "。"
    latest = evaluation.latest
    if latest is None:
        return f"{evaluation.as_of.label}（{evaluation.as_of.year}年度）までの実績値がありません。"
    t = format_number(evaluation.threshold)
    change = evaluation.relative_change
    change_text = "基準値からの変化率は" + (
        "—" if change is None else f" {rate_text(change, evaluation.threshold)}"
    )
    line = evaluation.expected_at_latest
    on_line = "" if line is None else line_text(line, evaluation.series.unit)
    year = latest.year.year
    series = evaluation.series
    sign = direction(evaluation.indicator.target_kind, series.baseline, series.target)
    beyond = {1: "以上", -1: "以下"}.get(sign, "のとおり")  # 以下 for a falling target
    sentences = {
        Grade.A: f"直近の実績（{year}年度）が目標に達しています。{change_text}。",
        Grade.B: f"{change_text}で改善しており、{year}年度の直線上の値 {on_line} {beyond}です。",
        Grade.B_STAR: f"{change_text}で改善していますが、{year}年度の直線上の値 {on_line} "
        "に届いていません。",
        Grade.C: f"{change_text}で、±{t}% 未満（変わらない）です。",
        Grade.D: f"{change_text}で、−{t}% 以下（悪化）です。",
    }
    said = sentences.get(evaluation.grade, evaluation.grade.label)
    tested = latest.significance
    if evaluation.basis is Basis.TARGET and tested is Significance.IMPROVED:
        said = "基準値との有意差の検定: 改善。" + said
    elif evaluation.basis is Basis.TARGET and tested is not None:
        said += f"基準値との有意差の検定は「{tested.label}」ですが、目標に達しているため A です。"
    elif evaluation.basis is Basis.SIGNIFICANCE and tested is not None:
        said = f"基準値との有意差の検定: {tested.label}。" + (
            said if evaluation.grade in (Grade.B, Grade.B_STAR) else ""
        )
    if evaluation.provisional:
        said += "標本調査の指標ですが検定結果がないため、5%の目安による暫定の評価です。"
    return said
