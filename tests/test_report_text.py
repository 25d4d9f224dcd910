"""What the 評価報告書 says: only what the evaluation supports, in the reader's words."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kouryu_cli.core import values
from kouryu_cli.core.model import EraYear, Observation, Plan, TargetKind
from kouryu_cli.indicators import evaluation, views
from kouryu_cli.indicators.actuals import load_actuals
from kouryu_cli.indicators.evaluation import Grade, Overall
from kouryu_cli.indicators.views import line_text, rate_text
from kouryu_cli.progress.store import load_progress
from kouryu_cli.report import build as report
from kouryu_cli.report import render, words
from tests.test_report import ACTUALS, PROGRESS, build

NO_FIGURE = "実績値なし（判定できない）"


class PageText(HTMLParser):
    """The text a reader sees: everything but the style sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        self._style = self._style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = PageText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def with_actuals(plan: Plan) -> Plan:
    return load_actuals(ACTUALS, plan)


@pytest.fixture(scope="module")
def reports(with_actuals: Plan) -> dict[str, report.Report]:
    """The report with the example actuals at R6 and at R7."""
    return {year: build(with_actuals, year) for year in ("R6", "R7")}


def section(html: str, ident: str, end: str) -> str:
    return html[html.index(f'id="{ident}"') : html.index(f'id="{end}"')]


# ---------------------------------------------------------------- no figure is not a finding


def test_without_figures_no_series_is_said_to_have_failed(plan: Plan) -> None:
    # At R8 six series are past their target year, and no actual has been given at all.
    built = build(plan, "R8")
    assert len(built.past_target) == 6
    assert {p.finding for p in built.past_target} == {NO_FIGURE}
    assert not any(s.overdue for s in built.series)
    html = render.to_html(built)
    markdown = render.to_markdown(built)
    for text in (html, markdown):
        assert NO_FIGURE in text
        # Not in a table, a sentence, a caption or a chart's badge.
        assert "未達成" not in text
        assert "期限超過" not in text
        assert "判定できません" in text


def test_overdue_only_where_a_figure_falls_short(with_actuals: Plan) -> None:
    # I4 (R7) has figures below its target: at R8 it is overdue; I6 has none: it is not.
    built = build(with_actuals, "R8")
    findings = {p.name: p.finding for p in built.past_target}
    assert findings["I4 生涯学習主催講座の参加者数"] == "未達成（期限超過）"
    assert findings["I6 ふれあい・いきいきサロンの設置数"] == NO_FIGURE
    assert findings["I7 地域交流センターの利用者数"] == "達成"
    blocks = {s.id: s for s in built.series}
    assert blocks["I4"].overdue
    assert not blocks["I6"].overdue
    html = render.to_html(built)
    i4 = html[html.index('id="series-5"') : html.index('id="series-6"')]
    i6 = html[html.index('id="series-7"') : html.index('id="series-8"')]
    assert "期限超過" in i4
    assert "期限超過" not in i6


@pytest.mark.parametrize(
    ("rows", "ident"),
    [
        ("I5,R5,107,\nI5,R6,100,\n", "I5"),  # 107 by R5, reached in R5 itself
        ("I5,R4,107,\nI5,R6,100,\n", "I5"),  # reached before the target year
        ("I6,R6,71,\nI6,R8,69,\n", "I6"),  # 70 by R7, reached in R6, then short
    ],
)
def test_a_target_reached_once_is_not_overdue(
    plan: Plan, tmp_path: Path, rows: str, ident: str
) -> None:
    plan_with = actuals_of(plan, tmp_path, rows)
    result = next(
        e
        for e in evaluation.evaluate_plan(plan_with, evaluation.as_of_year("R8"))
        if e.indicator.id == ident
    )
    assert not result.met  # the latest figure falls short
    assert not result.overdue
    built = build(plan_with, "R8")
    finding = next(p.finding for p in built.past_target if p.name.startswith(ident))
    assert finding == words.REACHED_BEFORE
    block = next(b for b in built.series if b.id == ident)
    assert not block.overdue
    assert "期限超過" not in render.to_markdown(built).split(f"### {ident} ")[1].split("###")[0]


