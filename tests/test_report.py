"""`kouryu report`: the 評価報告書 as HTML and Markdown, its sections, escaping and options."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.indicators import evaluation
from kouryu_cli.indicators.actuals import load_actuals
from kouryu_cli.progress.book import ProgressBook
from kouryu_cli.progress.store import load_progress
from kouryu_cli.report import build as report
from kouryu_cli.report import render
from tests.conftest import Run

FIXTURES = Path(__file__).parent / "fixtures"
ACTUALS = FIXTURES / "actuals-example.csv"
PROGRESS = FIXTURES / "progress-R6-example.yaml"
HOSTILE = "<script>alert(1)</script>"
# The command of docs/report.md: the shipped plan with the example actuals and answers (made up).
EXAMPLE = ("report", "--as-of", "R6", "--actuals", str(ACTUALS), "--progress", str(PROGRESS))
SECTIONS = ["1. 評価の概要", "2. 指標ごとの評価", "3. 施策・事業", "4. 評価の方法"]


class Outline(HTMLParser):
    """Headings, table headers, scripts and any reference to another resource."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.th_without_scope = 0
        self.th = 0
        self.tags: list[str] = []
        self.references: list[str] = []
        self.lang = ""
        self._heading: int | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._text = int(tag[1]), ""
        if tag == "th":
            self.th += 1
            if values.get("scope") not in ("col", "row"):
                self.th_without_scope += 1
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = values.get(name)
            if value is not None and not value.startswith("#"):
                self.references.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, self._text.strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text += data


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def with_actuals(plan: Plan) -> Plan:
    return load_actuals(ACTUALS, plan)


def build(plan: Plan, year: str = "R7", book: ProgressBook | None = None) -> report.Report:
    as_of = evaluation.as_of_year(year)
    limit = evaluation.DEFAULT_THRESHOLD
    return report.build(
        plan,
        evaluation.evaluate_plan(plan, as_of, limit),
        evaluation.evaluate_plan(plan, evaluation.year_before(as_of), limit),
        as_of=as_of,
        threshold=limit,
        written=date(2025, 6, 30),
        files=[report.DataFile("計画", "plan.yaml", 10, "ab" * 32)],
        book=book,
    )


@pytest.mark.parametrize(
    ("year", "text"),
    [
        (2019, "令和元年度（2019年度）"),
        (2024, "令和6年度（2024年度）"),
        (2017, "平成29年度（2017年度）"),
    ],
)
def test_fiscal_year_text(year: int, text: str) -> None:
    assert report.fiscal_year_text(year) == text


def test_html_is_one_self_contained_semantic_page(with_actuals: Plan) -> None:
    html = render.to_html(build(with_actuals))
    page = outline(html)
    assert page.lang == "ja"
    assert page.references == []
    assert "script" not in page.tags
    assert "link" not in page.tags
    assert "@import" not in html
    assert "url(http" not in html
    assert "textLength" not in html
    # Headings go down one level at a time.
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert page.th > 50
    assert page.th_without_scope == 0
    sections = [t for level, t in page.headings if level == 2 and t != "目次"]
    assert sections == SECTIONS


def test_cover_states_city_programme_field_year_date_and_files(with_actuals: Plan) -> None:
    html = render.to_html(build(with_actuals, "R6"))
    cover = html[html.index('<header class="cover"') : html.index("</header>")]
    for words in (
        "山陽小野田市",
        "スマイルエイジング チャレンジプログラム",
        "第4分野「交流」",
        "令和6年度（2024年度）",
        "2025年6月30日",
        "plan.yaml",
        "abababababababab",
    ):
        assert words in cover


def test_summary_counts_grades_and_lists_series_past_their_target_year(with_actuals: Plan) -> None:
    built = build(with_actuals, "R7")
    assert [c for _, _, c in built.counts] == [2, 1, 1, 1, 1, 1, 1]
    # Targets of R5 (I5) only are past at R7.
    assert [p.name for p in built.past_target] == ["I5 住民運営通いの場の設置数"]
    assert not built.past_target[0].met
    html = render.to_html(built)
    summary = html[html.index('id="summary"') : html.index('id="indicators"')]
    assert "<svg" in summary
    assert "I5 住民運営通いの場の設置数" in summary
    # I5's only actual is of its baseline year (E): nothing says whether the target was met.
    assert built.past_target[0].finding == "実績値なし（判定できない）"
    assert "実績値なし（判定できない）" in summary
    assert "未達成" not in summary


