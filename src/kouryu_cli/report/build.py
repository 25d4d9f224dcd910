"""評価報告書: what the year's evaluation report says, as one value, `Report`.

The report is built from the plan, the evaluations its command made (at the evaluation year
and at the year before) and, when given, the departments' answers of the yearly round
(進行管理). It evaluates nothing itself. report/render.py lays it out as HTML or Markdown;
the charts come from indicators/charts.py, which escapes its own text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from kouryu_cli.core.model import AGE_ORDER, EraYear, Plan, Policy
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators import charts
from kouryu_cli.indicators.evaluation import GRADE_ORDER, Grade, shows_basis, tally
from kouryu_cli.indicators.views import (
    difference_text,
    expected_text,
    figure_text,
    latest_of,
    overall_text,
    percent_text,
    quantity,
    rate_text,
    series_name,
    target_text,
)
from kouryu_cli.report.answers import (
    MeasureRow,
    ProgressPart,
    department_width,
    measure_rows,
    progress_part,
)
from kouryu_cli.report.method import (
    LINE_ROUNDING,
    OVERALL_RULE,
    SOURCE_OF_GRADES,
    SOURCE_OF_PROGRESS_RATE,
    grade_rules,
    threshold_rule,
)
from kouryu_cli.report.words import (
    NO_FIGURE,
    UNUSED_EARLY,
    UNUSED_LATER,
    USED,
    as_written,
    caption,
    finding,
    overdue,
    reason_text,
    revision_text,
    target_value,
)

if TYPE_CHECKING:
    from kouryu_cli.indicators.evaluation import Evaluation
    from kouryu_cli.progress.book import ProgressBook

NO_PROGRESS = (
    "この報告書には各課の取組状況（進行管理）の回答は含めていません。"
    "そのため、各事業の実施状況・評価・今後の方向性と回答状況は記載していません。"
)


# What the summary and the tables say of a series whose target year has passed.
@dataclass(frozen=True, slots=True)
class DataFile:
    """A file the report was made from, as the cover lists it."""

    role: str  # 計画 / 実績値 / 進行管理
    name: str
    size: int | None = None
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class ActualRow:
    """One actual of a series: its year, the figure as written, its source, and its use."""

    year: EraYear
    value: str
    source: str
    use: str  # USED, or why not: UNUSED_EARLY (before --since), UNUSED_LATER (after the year)


@dataclass(frozen=True, slots=True)
class SeriesBlock:
    """Everything the report says about one series."""

    anchor: str
    id: str
    name: str
    plan: str
    baseline: str  # as written, with the Western year
    target: str
    unit: str
    actuals: tuple[ActualRow, ...]
    later: int  # actuals after the evaluation year
    chart: str  # SVG
    grade: str
    grade_label: str
    reason: str
    progress_rate: str  # 進捗率: "33.3%" or a reason there is none
    change: str  # 基準値からの変化
    relative_change: str
    expected: str  # the straight line at the evaluation year
    overdue: bool  # past the target year, short of the target, by a figure after the baseline
    met: bool
    caption: str  # what the chart draws, in words
    basis: str = ""  # the rule that decided the grade, when the plan grades by tests
    history: tuple[str, ...] = ()  # baselines and targets before their revision
    overall: str = ""  # the whole indicator's grade, C（3.5点）, for a series of a compound one


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A series whose latest actual or grade differs from the previous year's evaluation."""

    name: str
    before: str
    after: str
    difference: str
    grade_before: str
    grade_after: str


@dataclass(frozen=True, slots=True)
class PastTarget:
    """A series whose target year has passed."""

    name: str
    target: str
    latest: str
    grade: str
    met: bool
    finding: str  # 達成, 未達成（期限超過）, or 実績値なし（判定できない）