def test_a_figure_before_the_period_does_not_count_as_reaching_the_target(
    plan: Plan, tmp_path: Path
) -> None:
    plan_with = actuals_of(plan, tmp_path, "I5,R4,107,\nI5,R6,100,\n")
    as_of = evaluation.as_of_year("R8")
    since = evaluation.since_year("R5", as_of)
    i5 = next(
        e for e in evaluation.evaluate_plan(plan_with, as_of, since=since) if e.indicator.id == "I5"
    )
    assert i5.overdue


# ---------------------------------------------------------------- the overall grade


def test_the_compound_indicators_overall_grade_in_html_and_markdown(with_actuals: Plan) -> None:
    built = build(with_actuals, "R7")
    assert built.overall == (
        report.OverallRow(
            "I3 福祉活動ボランティア団体登録数及び人数", "団体数 B*・人数 C", "C（3.5点）"
        ),
    )
    html = render.to_html(built)
    summary = section(html, "summary", "indicators")
    assert "複数の系列がある指標の総合評価" in summary
    assert (
        '<th scope="row">I3 福祉活動ボランティア団体登録数及び人数</th><td>団体数 B*・人数 C</td>'
        '<td class="mark">C（3.5点）</td>'
    ) in summary
    for anchor in ("series-3", "series-4"):  # both series of I3
        block = html[html.index(f'id="{anchor}"') :]
        block = block[: block.index("</article>")]
        assert "<dt>指標全体の総合評価</dt><dd>C（3.5点）</dd>" in block
    i1 = html[html.index('id="series-1"') : html.index('id="series-2"')]
    assert "総合評価" not in i1
    method = html[html.index('id="method"') :]
    assert "A=5点、B・B*=4点、C=3点、D=2点" in method
    assert "五捨六入（x.5 は切り捨て、x.6 は切り上げ）" in method

    markdown = render.to_markdown(built)
    assert "| I3 福祉活動ボランティア団体登録数及び人数 | 団体数 B\\*・人数 C | C（3.5点） |" in (
        markdown
    )
    assert markdown.count("- 指標全体の総合評価: C（3.5点）") == 2
    assert "- 総合評価: 系列が複数ある指標" in markdown


def test_the_overall_grade_is_the_evaluations_own(with_actuals: Plan) -> None:
    # The report shows what the evaluation says, never a grade of its own making.
    as_of = evaluation.as_of_year("R7")
    evaluations = [
        replace(e, overall=Overall(Grade.B_STAR, 4.0)) if e.overall else e
        for e in evaluation.evaluate_plan(with_actuals, as_of)
    ]
    built = report.build(
        with_actuals,
        evaluations,
        evaluations,
        as_of=as_of,
        threshold=5.0,
        written=date(2025, 6, 30),
        files=[],
    )
    assert [o.overall for o in built.overall] == ["B*（4点）"]
    assert {s.overall for s in built.series if s.id == "I3"} == {"B*（4点）"}


# ---------------------------------------------------------------- figures as written


@pytest.mark.parametrize(
    ("written", "decimals"),
    [("26.0%", 1), ("26%", 0), ("５，４８０人", 0), ("△0.25", 2), ("1,234.50 人", 2), (".5", 1)],
)
def test_decimals_as_written(written: str, decimals: int) -> None:
    assert values.decimals(written) == decimals


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (17993.5, "人", "17,994 人"),
        (76.2, "団体", "76 団体"),
        (76.5, "団体", "77 団体"),  # half up, not to the even 76
        (106.4, "か所", "106 か所"),
        (154169.4, "人/年", "154,169 人/年"),
        (28.65, "%", "28.7%"),
        (47.4615, "%", "47.5%"),
        (30, "%", "30.0%"),  # 小数第1位まで, as the method says
    ],
)
def test_straight_line_values_are_whole_for_counts(value: float, unit: str, text: str) -> None:
    assert line_text(value, unit) == text


@pytest.mark.parametrize(
    ("level", "unit", "toward", "text"),
    [
        (154169.4, "人/年", 1, "154,170 人/年"),  # +5% of 146,828: 154,169 does not reach it
        (139486.6, "人/年", -1, "139,486 人/年"),  # −5%: 139,487 is not down to it
        (26.88, "%", 1, "26.9%"),
        (24.321, "%", -1, "24.3%"),
        (80, "団体", 1, "80 団体"),  # a level reached exactly stays itself
    ],
)
def test_a_level_to_reach_is_shown_as_the_first_value_that_reaches_it(
    level: float, unit: str, toward: int, text: str
) -> None:
    assert line_text(level, unit, toward=toward) == text


