"""What the charts say in words: the finding, the data and the legend, for screen readers.

A chart is `role="img"`; its <title> states the finding in one sentence and its data, its
<desc> what each mark means.
"""

from __future__ import annotations

from kouryu_cli.core.model import Observation
from kouryu_cli.indicators.evaluation import Evaluation
from kouryu_cli.indicators.views import figure_text, quantity, series_name


def value_text(value: float, unit: str) -> str:
    """A value of the plan (a baseline, a target) with its unit, rounded for a label.

    An actual is shown as written instead (figure_text: 26.0%, 29.95%).
    """
    return quantity(round(value, 1), unit)


def describe(evaluation: Evaluation) -> str:
    """The data of a series chart in words, for its <title>."""
    indicator, series = evaluation.indicator, evaluation.series
    parts = [
        f"{series_name(evaluation)}: 基準値 {value_text(series.baseline, series.unit)}"
        f"（{indicator.baseline_year_of(series).year}年度）",
    ]
    if series.target is None:
        parts.append(
            f"目標 {indicator.target_kind.label}（{indicator.target_year_of(series).year}年度）"
        )
    else:
        kind = indicator.target_kind.label
        parts.append(
            f"目標値 {value_text(series.target, series.unit)}{kind}"
            f"（{indicator.target_year_of(series).year}年度）"
        )
    shown = shown_actuals(evaluation)
    if shown:
        parts.append(
            "実績値 " + "、".join(f"{o.year.year}年度 {figure_text(o, series.unit)}" for o in shown)
        )
    else:
        parts.append("実績値なし")
    parts.append(f"評価 {evaluation.grade.described}")
    return "、".join(parts)


def finding(evaluation: Evaluation) -> str:
    """What the chart shows, in one sentence: from the baseline to the latest figure, the grade.

    基準値 25.6%（Ｈ29）から 最新 30.5%（R6）へ増加、目標 30%以上（Ｒ12）に向けて 評価 A（…）
    """
    indicator, series = evaluation.indicator, evaluation.series
    unit = series.unit
    start = (
        f"基準値 {value_text(series.baseline, unit)}（{indicator.baseline_year_of(series).label}）"
    )
    latest = evaluation.latest
    if latest is None:
        course = f"{start}、実績値はまだありません"
    elif latest.year.year <= indicator.baseline_year_of(series).year:
        course = f"{start}、基準値より後の実績値はありません"
    else:
        change = latest.value - series.baseline
        moved = "へ増加" if change > 0 else "へ減少" if change < 0 else "で変わらず"
        course = f"{start}から 最新 {figure_text(latest, unit)}（{latest.year.label}）{moved}"
    kind = indicator.target_kind.label
    goal = (
        f"目標 {kind}" if series.target is None else f"目標 {value_text(series.target, unit)}{kind}"
    )
    said = evaluation.grade.described
    sentence = (
        f"{indicator.id} {series_name(evaluation)}: {course}、{goal}"
        f"（{indicator.target_year_of(series).label}）に向けて 評価 {said}"
    )
    if evaluation.overdue:
        sentence += "、目標年度を過ぎています"
    if evaluation.overall is not None:
        sentence += f"。指標全体の総合評価は {evaluation.overall.grade.short}"
    return sentence


def shown_actuals(evaluation: Evaluation) -> list[Observation]:
    """The actuals up to the evaluation year, oldest first."""
    return [o for o in evaluation.series.actuals if o.year.year <= evaluation.as_of.year]


LegendItem = tuple[str, str]  # (swatch kind, words)


def legend_items(evaluation: Evaluation) -> list[LegendItem]:
    items: list[LegendItem] = [("square", "基準値")]
    if evaluation.series.target is not None:
        items += [("diamond", "目標値"), ("dash", "基準値から目標値への直線")]
    else:
        words = f"目標（{evaluation.indicator.target_kind.label}）とみなす水準"
        items += [("diamond", "目標"), ("dash", words)]
    items += [("circle", "実績値"), ("dot", "目標年度"), ("band", "評価年度")]
    return items


def legend_words(evaluation: Evaluation) -> str:
    return "凡例: " + "、".join(
        f"{_SWATCH_WORDS[kind]}は{words}" for kind, words in legend_items(evaluation)
    )


_SWATCH_WORDS = {
    "square": "白い四角",
    "diamond": "青いひし形",
    "dash": "破線",
    "circle": "黒い丸と実線",
    "dot": "点線",
    "band": "灰色の帯",
}