def test_changes_since_the_previous_year(with_actuals: Plan) -> None:
    # At R6 the R6 actuals are new against R5's evaluation; I4 had R5 already.
    changes = {c.name: c for c in build(with_actuals, "R6").changes}
    i4 = changes["I4 生涯学習主催講座の参加者数"]
    assert (i4.before, i4.after) == ("17,000 人 (R5/2023)", "15,000 人 (R6/2024)")
    assert i4.difference == "-2,000 人"
    assert (i4.grade_before, i4.grade_after) == ("C", "D")
    i1 = changes["I1 地域とのつながりが強いと思う市民の割合"]
    assert (i1.before, i1.grade_before, i1.grade_after) == (
        "ベースラインのみ",
        "ベースラインのみ",
        "A",
    )
    assert "I6 ふれあい・いきいきサロンの設置数" not in changes
    # Nothing new between R6 and R7.
    assert build(with_actuals, "R7").changes == ()


def test_the_builder_reports_the_evaluations_it_is_handed(with_actuals: Plan) -> None:
    as_of = evaluation.as_of_year("R6")
    evaluations = evaluation.evaluate_plan(with_actuals, as_of, 5.0)
    built = report.build(
        with_actuals,
        evaluations,
        evaluations,  # the year before said to be the same: no change to list
        as_of=as_of,
        threshold=5.0,
        written=date(2025, 6, 30),
        files=[],
    )
    assert built.changes == ()
    assert [b.grade for b in built.series] == [e.grade.short for e in evaluations]


def test_one_block_per_series_with_values_as_written_and_western_years(with_actuals: Plan) -> None:
    built = build(with_actuals, "R7")
    assert len(built.series) == 8
    i1 = built.series[0]
    assert i1.baseline == "25.6%（Ｈ29）（2017年度）"
    assert i1.target == "30％以上（Ｒ12）（2030年度）"
    assert i1.grade == "A"
    assert i1.progress_rate == "111.4%"
    assert [(a.year.label, a.year.year, a.value) for a in i1.actuals] == [("R6", 2024, "30.5%")]
    i7 = built.series[-1]
    assert [a.use for a in i7.actuals] == ["使用", "評価に不使用（評価年度より後）"]  # R8 > R7
    assert i7.progress_rate.startswith("—（目標が「増加」")
    assert built.later_actuals == 1
    i3 = built.series[2]
    assert i3.name == "福祉活動ボランティア団体登録数及び人数（団体数）"
    # One series of a compound indicator: its own value, then the plan's words for both.
    assert i3.baseline == "61 団体（2020年度。計画の記載: 61 団体・5,480 人（R2））"
    assert built.series[3].target == "6,000 人（2025年度。計画の記載: 80 団体・6,000 人（Ｒ7））"
    assert i3.grade == "B*"
    assert "届いていません" in i3.reason
    html = render.to_html(built)
    assert html.count('<article class="series"') == 8
    assert "評価に不使用（評価年度より後）" in html


@pytest.mark.parametrize(
    ("grade", "words"),
    [
        ("A", "目標に達しています"),
        ("B", "以上です"),
        ("B*", "届いていません"),
        ("C", "未満（変わらない）"),
        ("D", "以下（悪化）"),
        ("E", "比較できない"),
        ("ベースラインのみ", "までの実績値がありません"),
    ],
)
def test_every_grade_has_a_reason(with_actuals: Plan, grade: str, words: str) -> None:
    blocks = [s for s in build(with_actuals, "R7").series if s.grade == grade]
    assert blocks
    assert words in blocks[0].reason