def test_a_figure_keeps_the_decimals_it_was_written_with(plan: Plan, tmp_path: Path) -> None:
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(
        "indicator,component,year,value,source\n"
        "I1,,R6,26.0%,調査\n"
        "I2,,R6,48.50,調査\n"
        "I4,,R6,15000,調査\n",
        encoding="utf-8",
    )
    built = build(load_actuals(actuals, plan), "R6")
    blocks = {s.id: s for s in built.series}
    assert [a.value for a in blocks["I1"].actuals] == ["26.0%"]
    assert [a.value for a in blocks["I2"].actuals] == ["48.50%"]
    assert [a.value for a in blocks["I4"].actuals] == ["15,000 人"]
    changes = {c.name.split(" ")[0]: c for c in built.changes}
    assert changes["I1"].after == "26.0% (R6/2024)"
    html = render.to_html(built)
    assert ">26.0%</td>" in html
    assert "26.0% (R6/2024)" in render.to_markdown(built)


def test_counts_are_whole_numbers_in_the_report(reports: dict[str, report.Report]) -> None:
    for built in reports.values():
        for block in built.series:
            if block.unit in ("人", "団体", "か所", "人/年"):
                for text in (block.expected, block.reason):
                    assert not re.search(r"\d\.\d+ (人|団体|か所)", text), (block.id, text)
    i3 = reports["R7"].series[2]
    assert "2024年度の直線上の値 76 団体 に届いていません" in i3.reason
    assert reports["R6"].series[4].expected == "17,994 人"
    assert "小数点以下を四捨五入した整数" in render.to_html(reports["R7"])


# ---------------------------------------------------------------- captions match their charts


def test_every_caption_names_what_its_chart_draws(reports: dict[str, report.Report]) -> None:
    for built in reports.values():
        for block in built.series:
            desc = re.search(r"<desc [^>]*>(.*?)</desc>", block.chart)
            assert desc
            # The dashed line as the caption names it, without the level's value.
            dash = next(p for p in block.caption.split("、") if p.startswith("破線は"))
            dash = re.sub(r"（基準値から.*）$", "", dash)
            assert dash in {"破線は基準値から目標値への直線", "破線は目標（増加）とみなす水準"}
            assert dash in desc.group(1), (block.id, block.caption)
    i7 = reports["R7"].series[-1]
    assert "基準値から目標値への直線" not in i7.caption
    assert "破線は目標（増加）とみなす水準（基準値から +5% の 154,170 人/年）" in i7.caption
    i6 = reports["R7"].series[6]
    assert "実績値はまだありません" in i6.caption
    assert "黒い丸" not in i6.caption
    html = render.to_html(reports["R7"])
    assert f"<figcaption>{i7.caption}</figcaption>" in html


# ---------------------------------------------------------------- words for the council

COMMAND_WORDS = re.compile(r"kouryu |(?<![\w-])--[a-z]|(?<![\w-])-o ")


def variants(plan: Plan, with_actuals: Plan) -> list[tuple[str, report.Report]]:
    book = load_progress([PROGRESS], with_actuals)
    return [
        ("plan only", build(plan, "R8")),
        ("actuals", build(with_actuals, "R7")),
        ("actuals and answers", build(with_actuals, "R6", book=book)),
        ("answers without actuals", build(plan, "R6", book=load_progress([PROGRESS], plan))),
    ]


def test_the_report_has_no_command_lines(plan: Plan, with_actuals: Plan) -> None:
    for name, built in variants(plan, with_actuals):
        for kind, text in (
            ("html", page_text(render.to_html(built))),
            ("markdown", render.to_markdown(built)),
        ):
            found = COMMAND_WORDS.findall(text)
            assert found == [], (name, kind, found)
            assert "5%" in text
    without = render.to_markdown(build(with_actuals, "R7"))
    assert "各課の取組状況（進行管理）の回答は含めていません" in without
    assert "達成・改善の目安は基準値からの変化 5% です" in without


