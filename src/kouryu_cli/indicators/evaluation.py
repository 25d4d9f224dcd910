"""Indicator evaluation (指標の評価): gap, 進捗率, the straight line and the 健康日本21 grade.

The grades are those of 健康日本21（第二次）最終評価. With a threshold t (default 5 %) and
the relative change r = (latest − baseline) / |baseline|, signed so that a change in the
desired direction is positive:

- A: the latest actual is at or beyond the target (for 増加/減少: r ≥ t);
- B: r ≥ t and the latest actual is on or beyond the straight line from the baseline to the
  target, read at the latest actual's year;
- B*: r ≥ t but behind that line (the target year is in danger);
- C: |r| < t;  D: r ≤ −t;
- E 評価困難: the actual cannot be compared with the baseline (the baseline is 0, or the
  actual is not later than the baseline year), or there are actuals but none in the
  evaluation period (--since: 評価期間内の実績値なし);
- ベースラインのみ: no actual up to the as-of year.

The 5 % is the report's 目安 for untested figures. An actual's significance test against the
baseline (有意差) decides instead: 改善 → A (target reached; 増加/減少: always), B or B*;
変化なし → C; 悪化 → D. A `tested` series graded by the guide alone is provisional (暫定).

An indicator with several series (I3: 団体数 and 人数) is also graded as a whole, as the
report grades such items: A = 5, B and B* = 4, C = 3, D = 2 points, averaged over the series
graded A–D, rounded 五捨六入 (x.5 down, x.6 up) and read back as A/B/C/D; with none graded
A–D, E if one is E, else ベースラインのみ. A B is B* unless the series projected to the target
year (A, B → A; B* → B) average to A (A+B → B, A+B* → B*, B*+B* → B*; 第2章,
tests/corpus/kenkou21).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from kouryu_cli.core import era
from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import (
    EraYear,
    Indicator,
    LabelledEnum,
    Observation,
    Plan,
    Series,
    Significance,
    TargetKind,
)
from kouryu_cli.core.tally import Counts

DEFAULT_THRESHOLD = 5.0
# Comparisons are made on values rounded to this many decimals, so that 21 against a
# baseline of 20 is exactly +5 % although 1 / 20 * 100 is not exact in binary.
_DECIMALS = 9


class Grade(LabelledEnum):
    """評価区分: a grade of 健康日本21（第二次）最終評価, or ベースラインのみ.

    label: what the grade means, as the MHLW report words it.
    """

    A = ("A", "目標値に達した")
    B = ("B", "現時点で目標値に達していないが、改善傾向にある")
    B_STAR = ("B*", "改善傾向にあるが、設定した目標年度までに目標到達が危ぶまれる")
    C = ("C", "変わらない")
    D = ("D", "悪化している")
    E = ("E", "評価困難")
    BASELINE_ONLY = ("baseline-only", "ベースラインのみ（実績値がまだない）")

    @property
    def short(self) -> str:
        """The grade as a table shows it: A … E, or ベースラインのみ."""
        return "ベースラインのみ" if self is Grade.BASELINE_ONLY else self.value

    @property
    def described(self) -> str:
        """The grade and what it means: C（変わらない）; ベースラインのみ（実績値がまだない）,
        which says its name already, once."""
        return self.label if self.label.startswith(self.short) else f"{self.short}（{self.label}）"


GRADE_ORDER: tuple[Grade, ...] = tuple(Grade)


class Basis(LabelledEnum):
    """判定根拠: the rule that decided a grade (label: as a table shows it)."""

    TARGET = ("target", "目標値")
    SIGNIFICANCE = ("significance", "有意差")
    THRESHOLD = ("threshold", "目安")

    def describe(self, threshold: float, significance: Significance | None) -> str:
        """有意差（改善）, 5%目安, or 目標値: the rule in the words of a table."""
        if self is Basis.SIGNIFICANCE and significance is not None:
            return f"{self.label}（{significance.label}）"
        if self is Basis.THRESHOLD:
            return f"{threshold:g}%{self.label}"
        return self.label


NO_ACTUAL_IN_PERIOD = "評価期間内の実績値なし"  # E: figures, but none in --since's period


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The evaluation of one series (an indicator, or one component of a compound one)."""

    indicator: Indicator
    series: Series
    as_of: EraYear
    threshold: float
    latest: Observation | None
    change: float | None  # latest − baseline
    relative_change: float | None  # % of |baseline|, positive = the desired direction
    gap: float | None
    progress_rate: float | None  # 進捗率, % of the targeted change achieved
    expected: float | None  # the straight line at the as-of year
    expected_at_latest: float | None  # the straight line at the latest actual's year
    grade: Grade
    reason: str
    met: bool
    overdue: bool
    # The whole indicator's grade, for an indicator with several series; None otherwise.
    overall: Overall | None = None
    # The rule that decided the grade (None for E and ベースラインのみ), and whether the grade
    # of a survey-based series stands without its test (暫定).
    basis: Basis | None = None
    provisional: bool = False
    since: EraYear | None = None  # the evaluation period's first year, when one is set

    def basis_fields(self) -> dict[str, object]:
        """The rule behind the grade as plain data: rule, label, significance, provisional."""
        tested = self.latest.significance if self.latest is not None else None
        return {
            "rule": None if self.basis is None else self.basis.value,
            "label": self.basis_text,
            "significance": None if tested is None else tested.value,
            "provisional": self.provisional,
        }

    @property
    def basis_text(self) -> str:
        """有意差（改善）, 5%目安（暫定）, 目標値, or '' for E and ベースラインのみ."""
        if self.basis is None:
            return ""
        significance = self.latest.significance if self.latest is not None else None
        words = self.basis.describe(self.threshold, significance)
        return f"{words}（暫定）" if self.provisional else words