def test_measures_by_policy_and_section(with_actuals: Plan) -> None:
    built = build(with_actuals)
    assert built.policies == with_actuals.policies
    rows = built.measures
    sections = [s for p in with_actuals.policies for s in p.sections]
    assert [(m.id, m.policy, m.section) for m in rows] == [
        (m.id, s.policy, s.number) for s in sections for m in s.measures
    ]
    assert len(rows) == 49
    first = rows[0]
    assert (first.id, first.name, first.departments, first.ages, first.icons) == (
        "1-1-01",
        "社会教育推進事業",
        "社会教育課",
        (True, True, True),
        "知守・食事・運動",
    )
    shared = next(m for m in rows if m.id == "3-1-14")
    assert shared.departments == "社会福祉課・市民窓口課"


def test_each_measure_stands_under_its_own_section(with_actuals: Plan) -> None:
    html = render.to_html(build(with_actuals))
    parts = html.split("<h4>")[1:]
    sections = [s for p in with_actuals.policies for s in p.sections]
    assert len(parts) == len(sections)
    for part, section in zip(parts, sections, strict=True):
        assert part.startswith(section.label)
        ids = re.findall(r'<td class="id">([^<]+)</td>', part)
        assert ids == [m.id for m in section.measures]


def test_without_progress_the_report_says_the_part_is_left_out(with_actuals: Plan) -> None:
    html = render.to_html(build(with_actuals))
    assert report.NO_PROGRESS in html
    assert '<col class="c-status">' not in html
    assert "未回答の所管課" not in html
    assert 'class="measures with-progress"' not in html


def test_with_progress_answers_counts_and_missing_departments(with_actuals: Plan) -> None:
    book = load_progress([PROGRESS], with_actuals)
    built = build(with_actuals, "R6", book=book)
    part = built.progress
    assert part is not None
    assert (part.answered, part.total) == (len(book.answers), 49)
    assert part.count_columns[:5] == ("実施", "一部実施", "未実施", "休止", "終了・廃止")
    assert part.count_columns[5:] == ("評価 A", "評価 B", "評価 C", "評価 D")
    by_dept = {r.key: r for r in part.by_department}
    assert sum(r.total for r in part.by_policy) == 49
    for row in part.by_department:
        assert sum(row.cells[:5]) == row.answered
        assert sum(row.cells[5:]) == row.answered
    missing = dict(part.missing)
    unanswered = {m.id for m in with_actuals.measures} - set(book.by_measure())
    assert {i.split(" ")[0] for items in missing.values() for i in items} == unanswered
    for dept, items in missing.items():
        assert by_dept[dept].total - by_dept[dept].answered == len(items)
    rows = {m.id: m for m in built.measures}
    answer = book.answers[0]
    some_id = answer.measure_id
    assert (rows[some_id].status, rows[some_id].rating, rows[some_id].direction) == (
        answer.status,
        answer.rating,
        answer.direction,
    )
    html = render.to_html(built)
    assert "所管課ごとの回答状況" in html
    assert "施策ごとの回答状況" in html
    assert "未回答の所管課" in html
    assert report.NO_PROGRESS not in html
    assert html.count(">未回答</td>") == 49 - len(book.answers)
    # An age heading breaks after 歳 or ～ only: never 18歳未 / 満 in a narrow column.
    assert '<th scope="col" class="whole">18歳<wbr>未満</th>' in html
    assert '<th scope="col" class="whole">18～<wbr>64歳</th>' in html
    assert '<th scope="col" class="whole">65歳<wbr>以上</th>' in html


def hostile_plan(plan: Plan) -> Plan:
    """The plan with a measure, a department and an indicator named like markup."""
    policy = plan.policies[0]
    section = policy.sections[0]
    measure = replace(section.measures[0], name=HOSTILE, departments=("社会教育課", "a|b*_[x](y)"))
    section = replace(section, measures=(measure, *section.measures[1:]))
    policy = replace(policy, sections=(section, *policy.sections[1:]))
    indicator = replace(plan.indicators[0], name=f"{HOSTILE} & 〈指標〉")
    return replace(
        plan,
        city='"市"</style><b>',
        policies=(policy, *plan.policies[1:]),
        indicators=(indicator, *plan.indicators[1:]),
    )


