"""Indicator evaluations as text, JSON records and listings (screen.py draws the table).

The JSON keys made here are a documented contract (docs/indicators.md,
tests/test_cli_indicators.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kouryu_cli.core import era
from kouryu_cli.core.model import EraYear, Indicator, Observation, Plan, Series
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators.evaluation import (
    GRADE_ORDER,
    Evaluation,
    Grade,
    Overall,
    shows_basis,
    tally,
)
from kouryu_cli.render.listing import Cell, Listing, Year

if TYPE_CHECKING:
    pass

NONE_YET = "ベースラインのみ"
OVERDUE = "期限超過"
# Grade words that no screen breaks across lines, even inside a sentence.
KEEP_WHOLE = (NONE_YET, OVERDUE)


def title(as_of: EraYear) -> str:
    """What the evaluation holds, with its year: the first line of every format."""
    return f"関連計画における参考となる指標の評価（{as_of_text(as_of)}時点）"


def as_of_text(as_of: EraYear) -> str:
    """R7=2025年度."""
    return f"{as_of.label}={as_of.year}年度"


def expected_heading(as_of: EraYear) -> str:
    """The heading of the straight line's value: 見込み（R7=2025年度）, never 今年度."""
    return f"見込み（{as_of_text(as_of)}）"


BASIS = "判定の根拠"


def columns(as_of: EraYear, basis: bool = False) -> tuple[str, ...]:
    """The columns of the file formats: labels as written, each number in its own column.

    basis: add 判定の根拠 (when some grade rests on a significance test or is provisional).
    """
    expected = expected_heading(as_of)
    return (
        "評価年度",
        "ID",
        "指標",
        "内訳",
        "単位",
        "基準値",
        "基準値(数値)",
        "基準年度",
        "目標値",
        "目標値(数値)",
        "目標年度",
        "直近の実績",
        "直近の実績(数値)",
        "直近の実績の年度",
        "変化(数値)",
        "目標までの差",
        "目標までの差(数値)",
        "進捗率(%)",
        expected,
        "見込み(数値)",
        "評価",
        "総合評価",
        "評価の意味",
        OVERDUE,
        *((BASIS,) if basis else ()),
    )


_NUMERIC = (
    "基準値(数値)",
    "目標値(数値)",
    "直近の実績(数値)",
    "変化(数値)",
    "目標までの差(数値)",
    "進捗率(%)",
    "見込み(数値)",
)
# What a council member reads on paper: each figure with its year, how far, and the grade.
_PRINTED = (
    "ID",
    "指標",
    "内訳",
    "基準値",
    "目標値",
    "直近の実績",
    "進捗率(%)",
    "評価",
    "総合評価",
    "評価の意味",
    OVERDUE,
)


# Units that count people, groups, places or events: a value in one is a whole number.
COUNTING_UNITS = frozenset({"人", "人/年", "団体", "か所", "件", "回", "世帯", "施設"})


def quantity(value: float, unit: str, decimals: int | None = None) -> str:
    """A number with its unit: '%' attaches (25.6%), other units follow a space (5,480 人).

    decimals: as many decimals as the figure was written with (26.0%), when known.
    """
    number = format_number(_tidy(value, 2)) if decimals is None else f"{value:,.{decimals}f}"
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def year_text(year: EraYear) -> str:
    """(Ｈ29/2017): the label as written, then the Western year unless the label has it."""
    return f"({year_label(year)})"


def year_label(year: EraYear) -> str:
    """Ｈ29/2017, or 2024 for a label that is the Western year already."""
    return year.label if era.shows_western(year) else f"{year.label}/{year.year}"


def baseline_text(indicator: Indicator, series: Series) -> str:
    """25.6% (Ｈ29/2017)."""
    return (
        f"{quantity(series.baseline, series.unit)} {year_text(indicator.baseline_year_of(series))}"
    )


def target_text(indicator: Indicator, series: Series) -> str:
    """30% 以上 (Ｒ12/2030), 80 団体 (Ｒ7/2025), or 増加 (Ｒ7/2025)."""
    kind = indicator.target_kind
    if series.target is None:
        words = kind.label
    else:
        words = quantity(series.target, series.unit)
        if kind.label:
            words += f" {kind.label}"
    return f"{words} {year_text(indicator.target_year_of(series))}"