@dataclass(frozen=True, slots=True)
class OverallRow:
    """総合評価: an indicator with several series, graded as a whole."""

    name: str
    series: str  # each series' grade: 団体数 B*・人数 C
    overall: str  # C（3.5点）


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report, in the order it is printed."""

    title: str
    subtitle: str
    city: str
    program: str
    field: str
    vision: str
    year: str  # 令和7年度（2025年度）
    as_of: EraYear
    written: str
    threshold: str
    files: tuple[DataFile, ...]
    counts: tuple[tuple[str, str, int], ...]  # grade, meaning, count
    counts_chart: str
    total_series: int
    past_target: tuple[PastTarget, ...]
    overall: tuple[OverallRow, ...]
    previous_year: str
    changes: tuple[ChangeRow, ...]
    series: tuple[SeriesBlock, ...]
    policies: tuple[Policy, ...]  # the plan's, for the headings of 施策事業一覧
    measures: tuple[MeasureRow, ...]
    age_labels: tuple[str, ...]
    icon_legend: str
    progress: ProgressPart | None
    grades: tuple[tuple[str, str], ...]  # grade, rule
    threshold_rule: str
    overall_rule: str
    department_width: float  # em: the longest department name on one line
    version: str
    later_actuals: int = 0
    with_figures: int = 0  # series with a figure in the evaluation period
    before_period: bool = False  # the year before is before the evaluation period
    # The evaluation period's first year (--since), as the report writes it: 令和6年度（2024年度）.
    since: str = ""

    @property
    def grade_source(self) -> str:
        """Where the grades come from."""
        return SOURCE_OF_GRADES

    @property
    def progress_rate_source(self) -> str:
        """Where the formula of 進捗率 comes from."""
        return SOURCE_OF_PROGRESS_RATE

    @property
    def line_rounding(self) -> str:
        """How the straight line's values and the actuals are shown."""
        return LINE_ROUNDING

    @property
    def no_figure(self) -> bool:
        """Whether a series past its target year has no figure to judge it by."""
        return any(p.finding == NO_FIGURE for p in self.past_target)

    @property
    def no_figure_note(self) -> str:
        """Why a series past its target year cannot be judged."""
        if self.since:
            why = f"評価期間（{self.since}以降）に基準年度より後の実績値がないため"
        else:
            why = "基準年度より後の実績値がまだないため"
        return f"{NO_FIGURE}: {why}、目標を達成したかどうかは判定できません。"

    @property
    def evaluated_years(self) -> str:
        """The years whose figures were graded: 令和8年度（2026年度）まで, or from --since."""
        if self.since == self.year:
            return self.year
        return f"{self.since}から{self.year}まで" if self.since else f"{self.year}まで"

    @property
    def notes_no_progress(self) -> str:
        """What the report says when no progress answers were given."""
        return NO_PROGRESS


def fiscal_year_text(year: int) -> str:
    """2025 → 令和7年度（2025年度）; 2019 → 令和元年度（2019年度）."""
    if year >= 2019:
        number = year - 2018
        era_text = f"令和{'元' if number == 1 else number}"
    elif year >= 1989:
        era_text = f"平成{year - 1988}"
    else:
        era_text = f"昭和{year - 1925}"
    return f"{era_text}年度（{year}年度）"