def test_text_from_the_plan_never_becomes_markup_in_html(plan: Plan) -> None:
    html = render.to_html(build(hostile_plan(plan)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</style><b>" not in html
    # In the page margin (a CSS string) the title is escaped for CSS.
    assert re.search(r'@top-left \{ content: "[^"]*\\00003c', html)
    assert outline(html).references == []


def test_text_from_the_plan_never_becomes_markup_in_markdown(plan: Plan) -> None:
    text = render.to_markdown(build(hostile_plan(plan)))
    assert "<script>" not in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"a\|b\*\_\[x\](y)" in text
    assert "&amp; 〈指標〉" in text


CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def controlled_plan(plan: Plan) -> Plan:
    """The plan with ESC, BEL and NUL in a measure's name, a department and an indicator."""
    policy = plan.policies[0]
    section = policy.sections[0]
    measure = replace(
        section.measures[0], name="石丸\x1b[31m総合館\x07\x00", departments=("社会\x1b教育課",)
    )
    section = replace(section, measures=(measure, *section.measures[1:]))
    policy = replace(policy, sections=(section, *policy.sections[1:]))
    indicator = replace(plan.indicators[0], name="地域活動\x1b[2Jの参加率")
    return replace(
        plan, policies=(policy, *plan.policies[1:]), indicators=(indicator, *plan.indicators[1:])
    )


def test_control_characters_from_the_plan_are_shown_never_written(plan: Plan) -> None:
    """A terminal escape in the plan reaches no page raw (nor the SVG, which XML forbids)."""
    report = build(controlled_plan(plan))
    html = render.to_html(report)
    text = render.to_markdown(report)
    assert not CONTROLS.search(html)
    assert not CONTROLS.search(text)
    assert r"石丸\x1b[31m総合館\x07\x00" in html
    assert r"社会\x1b教育課" in html
    assert r"地域活動\x1b[2Jの参加率" in html
    assert r"石丸\\x1b\[31m総合館\\x07\\x00" in text
    # Line breaks within a text stay line breaks.
    assert "\n" in html


def assert_tables_are_whole(text: str) -> None:
    """Every Markdown table row has as many cells as its header."""
    for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE):
        lines = block.strip("\n").split("\n")
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) == 1, lines[:3]


def markdown_name(name: str) -> str:
    """A file name as Markdown writes it: its _ escaped."""
    return name.replace("_", "\\_")


def test_markdown_with_progress_has_the_answers(with_actuals: Plan) -> None:
    book = load_progress([PROGRESS], with_actuals)
    text = render.to_markdown(build(with_actuals, "R6", book=book))
    assert "### 所管課ごとの回答状況" in text
    assert "### 未回答の所管課" in text
    row = "| 1-1-01 | 社会教育推進事業 | 社会教育課 | ○ | ○ | ○ | 知守・食事・運動 | 実施 | A | 継続 |"  # noqa: E501
    assert row in text
    assert_tables_are_whole(text)
    # The council reads the file's name, as on the cover, not a path on someone's disk.
    assert f"回答ファイル: {markdown_name(PROGRESS.name)}\n" in text
    assert str(PROGRESS.parent) not in text


def test_markdown_has_the_same_sections(with_actuals: Plan) -> None:
    text = render.to_markdown(build(with_actuals))
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == SECTIONS
    assert text.startswith("# 山陽小野田市 第4分野「交流」 評価報告書 令和7年度（2025年度）\n")
    assert report.NO_PROGRESS.replace("「kouryu", "「kouryu") in text
    assert_tables_are_whole(text)


# ---------------------------------------------------------------- the command