def figure_text(observation: Observation, unit: str) -> str:
    """An actual with its unit, with the decimals it was written with: 26.0%."""
    return quantity(observation.value, unit, observation.decimals)


def latest_text(observation: Observation | None, unit: str) -> str:
    """27.1% (R5/2023), or ベースラインのみ."""
    if observation is None:
        return NONE_YET
    return f"{figure_text(observation, unit)} {year_text(observation.year)}"


def latest_of(evaluation: Evaluation) -> str:
    """直近の実績 of a series: its figure, ベースラインのみ, or — with none in the evaluation
    period (--since), where a figure before it exists and its grade's reason says so."""
    if evaluation.latest is None and evaluation.reason:
        return "—"
    return latest_text(evaluation.latest, evaluation.series.unit)


def line_text(value: float, unit: str, *, toward: int = 0) -> str:
    """A value of the straight line: whole in a counting unit (17,994 人), else one decimal.

    Rounded half up (四捨五入): 76.5 団体 → 77 団体, 28.65% → 28.7%. A level to reach is
    rounded toward where it is reached (toward +1 up, −1 down), so that the value shown
    reaches it: +5% of 146,828 人/年 is 154,169.4, shown as 154,170 人/年.
    """
    places = 0 if unit in COUNTING_UNITS else 1
    rounding = {1: ROUND_CEILING, -1: ROUND_FLOOR}.get(toward, ROUND_HALF_UP)
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding)
    return quantity(float(rounded), unit, places)  # 28.0%, not 28%


def difference_text(value: float | None, unit: str) -> str:
    """A signed difference in the unit; a difference of percentages is in ポイント."""
    if value is None:
        return ""
    tidy = _tidy(value, 2)
    sign = "+" if tidy > 0 else ""
    if unit == "%":  # a difference of percentages keeps their decimal: -1.0ポイント, +0.25ポイント
        return f"{sign}{tidy:,.{1 if round(tidy, 1) == tidy else 2}f}ポイント"
    return f"{sign}{quantity(tidy, unit)}"


def rate_places(change: float, threshold: float, least: int = 1) -> int:
    """Decimals (at least `least`) that keep a change in % on its own side of ±threshold.

    −4.966 is C and −5.0 would read as D: it keeps two decimals, −4.97.
    """
    beyond = abs(round(change, 10)) >= threshold
    return next((p for p in range(least, 10) if (abs(round(change, p)) >= threshold) == beyond), 10)


def rate_text(change: float, threshold: float) -> str:
    """A change in %: +4.4%, −4.97% (rate_places); 0.0% with no sign."""
    places = rate_places(change, threshold)
    return f"{change:{'+' if round(change, places) else ''}.{places}f}%"


def percent_text(value: float | None) -> str:
    """33.3 (one decimal), or '' when there is none."""
    return "" if value is None else f"{value:.1f}"


def expected_text(evaluation: Evaluation) -> str:
    """The straight line's value at the as-of year, in the unit."""
    if evaluation.expected is None:
        return ""
    return line_text(evaluation.expected, evaluation.series.unit)


def series_name(evaluation: Evaluation) -> str:
    """The indicator's name, with the component of a compound one: …（団体数）."""
    series = evaluation.series
    part = series.label or series.key
    return f"{evaluation.indicator.name}（{part}）" if part else evaluation.indicator.name


def series_record(indicator: Indicator, series: Series) -> dict[str, Any]:
    """What a JSON record says of a series itself: names, unit, baseline and target."""
    return {
        "id": indicator.id,
        "name": indicator.name,
        "component": series.key or None,
        "component_label": (series.label or series.key) or None,
        "unit": series.unit,
        "plan": indicator.plan,
        "baseline": {
            "value": _tidy(series.baseline),
            "year": indicator.baseline_year_of(series).year,
            "label": indicator.baseline_year_of(series).label,
            "as_written": indicator.baseline_written,
        },
        "target": {
            "value": _tidy_optional(series.target),
            "year": indicator.target_year_of(series).year,
            "label": indicator.target_year_of(series).label,
            "kind": indicator.target_kind.value,
            "kind_label": indicator.target_kind.label,
            "as_written": indicator.target_written,
        },
    }


