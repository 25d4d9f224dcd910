"""評価報告書: the year's evaluation as one self-contained HTML page (or Markdown).

One layout, `Report`, is built from the plan, its evaluations and (when given) the
departments' progress answers; the HTML and Markdown templates only lay it out. Jinja2 is
imported here only, inside the functions that render, with auto-escaping on: text from the
plan or the data files is never markup. The charts come from indicators/charts.py, which
escapes its own text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from kouryu_cli.core.model import AGE_ORDER, EraYear, Indicator, Plan, Revision, Series
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.indicators import charts
from kouryu_cli.indicators import evaluation as ev
from kouryu_cli.indicators.views import (
    difference_text,
    latest_text,
    percent_text,
    quantity,
    series_name,
    target_text,
)

if TYPE_CHECKING:
    from jinja2 import Environment

    from kouryu_cli.indicators.evaluation import Evaluation
    from kouryu_cli.progress.book import ProgressBook

FORMATS = ("html", "markdown")
SOURCE_OF_GRADES = "厚生労働省「健康日本21（第二次）最終評価報告書」（令和4年10月）"
SOURCE_OF_PROGRESS = (
    "米国 Healthy People 2030 の進捗の測り方（基準値から目標値までの変化のうち達成した割合）"
)
NO_PROGRESS = (
    "各所管課の取組状況（進行管理の回答ファイル）が指定されていないため、"
    "実施状況・評価・今後の方向性と回答状況は省略しています。"
    "「kouryu report --progress 回答ファイル」で含めることができます。"
)


@dataclass(frozen=True, slots=True)
class DataFile:
    """A file the report was made from, as the cover lists it."""

    role: str  # 計画 / 実績値 / 進行管理
    name: str
    size: int | None = None
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class ActualRow:
    """One actual of a series: its year as written and in the Western calendar, value, source."""

    label: str
    year: int
    value: str
    source: str
    used: bool  # False: after the evaluation year, not used
    early: bool = False  # before the evaluation period (--since), not used


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
    progress: str  # "33.3%" or a reason there is none
    change: str  # 基準値からの変化
    relative_change: str
    expected: str  # the straight line at the evaluation year
    overdue: bool
    met: bool
    basis: str = ""  # the rule that decided the grade, when the plan grades by tests
    history: tuple[str, ...] = ()  # baselines and targets before their revision


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


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """A measure as the 施策事業一覧 shows it, with the year's answer when there is one."""

    id: str
    name: str
    departments: str
    ages: tuple[bool, ...]
    icons: str
    status: str = ""
    rating: str = ""
    direction: str = ""
    answered: bool = False


@dataclass(frozen=True, slots=True)
class SectionBlock:
    """取組: a section of a 施策 with its measures."""

    label: str
    lead: str
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True, slots=True)
class PolicyBlock:
    """施策: a policy with its sections."""

    label: str
    text: str
    sections: tuple[SectionBlock, ...]


@dataclass(frozen=True, slots=True)
class CountRow:
    """Answers counted for one department or one 施策."""

    key: str
    total: int
    answered: int
    cells: tuple[int, ...]  # per column of ProgressPart.count_columns


@dataclass(frozen=True, slots=True)
class ProgressPart:
    """The departments' answers, counted; who has not answered."""

    year: str
    sources: tuple[str, ...]
    count_columns: tuple[str, ...]
    by_department: tuple[CountRow, ...]
    by_policy: tuple[CountRow, ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...]  # department, measure "id 名前"
    answered: int
    total: int


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
    previous_year: str
    changes: tuple[ChangeRow, ...]
    series: tuple[SeriesBlock, ...]
    policies: tuple[PolicyBlock, ...]
    age_labels: tuple[str, ...]
    icon_legend: str
    progress: ProgressPart | None
    grades: tuple[tuple[str, str], ...]  # grade, rule
    version: str
    later_actuals: int = 0

    @property
    def grade_source(self) -> str:
        """Where the grades come from."""
        return SOURCE_OF_GRADES

    @property
    def progress_source(self) -> str:
        """Where the progress formula comes from."""
        return SOURCE_OF_PROGRESS

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


def with_year(written: str, year: EraYear) -> str:
    """The value as the plan writes it, then the Western year: 25.6%（Ｈ29） … 2017年度."""
    return f"{written}（{year.year}年度）"