@pytest.mark.parametrize(
    "text", ["kouryu report -o x.html", "（--threshold で変更できます）", "kouryu -o 評価.md"]
)
def test_the_command_words_check_sees_command_lines(text: str) -> None:
    assert COMMAND_WORDS.search(page_text(f"<p>{text}</p>"))


# ---------------------------------------------------------------- a total that adds up


def test_the_department_counts_say_why_they_add_up_to_more(with_actuals: Plan) -> None:
    book = load_progress([PROGRESS], with_actuals)
    built = build(with_actuals, "R6", book=book)
    part = built.progress
    assert part is not None
    assert sum(r.total for r in part.by_department) == 50
    assert part.total == 49
    note = (
        "※ 3-1-14（社会福祉課・市民窓口課）は複数の所管課の事業のため、それぞれの所管課の行に"
        "数えています。所管課ごとの事業数を足すと 50 で、事業数の合計 49 より多くなります。"
    )
    assert part.department_note == note
    assert note in render.to_html(built)
    assert note in render.to_markdown(built)


# ---------------------------------------------------------------- words kept whole


def test_departments_break_only_after_a_middle_dot(with_actuals: Plan) -> None:
    assert str(render.whole_words(("社会福祉課", "<b>"))) == (
        '<span class="nowrap">社会福祉課</span>・<wbr><span class="nowrap">&lt;b&gt;</span>'
    )
    book = load_progress([PROGRESS], with_actuals)
    html = render.to_html(build(with_actuals, "R6", book=book))
    assert (
        '<td><span class="nowrap">社会福祉課</span>・<wbr>'
        '<span class="nowrap">市民窓口課</span></td>'
    ) in html
    assert '<td class="nowrap">改善して継続</td>' in html
    # The columns of the answers are as wide as their longest term (改善して継続: 6 + room).
    assert "col.c-direction { width: 7.2em; }" in html
    assert "col.c-dept { width: 10.2em; }" in html  # 文化スポーツ推進課


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (4.4, "+4.4%"),
        (-4.966, "-4.97%"),  # C: not −5.0%, which a reader takes for D
        (-5.0, "-5.0%"),  # exactly −5 %: D, as shown
        (4.9996, "+4.9996%"),
        (5.04, "+5.0%"),  # beyond 5 % and shown so
        (-12.345, "-12.3%"),
        (0.0, "0.0%"),
    ],
)
def test_a_rate_near_the_threshold_is_shown_on_its_side(change: float, text: str) -> None:
    assert rate_text(change, 5.0) == text


def actuals_of(plan: Plan, tmp_path: Path, rows: str) -> Plan:
    path = tmp_path / "a.csv"
    path.write_text("indicator,year,value,significance\n" + rows, encoding="utf-8")
    return load_actuals(path, plan)


@pytest.mark.parametrize("value", ["154169", "139487", "154160"])
def test_the_change_line_keeps_the_side_of_the_threshold_the_grade_is_on(
    plan: Plan, tmp_path: Path, value: str
) -> None:
    """I7's baseline is 146,828: ±7,341 is ±4.9997 %, C; neither line may say ±5.0%."""
    built = build(actuals_of(plan, tmp_path, f"I7,R6,{value},\n"), "R6")
    block = next(s for s in built.series if s.id == "I7")
    assert block.grade == "C"
    for text in (block.reason, block.relative_change, render.to_markdown(built)):
        assert "5.0%" not in text
    shown = block.relative_change.split("%")[0]
    assert abs(float(shown)) < 5
    record = views.record(
        next(
            e
            for e in evaluation.evaluate_plan(
                actuals_of(plan, tmp_path, f"I7,R6,{value},\n"), evaluation.as_of_year("R6")
            )
            if e.indicator.id == "I7"
        )
    )
    assert abs(record["relative_change"]) < 5  # the JSON too


def test_a_falling_target_ahead_of_its_line_is_said_to_be_below_it(plan: Plan) -> None:
    """I4 made a 以下 target (15,000 by R7): 15,200 in R6 is under the line's 15,327, so B."""
    i4 = next(i for i in plan.indicators if i.id == "I4")
    series = replace(
        i4.series[0],
        target=15000.0,
        actuals=(Observation(EraYear("R6", 2024), 15200.0),),
    )
    falling = replace(i4, target_kind=TargetKind.AT_MOST, series=(series,))
    result = evaluation.evaluate(falling, series, evaluation.as_of_year("R6"))
    assert result.grade is Grade.B
    said = words.reason_text(result)
    assert "2024年度の直線上の値 15,327 人 以下です。" in said
    assert "以上" not in said