def record(evaluation: Evaluation, basis: bool = False) -> dict[str, Any]:
    """The JSON object of one evaluated series (with the rule behind its grade, when asked)."""
    indicator, series, latest = evaluation.indicator, evaluation.series, evaluation.latest
    return {
        **series_record(indicator, series),
        "latest": None
        if latest is None
        else {
            "value": _tidy(latest.value),
            "year": latest.year.year,
            "label": latest.year.label,
            "source": latest.source,
        },
        "change": _tidy_optional(evaluation.change),
        "relative_change": None
        if evaluation.relative_change is None
        else _tidy(
            evaluation.relative_change,
            rate_places(evaluation.relative_change, evaluation.threshold, 2),
        ),
        "gap": _tidy_optional(evaluation.gap),
        "progress": _tidy_optional(evaluation.progress_rate, 2),
        "expected": _tidy_optional(evaluation.expected, 2),
        "expected_at_latest": _tidy_optional(evaluation.expected_at_latest, 2),
        "status": evaluation.grade.value,
        "status_label": evaluation.grade.label,
        "reason": evaluation.reason,
        "met": evaluation.met,
        "overdue": evaluation.overdue,
        "as_of": {"year": evaluation.as_of.year, "label": evaluation.as_of.label},
        "threshold": _tidy(evaluation.threshold),
        "overall": _overall_record(evaluation.overall),
        **({"basis": evaluation.basis_fields()} if basis else {}),
    }


def _overall_record(overall: Overall | None) -> dict[str, Any] | None:
    if overall is None:
        return None
    return {
        "status": overall.grade.value,
        "status_label": overall.grade.label,
        "points": overall.points,
    }


def overall_text(evaluation: Evaluation) -> str:
    """C（3.5点）: the whole indicator's grade beside a series of a compound one."""
    overall = evaluation.overall
    if overall is None:
        return ""
    points = f"（{overall.points:g}点）" if overall.points is not None else ""
    return f"{overall.grade.short}{points}"


def row(evaluation: Evaluation, basis: bool = False) -> tuple[Cell, ...]:
    """One evaluated series as a row of columns(as_of, basis): each number also as a number."""
    indicator, series, latest = evaluation.indicator, evaluation.series, evaluation.latest
    return (
        f"{evaluation.as_of.label}（{evaluation.as_of.year}年度）",
        indicator.id,
        indicator.name,
        series.label or series.key,
        series.unit,
        baseline_text(indicator, series),
        _tidy(series.baseline),
        Year(indicator.baseline_year_of(series).year),  # a number, shown 2017
        target_text(indicator, series),
        _tidy_optional(series.target),
        Year(indicator.target_year_of(series).year),
        latest_of(evaluation),
        None if latest is None else _tidy(latest.value),
        None if latest is None else Year(latest.year.year),
        _tidy_optional(evaluation.change),
        difference_text(target_gap(evaluation), series.unit),
        _tidy_optional(target_gap(evaluation)),
        _tidy_optional(evaluation.progress_rate, 1),
        expected_text(evaluation),
        _tidy_optional(evaluation.expected, 2),
        evaluation.grade.short,
        overall_text(evaluation),
        evaluation.grade.label + (f"（{evaluation.reason}）" if evaluation.reason else ""),
        "○" if evaluation.overdue else "",
        *((evaluation.basis_text,) if basis else ()),
    )


def target_gap(evaluation: Evaluation) -> float | None:
    """目標との差 as a table shows it: none for a 増加/減少 target, which names no value.

    (JSON's gap keeps the change from the baseline there, as documented.)
    """
    return None if evaluation.series.target is None else evaluation.gap


def listing(evaluations: list[Evaluation], as_of: EraYear) -> Listing:
    """Evaluations for the file formats (csv, tsv, markdown, xlsx) and JSON."""
    basis = shows_basis(evaluations)
    heads = columns(as_of, basis)
    return Listing(
        columns=heads,
        make_rows=lambda: [row(e, basis) for e in evaluations],
        make_records=lambda: [record(e, basis) for e in evaluations],
        numeric=frozenset(i for i, c in enumerate(heads) if c in _NUMERIC),
        title=title(as_of),
        sheet="指標",
        print_columns=tuple(heads.index(c) for c in _PRINTED),
        names=(heads.index("ID"), heads.index("指標")),
    )