@dataclass(frozen=True, slots=True)
class Overall:
    """総合評価: the grade of an indicator with several series, and the mean of its points."""

    grade: Grade
    points: float | None  # None when no series could be graded


POINTS = {Grade.A: 5, Grade.B: 4, Grade.B_STAR: 4, Grade.C: 3, Grade.D: 2}
# Each grade as it is expected to stand at the target year: B is on course for A, B* for B.
PROJECTED = {Grade.A: 5, Grade.B: 5, Grade.B_STAR: 4, Grade.C: 3, Grade.D: 2}
_FROM_POINTS = {5: Grade.A, 4: Grade.B, 3: Grade.C, 2: Grade.D}


def overall_grade(grades: Iterable[Grade]) -> Overall:
    """The 健康日本21 grade of several series together (五捨六入: 4.5 → B, 4.6 → A).

    A B is B* unless the series projected to the target year average to A (A+B → B,
    A+B* → B*). E when no series has A–D but one is E; ベースラインのみ when none has an actual.
    """
    given = [g for g in grades if g in POINTS or g in (Grade.E, Grade.BASELINE_ONLY)]
    graded = [g for g in given if g in POINTS]
    if not graded:
        return Overall(Grade.E if Grade.E in given else Grade.BASELINE_ONLY, None)
    mean = sum(POINTS[g] for g in graded) / len(graded)
    verdict = _FROM_POINTS[_round_points(mean)]
    if verdict is Grade.B:
        projected = sum(PROJECTED[g] for g in graded) / len(graded)
        if _round_points(projected) < POINTS[Grade.A]:
            verdict = Grade.B_STAR
    return Overall(verdict, _round(mean))


def _round_points(mean: float) -> int:
    """五捨六入: a fraction of .5 or less rounds down, anything above rounds up."""
    whole = math.floor(mean)
    return whole + 1 if _round(mean - whole) > 0.5 else whole