def build(
    plan: Plan,
    as_of: EraYear,
    written: date,
    files: Sequence[DataFile],
    *,
    threshold: float = ev.DEFAULT_THRESHOLD,
    book: ProgressBook | None = None,
    since: EraYear | None = None,
) -> Report:
    """The report of the plan evaluated at as_of, with the departments' answers when given."""
    from kouryu_cli import __version__

    progress = None if book is None else progress_part(plan, book)
    answers = (
        None
        if book is None
        else {a.measure_id: (a.status, a.rating, a.direction) for a in book.answers}
    )

    evaluations = ev.evaluate_plan(plan, as_of, threshold, since)
    previous_year = EraYear(f"{as_of.year - 1}", as_of.year - 1)
    before = ev.evaluate_plan(plan, previous_year, threshold, since)
    counts = ev.tally(evaluations)
    field_text = f"第{plan.chapter.number}分野「{plan.chapter.title}」"
    basis = ev.shows_basis(evaluations)
    series = tuple(_series_block(e, n, basis) for n, e in enumerate(evaluations, 1))
    later = sum(b.later for b in series)
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
        counts=tuple((g.short, g.label, counts[g]) for g in ev.GRADE_ORDER),
        counts_chart=charts.grade_counts_chart(counts, "counts"),
        total_series=len(evaluations),
        past_target=tuple(
            PastTarget(
                name=f"{e.indicator.id} {series_name(e)}",
                target=target_text(e.indicator, e.series),
                latest=latest_text(e.latest, e.series.unit),
                grade=e.grade.short,
                met=e.met,
            )
            for e in evaluations
            if e.indicator.target_year_of(e.series).year < as_of.year
        ),
        previous_year=fiscal_year_text(previous_year.year),
        changes=tuple(_changes(before, evaluations)),
        series=series,
        policies=_policies(plan, answers),
        age_labels=tuple(a.label for a in AGE_ORDER),
        icon_legend="アイコン: 知守 = 知る・守る、食事、運動（プログラムの他の分野との関わり）",
        progress=progress,
        grades=tuple(_grade_rules(threshold)),
        version=__version__,
        later_actuals=later,
    )


def _series_block(evaluation: Evaluation, number: int, shows_basis: bool) -> SeriesBlock:
    indicator, series = evaluation.indicator, evaluation.series
    unit = series.unit
    actuals = tuple(
        ActualRow(
            label=o.year.label,
            year=o.year.year,
            value=quantity(o.value, unit),
            source=o.source,
            used=o.year.year <= evaluation.as_of.year,
            early=evaluation.since is not None and o.year.year < evaluation.since.year,
        )
        for o in series.actuals
    )
    if evaluation.progress is not None:
        progress = f"{percent_text(evaluation.progress)}%"
    elif evaluation.latest is None:
        progress = "—（実績値がまだありません）"
    elif evaluation.grade is ev.Grade.E:
        progress = "—（評価困難のため計算しません）"
    elif series.target is None:
        progress = f"—（目標が「{indicator.target_kind.label}」で目標値がないため計算しません）"
    else:
        progress = "—（基準値の時点で目標値に達しているため計算しません）"
    relative = (
        ""
        if evaluation.relative_change is None
        else f"{'+' if evaluation.relative_change > 0 else ''}"
        f"{percent_text(evaluation.relative_change)}%（目標の方向を正とする）"
    )
    return SeriesBlock(
        anchor=f"series-{number}",
        id=indicator.id,
        name=series_name(evaluation),
        plan=indicator.plan,
        baseline=_as_written(
            indicator.baseline_written,
            indicator.baseline_year_of(series),
            quantity(series.baseline, unit),
            compound=len(indicator.series) > 1,
        ),
        target=_as_written(
            indicator.target_written,
            indicator.target_year_of(series),
            _target_value(indicator, series),
            compound=len(indicator.series) > 1,
        ),
        unit=unit,
        actuals=actuals,
        later=sum(not a.used for a in actuals),
        chart=charts.series_chart(evaluation, f"chart{number}"),
        grade=evaluation.grade.short,
        grade_label=evaluation.grade.label,
        reason=_reason(evaluation),
        progress=progress,
        change=difference_text(evaluation.change, unit) or "—",
        relative_change=relative or "—",
        expected=(
            "—" if evaluation.expected is None else quantity(round(evaluation.expected, 1), unit)
        ),
        overdue=evaluation.overdue,
        met=evaluation.met,
        basis=evaluation.basis_text if shows_basis else "",
        history=tuple(revision_text(r) for r in indicator.history if r.series in ("", series.key)),
    )


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