HISTORY_TITLE = "指標の推移（基準値・各年度の実績値・目標値）"


def history_listing(
    plan: Plan, first: EraYear | None = None, last: EraYear | None = None
) -> Listing:
    """Every series with its baseline, its actuals by year (from first, up to last), its target."""

    def shown(series: Series) -> list[Observation]:
        return [
            o
            for o in series.actuals
            if (first is None or o.year.year >= first.year)
            and (last is None or o.year.year <= last.year)
        ]

    years = sorted({o.year.year for i in plan.indicators for s in i.series for o in shown(s)})
    heads = (
        "ID",
        "指標",
        "内訳",
        "単位",
        "基準年度",
        "基準値",
        *(f"{era.short_label(y)}/{y}" for y in years),
        "目標年度",
        "目標値",
        "目標の種類",
    )

    def rows() -> list[tuple[Cell, ...]]:
        out: list[tuple[Cell, ...]] = []
        for indicator in plan.indicators:
            for series in indicator.series:
                by_year = {o.year.year: _tidy(o.value) for o in shown(series)}
                out.append(
                    (
                        indicator.id,
                        indicator.name,
                        series.label or series.key,
                        series.unit,
                        year_label(indicator.baseline_year_of(series)),
                        _tidy(series.baseline),
                        *(by_year.get(y) for y in years),
                        year_label(indicator.target_year_of(series)),
                        _tidy_optional(series.target),
                        indicator.target_kind.label,
                    )
                )
        return out

    def records() -> list[dict[str, Any]]:
        return [
            {
                **series_record(indicator, series),
                "actuals": [
                    {
                        "year": o.year.year,
                        "label": o.year.label,
                        "value": _tidy(o.value),
                        "source": o.source,
                    }
                    for o in shown(series)
                ],
            }
            for indicator in plan.indicators
            for series in indicator.series
        ]

    return Listing(
        columns=heads,
        make_rows=rows,
        make_records=records,
        numeric=frozenset(range(5, len(heads) - 1)) - {len(heads) - 3},
        title=HISTORY_TITLE + _period(first, last),
        sheet="指標の推移",
        names=(0, 1, 2),
    )


def _period(first: EraYear | None, last: EraYear | None) -> str:
    """（R3=2021年度からR6=2024年度まで）: the years a history is bounded to, if any."""

    def named(year: EraYear) -> str:
        return f"{year.label}={year.year}年度"

    if first is not None and last is not None:
        return f"（{named(first)}から{named(last)}まで）"
    if last is not None:
        return f"（{named(last)}まで）"
    return "" if first is None else f"（{named(first)}以降）"


def _tidy(value: float, digits: int | None = None) -> float | int:
    """A number for JSON and display: whole numbers as int, others rounded to digits, or to
    the 15 significant digits a figure may have (27.123456789012 kept, no 4.3999999)."""
    number = float(value)
    rounded = float(f"{number:.15g}") if digits is None else round(number, digits)
    return int(rounded) if rounded.is_integer() else rounded


def _tidy_optional(value: float | None, digits: int | None = None) -> float | int | None:
    """_tidy, or None when there is no number (no actual, no target)."""
    return None if value is None else _tidy(value, digits)


def tally_line(counts: Mapping[Grade, int]) -> str:
    """The aggregate as the MHLW report prints it: A 0・B 0・…・ベースラインのみ 8."""
    return "・".join(f"{g.short} {counts.get(g, 0)}" for g in GRADE_ORDER)


def overall_line(evaluations: Iterable[Evaluation]) -> str:
    """The overall grades of the indicators with several series: 総合評価 I3 C (3.5点)."""
    shown: dict[str, Overall] = {}
    for e in evaluations:
        if e.overall is not None:
            shown.setdefault(e.indicator.id, e.overall)
    return "・".join(
        f"{key} {o.grade.short}" + (f"（{o.points:g}点）" if o.points is not None else "")
        for key, o in shown.items()
    )


def count_line(evaluations: list[Evaluation]) -> str:
    """The count line: the grades of the series, then the overall grade of compound indicators."""
    line = tally_line(tally(evaluations))
    overall = overall_line(evaluations)
    return f"{line} / 総合評価 {overall}" if overall else line