def date_text(day: date) -> str:
    """2026-11-30 → 2026年11月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def build(
    plan: Plan,
    evaluations: Sequence[Evaluation],
    before: Sequence[Evaluation],
    *,
    as_of: EraYear,
    threshold: float,
    written: date,
    files: Sequence[DataFile],
    book: ProgressBook | None = None,
) -> Report:
    """The report of the plan's evaluations at as_of, against those of the year before.

    evaluations and before are evaluate_plan's at as_of and at the year before, with the same
    threshold; book holds the departments' answers of the yearly round, when given.
    """
    from kouryu_cli import __version__

    progress = None if book is None else progress_part(plan, book, fiscal_year_text(book.year.year))
    counts = tally(evaluations)
    field_text = plan.chapter.label
    basis = shows_basis(evaluations)
    series = tuple(_series_block(e, n, basis) for n, e in enumerate(evaluations, 1))
    later = sum(b.later for b in series)
    start = next((e.since for e in evaluations if e.since is not None), None)
    # The year before lies outside the evaluation period: there is no evaluation to compare.
    before_period = start is not None and start.year > as_of.year - 1
    return Report(
        title=f"{field_text} 評価報告書",
        subtitle=fiscal_year_text(as_of.year),
        city=plan.city,
        program=plan.program,
        field=field_text,
        vision=plan.vision_slogan,
        year=fiscal_year_text(as_of.year),
        as_of=as_of,
        written=date_text(written),
        threshold=format_number(threshold),
        files=tuple(files),
        counts=tuple((g.short, g.label, counts[g]) for g in GRADE_ORDER),
        counts_chart=charts.grade_counts_chart(counts, "counts"),
        total_series=len(evaluations),
        with_figures=sum(e.latest is not None for e in evaluations),
        past_target=tuple(
            PastTarget(
                name=f"{e.indicator.id} {series_name(e)}",
                target=target_text(e.indicator, e.series),
                latest=e.reason if e.latest is None and e.reason else latest_of(e),
                grade=e.grade.short,
                met=e.met,
                finding=finding(e),
            )
            for e in evaluations
            if e.indicator.target_year_of(e.series).year < as_of.year
        ),
        overall=tuple(_overall_rows(evaluations)),
        previous_year=fiscal_year_text(as_of.year - 1),
        changes=() if before_period else tuple(_changes(before, evaluations)),
        before_period=before_period,
        series=series,
        policies=plan.policies,
        measures=measure_rows(plan, book),
        age_labels=tuple(a.label for a in AGE_ORDER),
        icon_legend="アイコン: 知守 = 知る・守る、食事、運動（プログラムの他の分野との関わり）",
        progress=progress,
        grades=tuple(grade_rules(threshold)),
        threshold_rule=threshold_rule(threshold),
        since="" if start is None else fiscal_year_text(start.year),
        overall_rule=OVERALL_RULE,
        department_width=department_width(plan),
        version=__version__,
        later_actuals=later,
    )


def _use(year: EraYear, evaluation: Evaluation) -> str:
    """Whether the evaluation used the figure of this year, or why not."""
    if year.year > evaluation.as_of.year:
        return UNUSED_LATER
    if evaluation.since is not None and year.year < evaluation.since.year:
        return UNUSED_EARLY
    return USED


def _series_block(evaluation: Evaluation, number: int, shows_basis: bool) -> SeriesBlock:
    indicator, series = evaluation.indicator, evaluation.series
    unit = series.unit
    actuals = tuple(
        ActualRow(o.year, figure_text(o, unit), o.source, _use(o.year, evaluation))
        for o in series.actuals
    )
    if evaluation.progress_rate is not None:
        rate = f"{percent_text(evaluation.progress_rate)}%"
    elif evaluation.latest is None:  # none yet, or none in the evaluation period (--since)
        rate = f"—（{evaluation.reason or '実績値がまだありません'}）"
    elif evaluation.grade is Grade.E:
        rate = "—（評価困難のため計算しません）"
    elif series.target is None:
        rate = f"—（目標が「{indicator.target_kind.label}」で目標値がないため計算しません）"
    else:
        rate = "—（基準値の時点で目標値に達しているため計算しません）"
    compared = evaluation.grade is not Grade.E  # E: the figure cannot be compared
    relative = (
        ""
        if evaluation.relative_change is None or not compared
        else rate_text(evaluation.relative_change, evaluation.threshold)
        + "（目標の方向を正とする）"
    )
    return SeriesBlock(
        anchor=f"series-{number}",
        id=indicator.id,
        name=series_name(evaluation),
        plan=indicator.plan,
        baseline=as_written(
            indicator.baseline_written,
            indicator.baseline_year_of(series),
            quantity(series.baseline, unit),
            compound=len(indicator.series) > 1,
        ),
        target=as_written(
            indicator.target_written,
            indicator.target_year_of(series),
            target_value(indicator, series),
            compound=len(indicator.series) > 1,
        ),
        unit=unit,
        actuals=actuals,
        later=sum(a.use == UNUSED_LATER for a in actuals),
        # The chart's badge says 期限超過 only where a figure falls short of the target.
        chart=charts.series_chart(
            replace(evaluation, overdue=overdue(evaluation)), f"chart{number}"
        ),
        grade=evaluation.grade.short,
        grade_label=evaluation.grade.label,
        reason=reason_text(evaluation),
        progress_rate=rate,
        change=(difference_text(evaluation.change, unit) if compared else "") or "—",
        relative_change=relative or "—",
        expected=expected_text(evaluation) or "—",
        overdue=overdue(evaluation),
        met=evaluation.met,
        basis=evaluation.basis_text if shows_basis else "",
        history=tuple(revision_text(r) for r in indicator.history if r.series in ("", series.key)),
        caption=caption(evaluation),
        overall=overall_text(evaluation),
    )


def _overall_rows(evaluations: Sequence[Evaluation]) -> list[OverallRow]:
    """The indicators with several series, each series' grade and the overall grade."""
    by_indicator: dict[str, list[Evaluation]] = {}
    for e in evaluations:
        if e.overall is not None:
            by_indicator.setdefault(e.indicator.id, []).append(e)
    return [
        OverallRow(
            name=f"{each[0].indicator.id} {each[0].indicator.name}",
            series="・".join(f"{e.series.label or e.series.key} {e.grade.short}" for e in each),
            overall=overall_text(each[0]),
        )
        for each in by_indicator.values()
    ]


def _changes(before: Sequence[Evaluation], after: Sequence[Evaluation]) -> list[ChangeRow]:
    rows = []
    for old, new in zip(before, after, strict=True):
        same_latest = (old.latest is None and new.latest is None) or (
            old.latest is not None
            and new.latest is not None
            and old.latest.year.year == new.latest.year.year
        )
        if same_latest and old.grade is new.grade:
            continue
        difference = ""
        if old.latest is not None and new.latest is not None:
            difference = difference_text(new.latest.value - old.latest.value, new.series.unit)
        rows.append(
            ChangeRow(
                name=f"{new.indicator.id} {series_name(new)}",
                before=latest_of(old),
                after=latest_of(new),
                difference=difference or "—",
                grade_before=old.grade.short,
                grade_after=new.grade.short,
            )
        )
    return rows