def test_report_command_writes_html(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "評価報告_R6.html"
    result = run(*EXAMPLE, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "令和6年度（2024年度）" in html
    assert str(ACTUALS) in html
    assert str(PROGRESS) in html
    assert "同梱の計画データ plan.yaml" in html
    assert "所管課ごとの回答状況" in html
    assert "1 actual after the evaluation year R6 (2024) is not used: " in result.stderr
    assert (
        "evaluation report as of R6=2024 / 8 series: "
        "A 2・B 1・B* 1・C 1・D 1・E 1・ベースラインのみ 1" in (result.stderr)
    )


def test_figures_piped_in_are_named_as_such_on_the_cover(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    piped = ACTUALS.read_text(encoding="utf-8")
    result = run("report", "--as-of", "R6", "--actuals", "-", "-o", str(out), input=piped)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "| 実績値 | 標準入力（ファイル名なし） |" in text
    assert "| 実績値 | - |" not in text


def test_report_command_writes_markdown_from_the_suffix(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "評価報告_R6.md"
    result = run("report", "--as-of", "R6", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("# 山陽小野田市 第4分野「交流」 評価報告書")
    assert "no progress answers" in result.stderr
    period = run("report", "--as-of", "R6", "--since", "R4", "-o", str(out))
    assert " / since R4=2022 / no progress answers → " in period.stderr  # as indicators says


def test_report_command_to_stdout_in_a_pipe(run: Run) -> None:
    result = run("report", "--as-of", "R6", "-f", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")


def test_the_date_written_follows_source_date_epoch(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719705600")  # 2024-06-30 00:00 UTC
    out = tmp_path / "r.html"
    assert run("report", "--as-of", "R6", "-o", str(out)).exit_code == 0
    assert "<dt>作成日</dt><dd>2024年6月30日</dd>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "x.pdf"), "cannot tell the format of x.pdf from its suffix"),
        (("-f", "pdf"), "report cannot write pdf; it writes html, markdown, .html, .md"),
        (("-o", "x.csv"), "report cannot write .csv"),
        (("--as-of", "X9"), "--as-of"),
        (("--threshold", "0"), "--threshold: must be above 0"),
    ],
)
def test_report_command_usage_errors(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("report", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_output_may_not_overwrite_an_input(run: Run, tmp_path: Path) -> None:
    # A YAML actuals file that happens to end in .md, the suffix of a Markdown report.
    actuals = tmp_path / "実績値.md"
    actuals.write_bytes((FIXTURES / "actuals-example.yaml").read_bytes())
    before = actuals.read_bytes()
    result = run("report", "--actuals", str(actuals), "-o", str(actuals))
    assert result.exit_code == 2
    assert f"-o {actuals} is the input file" in result.stderr
    assert actuals.read_bytes() == before


def test_bad_progress_file_exits_3_with_its_place(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "R6.yaml"
    bad.write_text("schema: 1\nyear: R6\nanswers:\n- measure: 9-9-99\n", encoding="utf-8")
    result = run("report", "--as-of", "R6", "--progress", str(bad), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 3
    assert f"{bad}:4:" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_progress_of_another_year_is_noted(run: Run, tmp_path: Path) -> None:
    result = run(
        "report", "--as-of", "R7", "--progress", str(PROGRESS), "-o", str(tmp_path / "r.html")
    )
    assert result.exit_code == 0
    assert (
        "the progress answers are of R6 (2024), the evaluation year is R7 (2025)" in result.stderr
    )


def test_only_the_report_imports_jinja2(tmp_path: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from kouryu_cli.cli import app\n"
        "result = CliRunner().invoke(app, sys.argv[1:])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('jinja2' in sys.modules)\n"
    )

    def imports_jinja2(*args: str) -> bool:
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout.strip().endswith("True")

    assert not imports_jinja2("indicators", "--as-of", "R6", "-f", "json")
    assert imports_jinja2("report", "--as-of", "R6", "-o", str(tmp_path / "r.html"))


def test_on_a_terminal_without_output_the_report_asks_for_a_file(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kouryu_cli.cli import output

    monkeypatch.setattr(output, "_stdout_is_terminal", lambda: True)
    result = run("report", "--as-of", "R6")
    assert result.exit_code == 2
    assert "give -o 評価報告.html (or .md), or redirect stdout" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "text", ["山陽小野田市 評価報告書", "市\\ } 第4分野", '"</style><b>', "a  b\tc\n", "ｱ　全角"]
)
def test_a_css_string_reads_back_as_the_text_it_was_given(text: str) -> None:
    """CSS reads an escape as up to six hex digits and one whitespace after them."""
    literal = str(render.css_string(text))
    assert literal.startswith('"')
    assert literal.endswith('"')
    body = literal[1:-1]
    assert not set(body) & set('"<>{};\n')  # nothing that ends the string, rule or style
    decoded = re.sub(r"\\([0-9a-fA-F]{1,6})[ \t\n]?", lambda m: chr(int(m[1], 16)), body)
    assert decoded == text