def _target_value(indicator: Indicator, series: Series) -> str:
    """80 団体, 30% 以上, or 増加: a series' own target without its year."""
    kind = indicator.target_kind.label
    if series.target is None:
        return kind
    return quantity(series.target, series.unit) + (f" {kind}" if kind else "")


def _as_written(written: str, year: EraYear, value: str, *, compound: bool) -> str:
    """25.6%（Ｈ29）（2017年度）; for one series of several, its own value first."""
    if not compound:
        return with_year(written, year)
    return f"{value}（{year.year}年度。計画の記載: {written}）"


def _reason(evaluation: Evaluation) -> str:
    """Why the series has its grade, in one sentence with the numbers."""
    if evaluation.reason:
        return evaluation.reason + "。"
    latest = evaluation.latest
    if latest is None:
        return f"{evaluation.as_of.label}（{evaluation.as_of.year}年度）までの実績値がありません。"
    t = format_number(evaluation.threshold)
    change = evaluation.relative_change
    change_text = "基準値からの変化率は" + ("—" if change is None else f" {change:+.1f}%")
    line = evaluation.expected_at_latest
    line_text = "" if line is None else quantity(round(line, 1), evaluation.series.unit)
    year = latest.year.year
    sentences = {
        ev.Grade.A: f"直近の実績（{year}年度）が目標に達しています。{change_text}。",
        ev.Grade.B: f"{change_text}で改善しており、{year}年度の直線上の値 {line_text} 以上です。",
        ev.Grade.B_STAR: f"{change_text}で改善していますが、{year}年度の直線上の値 {line_text} "
        "に届いていません。",
        ev.Grade.C: f"{change_text}で、±{t}% 未満（変わらない）です。",
        ev.Grade.D: f"{change_text}で、−{t}% 以下（悪化）です。",
    }
    said = sentences.get(evaluation.grade, evaluation.grade.label)
    if evaluation.basis is ev.Basis.SIGNIFICANCE and latest.significance is not None:
        tested = latest.significance.label
        said = f"基準値との有意差の検定: {tested}。" + (
            said if evaluation.grade in (ev.Grade.B, ev.Grade.B_STAR) else ""
        )
    if evaluation.provisional:
        said += "標本調査の指標ですが検定結果がないため、5%の目安による暫定の評価です。"
    return said


def _changes(before: list[Evaluation], after: list[Evaluation]) -> list[ChangeRow]:
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
                before=latest_text(old.latest, old.series.unit),
                after=latest_text(new.latest, new.series.unit),
                difference=difference or "—",
                grade_before=old.grade.short,
                grade_after=new.grade.short,
            )
        )
    return rows


def _policies(
    plan: Plan, answers: dict[str, tuple[str, str, str]] | None
) -> tuple[PolicyBlock, ...]:
    def row(measure: Any) -> MeasureRow:
        answer = (answers or {}).get(measure.id)
        base = MeasureRow(
            id=measure.id,
            name=measure.name,
            departments="・".join(measure.departments),
            ages=tuple(a in measure.ages for a in AGE_ORDER),
            icons="・".join(i.value for i in measure.icons),
        )
        if answer is None:
            return base
        status, rating, direction = answer
        return replace(base, status=status, rating=rating, direction=direction, answered=True)

    return tuple(
        PolicyBlock(
            label=p.label,
            text=p.text,
            sections=tuple(
                SectionBlock(s.label, s.lead, tuple(row(m) for m in s.measures)) for s in p.sections
            ),
        )
        for p in plan.policies
    )