def fiscal_year(day: date) -> int:
    """年度: the Japanese fiscal year a day falls in (it starts on 1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def _today() -> date:
    return date.today()


def as_of_year(label: str | None = None) -> EraYear:
    """The year to evaluate at: --as-of (R7, 令和7年度, 2025), or the current fiscal year."""
    if label is None:
        year = fiscal_year(_today())
        return EraYear(era.short_label(year), year)
    try:
        return era.parse_year(label)
    except era.EraError as error:
        raise UsageError(str(error)) from None


def since_year(label: str, as_of: EraYear) -> EraYear:
    """The first year of the evaluation period (--since), which cannot come after as_of."""
    since = as_of_year(label)
    if since.year > as_of.year:
        raise UsageError(
            _("{since} is after the evaluation year {as_of}: no figure could be graded").format(
                since=since.shown, as_of=as_of.shown
            )
        )
    return since


def within_plan(year: EraYear, plan: Plan) -> EraYear:
    """year, or a UsageError when it is before every baseline (S60) or too far past the last
    target year (R99 for R9, as for an actual's year): an evaluation of nothing, or a typo.
    """
    last = max((i.last_target_year for i in plan.indicators), default=era.LATEST)
    starts = [i.baseline_year_of(s) for i in plan.indicators for s in i.series]
    first = min(starts, key=lambda y: y.year, default=None)
    why = era.beyond_plan(year, last) or era.before_plan(year, first)
    if why is not None:
        raise UsageError(why)
    return year


def year_before(as_of: EraYear) -> EraYear:
    """The fiscal year before as_of, labelled by its Western year: the report compares with it."""
    return EraYear(f"{as_of.year - 1}", as_of.year - 1)


def check_threshold(threshold: float) -> float:
    """The threshold in %, which must be above 0 and at most 100."""
    if not math.isfinite(threshold) or not 0 < threshold <= 100:
        raise UsageError(
            _("must be above 0 and at most 100 (%), got {threshold:g}").format(threshold=threshold)
        )
    return threshold


def direction(kind: TargetKind, baseline: float, target: float | None) -> int:
    """The desired direction: +1 up, −1 down, 0 for a bare target equal to its baseline."""
    if kind in (TargetKind.AT_LEAST, TargetKind.INCREASE):
        return 1
    if kind in (TargetKind.AT_MOST, TargetKind.DECREASE):
        return -1
    if target is None or target == baseline:
        return 0
    return 1 if target > baseline else -1


def line_value(indicator: Indicator, series: Series, year: int) -> float | None:
    """The straight line from (baseline year, baseline) to (target year, target) at year.

    Before the baseline year it is the baseline, after the target year the target;
    None for a direction-only target (増加/減少). A series' own years count over its indicator's.
    """
    if series.target is None:
        return None
    start = indicator.baseline_year_of(series).year
    end = indicator.target_year_of(series).year
    if year >= end:
        return series.target
    if year <= start:
        return series.baseline
    share = (year - start) / (end - start)
    return series.baseline + (series.target - series.baseline) * share


def relative_change(baseline: float, value: float, sign: int) -> float | None:
    """100 × (value − baseline) / |baseline|, signed by the desired direction.

    With no direction (keep the value), any change counts against it. None when the
    baseline is 0.
    """
    if baseline == 0:
        return None
    change = (value - baseline) / abs(baseline) * 100
    return -abs(change) if sign == 0 else sign * change


def progress_rate(baseline: float, target: float | None, value: float, sign: int) -> float | None:
    """進捗率: 100 × (value − baseline) / (target − baseline), the targeted change achieved.

    None for a direction-only target, or one already met at the baseline.
    """
    if target is None or sign == 0 or sign * (target - baseline) <= 0:
        return None
    return (value - baseline) / (target - baseline) * 100


def meets_target(
    kind: TargetKind, baseline: float, target: float | None, value: float, threshold: float
) -> bool:
    """Whether value is at or beyond the target (for 増加/減少: moved by at least threshold %)."""
    sign = direction(kind, baseline, target)
    if target is None:
        change = relative_change(baseline, value, sign)
        return change is not None and _round(change) >= threshold
    if sign == 0:
        return _round(value) == _round(target)
    return _round(sign * (value - target)) >= 0


def latest_actual(series: Series, as_of: int, since: int | None = None) -> Observation | None:
    """The latest observation up to and including the as-of year (and from since, if given)."""
    known = [
        o
        for o in series.actuals
        if o.year.year <= as_of and (since is None or o.year.year >= since)
    ]
    return max(known, key=lambda o: o.year.year) if known else None


@dataclass(frozen=True, slots=True)
class Verdict:
    """A grade, why it is E, and the rule that decided it."""

    grade: Grade
    reason: str = ""
    basis: Basis | None = None


def grade(  # noqa: PLR0911 - one return per grade, in the order of the MHLW rule
    indicator: Indicator, series: Series, latest: Observation | None, threshold: float
) -> Verdict:
    """The grade of a series given its latest actual: by its significance test, or the guide."""
    if latest is None:
        return Verdict(Grade.BASELINE_ONLY)
    kind = indicator.target_kind
    baseline_year = indicator.baseline_year_of(series)
    if latest.year.year <= baseline_year.year:
        return Verdict(
            Grade.E, f"基準年度（{baseline_year.label}）より後の実績値がなく、比較できない"
        )
    tested = latest.significance
    if kind.has_value and meets_target(kind, series.baseline, series.target, latest.value, 0):
        return Verdict(Grade.A, basis=Basis.TARGET)
    if tested is not None:
        if tested is Significance.WORSENED:
            return Verdict(Grade.D, basis=Basis.SIGNIFICANCE)
        if tested is Significance.UNCHANGED:
            return Verdict(Grade.C, basis=Basis.SIGNIFICANCE)
        if not kind.has_value:
            return Verdict(Grade.A, basis=Basis.SIGNIFICANCE)
        return Verdict(_on_course(indicator, series, latest), basis=Basis.SIGNIFICANCE)
    if meets_target(kind, series.baseline, series.target, latest.value, threshold):
        return Verdict(Grade.A, basis=Basis.THRESHOLD)
    sign = direction(kind, series.baseline, series.target)
    change = relative_change(series.baseline, latest.value, sign)
    if change is None:
        return Verdict(Grade.E, "基準値が0のため、変化率を計算できない")
    change = _round(change)
    if change <= -threshold:
        return Verdict(Grade.D, basis=Basis.THRESHOLD)
    if change < threshold:
        return Verdict(Grade.C, basis=Basis.THRESHOLD)
    return Verdict(_on_course(indicator, series, latest), basis=Basis.THRESHOLD)


def _on_course(indicator: Indicator, series: Series, latest: Observation) -> Grade:
    """B when the latest actual is on or beyond the straight line to the target, else B*."""
    sign = direction(indicator.target_kind, series.baseline, series.target)
    line = line_value(indicator, series, latest.year.year)
    if line is not None and _round(sign * (latest.value - line)) < 0:
        return Grade.B_STAR
    return Grade.B


def evaluate(
    indicator: Indicator,
    series: Series,
    as_of: EraYear,
    threshold: float = DEFAULT_THRESHOLD,
    since: EraYear | None = None,
) -> Evaluation:
    """Evaluate one series at the as-of year, ignoring actuals after it (and before since)."""
    latest = latest_actual(series, as_of.year, since.year if since is not None else None)
    sign = direction(indicator.target_kind, series.baseline, series.target)
    current = latest.value if latest is not None else series.baseline
    change = None if latest is None else latest.value - series.baseline
    if series.target is not None:
        gap: float | None = series.target - current
    else:
        gap = change
    met = meets_target(indicator.target_kind, series.baseline, series.target, current, threshold)
    verdict = grade(indicator, series, latest, threshold)
    if latest is None and since is not None and latest_actual(series, as_of.year) is not None:
        # Figures exist, but all before the evaluation period: nothing to grade, not "none yet".
        verdict = Verdict(Grade.E, f"{NO_ACTUAL_IN_PERIOD}（{since.label}以降）")
    met = met or verdict.grade is Grade.A  # 増加/減少 is also met by a significant 改善
    return Evaluation(
        indicator=indicator,
        series=series,
        as_of=as_of,
        threshold=threshold,
        latest=latest,
        change=change,
        relative_change=(
            None if latest is None else relative_change(series.baseline, latest.value, sign)
        ),
        gap=gap,
        progress_rate=(
            None
            if latest is None or verdict.grade is Grade.E
            else progress_rate(series.baseline, series.target, latest.value, sign)
        ),
        expected=(  # no line yet before its baseline year
            None
            if as_of.year < indicator.baseline_year_of(series).year
            else line_value(indicator, series, as_of.year)
        ),
        expected_at_latest=(
            None if latest is None else line_value(indicator, series, latest.year.year)
        ),
        grade=verdict.grade,
        reason=verdict.reason,
        met=met,
        overdue=indicator.target_year_of(series).year < as_of.year
        and not (met or _reached(indicator, series, as_of, threshold, since)),
        basis=verdict.basis,
        provisional=series.tested and verdict.basis is Basis.THRESHOLD,
        since=since,
    )


def _reached(
    indicator: Indicator, series: Series, as_of: EraYear, threshold: float, since: EraYear | None
) -> bool:
    """Whether a figure of the evaluation period, up to as_of, reached the target."""
    return any(
        meets_target(indicator.target_kind, series.baseline, series.target, o.value, threshold)
        for o in series.actuals
        if o.year.year <= as_of.year and (since is None or o.year.year >= since.year)
    )


def evaluate_plan(
    plan: Plan,
    as_of: EraYear,
    threshold: float = DEFAULT_THRESHOLD,
    since: EraYear | None = None,
) -> list[Evaluation]:
    """Every series of every indicator, in plan order; several series also get an overall grade.

    since: the evaluation period's first year; the plan's evaluation.since when None.
    """
    period = since if since is not None else plan.since
    out: list[Evaluation] = []
    for indicator in plan.indicators:
        each = [evaluate(indicator, s, as_of, threshold, period) for s in indicator.series]
        if len(each) > 1:
            overall = overall_grade(e.grade for e in each)
            each = [replace(e, overall=overall) for e in each]
        out.extend(each)
    return out


def shows_basis(evaluations: Iterable[Evaluation]) -> bool:
    """Whether any grade rests on a test or is provisional: then every view names each rule."""
    return any(e.basis is Basis.SIGNIFICANCE or e.provisional for e in evaluations)


def tally(evaluations: Iterable[Evaluation]) -> Counts[Grade]:
    """How many series have each grade, in the report's order."""
    return Counts.of(GRADE_ORDER, evaluations, lambda e, g: e.grade is g)


def _round(value: float) -> float:
    return round(value, _DECIMALS)