def test_a_test_result_beside_a_reached_target_is_said(plan: Plan, tmp_path: Path) -> None:
    built = build(actuals_of(plan, tmp_path, "I1,R6,30.2,変化なし\nI2,R6,51,改善\n"), "R6")
    blocks = {s.id: s for s in built.series}
    assert blocks["I1"].grade == "A"
    assert "有意差の検定は「変化なし」ですが、目標に達しているため A です。" in blocks["I1"].reason
    assert blocks["I2"].grade == "A"
    assert blocks["I2"].reason.startswith("基準値との有意差の検定: 改善。直近の実績")
    rules = dict(built.grades)
    assert "目標値に達した実績は、検定結果によらず A" in rules["有意差"]


def test_an_e_grade_shows_no_change_it_says_cannot_be_made(plan: Plan, tmp_path: Path) -> None:
    """I5's only figure is of its baseline year R3: E, and no change from the baseline is shown."""
    built = build(actuals_of(plan, tmp_path, "I5,R3,90,\n"), "R6")
    block = next(s for s in built.series if s.id == "I5")
    assert block.grade == "E"
    assert (block.change, block.relative_change) == ("—", "—")
    assert "変化率 0.0%" not in render.to_markdown(built)


def test_without_any_figure_the_summary_does_not_say_figures_were_used(plan: Plan) -> None:
    for text in (
        render.to_markdown(build(plan, "R6")),
        page_text(render.to_html(build(plan, "R6"))),
    ):
        assert "の実績値で評価しました" not in text
        assert "実績値で評価できた系列はありません" in text


def test_the_overall_rule_says_series_without_a_grade_are_left_out(plan: Plan) -> None:
    built = build(plan, "R6")
    assert "E とベースラインのみの系列を除く" in built.overall_rule
    assert "E とベースラインのみを除く" in dict(built.grades)["総合"]


def test_a_threshold_of_the_citys_own_is_not_called_the_national_guide() -> None:
    from kouryu_cli.report.method import threshold_rule

    assert threshold_rule(5.0).endswith("健康日本21（第二次）最終評価が目安とした値です。")
    own = threshold_rule(10.0)
    assert own.startswith("達成・改善の目安は基準値からの変化 10% です（t = 10%）。")
    assert "目安とした値は 5% で、この報告書ではそれと異なる 10% を用いています。" in own


def test_an_evaluation_period_is_said_and_a_figure_before_it_is_not_called_missing(
    plan: Plan, tmp_path: Path
) -> None:
    """--since R6 with I5's only figure in R4: the report says the period, and that no figure
    falls in it, never that there is no figure at all."""
    actuals = tmp_path / "a.csv"
    actuals.write_text("indicator,year,value\nI5,R4,95\n", encoding="utf-8")
    with_i5 = load_actuals(actuals, plan)
    as_of = evaluation.as_of_year("R6")
    since = evaluation.since_year("R6", as_of)
    text = render.to_markdown(
        report.build(
            with_i5,
            evaluation.evaluate_plan(with_i5, as_of, since=since),
            evaluation.evaluate_plan(with_i5, evaluation.as_of_year("R5"), since=since),
            as_of=as_of,
            threshold=5.0,
            written=date(2025, 6, 30),
            files=[],
        )
    )
    # No series has a figure in the period (I5's is before it): none is said to be evaluated.
    assert (
        "8系列の指標のいずれにも令和6年度（2024年度）の実績値がなく、実績値で評価できた系列は"
        "ありません。" in text
    )
    # The year before lies outside the period: nothing is compared with it.
    assert (
        "評価期間が令和6年度（2024年度）からのため、令和5年度（2023年度）時点の評価はなく" in text
    )
    assert "| 指標 | 前年度時点の直近の実績 |" not in text
    assert "評価期間（令和6年度（2024年度）以降）に基準年度より後の実績値がないため" in text
    assert "進捗率: —（評価期間内の実績値なし（R6以降））" in text