def progress_part(plan: Plan, book: ProgressBook) -> ProgressPart:
    """The answers counted per department and per 施策, and the departments yet to answer."""
    from kouryu_cli.progress import book as progress

    vocabs = progress.vocabularies(plan)
    statuses = [t.value for t in vocabs[progress.STATUS].terms]
    ratings = [t.value for t in vocabs[progress.RATING].terms]
    columns = (*statuses, *(f"{progress.LABELS[progress.RATING]} {r}" for r in ratings))

    def rows(by: Literal["dept", "policy"]) -> tuple[CountRow, ...]:
        return tuple(
            CountRow(
                key=row.key,
                total=row.total,
                answered=row.answered,
                cells=(
                    *(row.statuses.get(s, 0) for s in statuses),
                    *(row.ratings.get(r, 0) for r in ratings),
                ),
            )
            for row in progress.counts(plan, book, by)
        )

    names = {m.id: m.name for m in plan.measures}
    total = progress.total_count(plan, book)
    return ProgressPart(
        year=fiscal_year_text(book.year.year),
        sources=tuple(str(p) for p in book.sources),
        count_columns=columns,
        by_department=rows("dept"),
        by_policy=rows("policy"),
        missing=tuple(
            (dept, tuple(f"{i} {names[i]}" for i in ids))
            for dept, ids in progress.missing(plan, book)
        ),
        answered=total.answered,
        total=total.total,
    )


def _grade_rules(threshold: float) -> list[tuple[str, str]]:
    t = format_number(threshold)
    return [
        ("A", f"目標値に達した（増加・減少の目標は、変化率が {t}% 以上）"),
        (
            "B",
            f"目標値に達していないが改善傾向にある: 変化率 {t}% 以上で、直近の実績の年度における"
            "基準値から目標値への直線上の値以上",
        ),
        (
            "B*",
            "改善傾向にあるが目標年度までの到達が危ぶまれる: "
            f"変化率 {t}% 以上で、直線上の値に届かない",
        ),
        ("C", f"変わらない: 変化率が ±{t}% 未満"),
        ("D", f"悪化している: 変化率が −{t}% 以下"),
        (
            "E",
            "評価困難: 基準値が 0、または基準年度より後の実績値がない、"
            "または評価期間内の実績値がない",
        ),
        ("ベースラインのみ", "評価年度までの実績値がまだない"),
        (
            "有意差",
            "実績値に基準値との有意差の検定結果がある場合は、変化率ではなく検定で判定する: 改善 → "
            "A（目標値に達した場合）・B・B*（直線と比べる）、変化なし → C、悪化 → D。"
            "標本調査の指標で検定結果がない場合は、変化率による暫定の評価",
        ),
        (
            "総合",
            "系列が複数ある指標: A=5・B=4（B*も）・C=3・D=2点をEを除く系列で平均し、五捨六入で"
            "A〜Dに戻す。Bとなった場合、各系列を目標年度に見込んだ評価（A・B → A、B* → B）の"
            "平均がAにならなければ B*（健康日本21（第二次）最終評価報告書 第2章）",
        ),
    ]


_CSS_SAFE = re.compile(r"[0-9A-Za-z\u3000-\u9fff\uff00-\uffef ]")


def css_string(text: str) -> Any:
    """Text as a CSS string literal ("…"): anything but letters, digits and kana escaped."""
    from markupsafe import Markup

    body = "".join(c if _CSS_SAFE.fullmatch(c) else f"\\{ord(c):06x}" for c in text)
    return Markup(f'"{body}"')  # noqa: S704 - every character outside the safe set is escaped


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~!])")


def markdown_text(value: Any) -> Any:
    """Text for a Markdown file: one line, Markdown and HTML characters escaped.

    Values already marked safe (Markup) pass as they are.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _environment(markdown: bool) -> Environment:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kouryu_cli.report", "templates"),
        # HTML: every {{ value }} is escaped. Markdown: every value goes through markdown_text.
        autoescape=not markdown,  # noqa: S701 - Markdown escapes every value in finalize
        finalize=markdown_text if markdown else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    # The charts are SVG built (and escaped) by indicators/charts.py.
    env.filters["svg"] = Markup
    return env


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    return _environment(markdown=False).get_template("report.html.j2").render(r=report)


def to_markdown(report: Report) -> str:
    """The report as Markdown (tables; the charts are in the HTML version)."""
    return _environment(markdown=True).get_template("report.md.j2").render(r=report)
