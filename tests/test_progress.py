"""The progress library and progress files: vocabularies, answers, validation, merging, counts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kouryu_cli import planfile
from kouryu_cli.core.model import Plan, Term, Vocabulary
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import load_plan
from kouryu_cli.progress import book as progress
from kouryu_cli.progress import figures as figures_
from kouryu_cli.progress.book import Answer, ProgressBook, counts, missing
from kouryu_cli.progress.figures import Figure
from kouryu_cli.progress.store import (
    load_progress,
    progress_from_text,
    progress_yaml,
    save_progress,
)

FIXTURES = Path(__file__).parent / "fixtures"
R5 = FIXTURES / "progress-R5-example.yaml"
R6 = FIXTURES / "progress-R6-example.yaml"
Write = Callable[[str, str], Path]


def answer(measure_id: str = "2-1-20", **fields: object) -> Answer:
    base: dict[str, object] = {
        "departments": ("高齢福祉課",),
        "status": "実施",
        "rating": "A",
        "direction": "継続",
        "activities": "教室を開いた",
    }
    base.update(fields)
    return Answer(measure_id, **base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- vocabularies


@pytest.mark.parametrize(
    ("key", "typed", "value"),
    [
        ("rating", "A", "A"),
        ("rating", "Ａ", "A"),
        ("rating", "a", "A"),
        ("rating", " Ｂ ", "B"),
        ("rating", "A：計画どおり実施し成果があった", "A"),
        ("rating", "A 計画どおり実施し成果があった", "A"),
        ("rating", "A（計画どおり実施し成果があった）", "A"),
        ("rating", "E", None),
        ("rating", "AB", None),
        ("rating", "", None),
        ("rating", "A：計画を下回った", None),
        ("status", "実施", "実施"),
        ("status", "一部実施", "一部実施"),
        ("status", "終了･廃止", "終了・廃止"),
        ("status", "実施済", None),
        ("direction", "継続", "継続"),
        ("direction", " 改善して継続\n", "改善して継続"),
        ("direction", "継続する", None),
    ],
)
def test_read_term_accepts_width_case_and_definition(
    plan: Plan, key: str, typed: str, value: str | None
) -> None:
    term = progress.read_term(progress.vocabularies(plan)[key], typed)
    assert (term.value if term else None) == value


def test_default_vocabularies_are_the_issues(plan: Plan) -> None:
    vocabs = progress.vocabularies(plan)
    assert progress.expected(vocabs["status"]) == "実施 / 一部実施 / 未実施 / 休止 / 終了・廃止"
    assert progress.expected(vocabs["rating"]) == "A / B / C / D"
    assert (
        progress.expected(vocabs["direction"]) == "拡充 / 継続 / 改善して継続 / 縮小 / 休止・廃止"
    )
    assert all(t.definition for v in vocabs.values() for t in v.terms)
    assert [t.value for t in vocabs["status"].terms if t.needs_activities] == ["実施", "一部実施"]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("開催回数 12回", (Figure("開催回数", 12, "回"),)),
        ("参加者数：1,234人", (Figure("参加者数", 1234, "人"),)),
        ("参加者数 １，２３４ 人", (Figure("参加者数", 1234, "人"),)),
        (
            "開催回数 12回\n参加者数 30人",
            (Figure("開催回数", 12, "回"), Figure("参加者数", 30, "人")),
        ),
        (
            "開催回数 12回；参加者数 30人",
            (Figure("開催回数", 12, "回"), Figure("参加者数", 30, "人")),
        ),
        ("平均時間 2.5 時間", (Figure("平均時間", 2.5, "時間"),)),
        ("延べ人数 40", (Figure("延べ人数", 40, ""),)),
        ("\n\n", ()),
        # Numbers and brackets that belong to a name: at its start, or inside one of its words.
        ("第2回参加者数 30人", (Figure("第2回参加者数", 30, "人"),)),
        ("65歳以上の参加者 12人", (Figure("65歳以上の参加者", 12, "人"),)),
        ("65歳以上 参加者数 12人", (Figure("65歳以上 参加者数", 12, "人"),)),
        ("参加者数（延べ） 30人", (Figure("参加者数(延べ)", 30, "人"),)),
        ("参加者数（65歳以上） 12人", (Figure("参加者数(65歳以上)", 12, "人"),)),
        ("講座、教室の開催回数 12回", (Figure("講座、教室の開催回数", 12, "回"),)),
        ("コースA30人", (Figure("コースA", 30, "人"),)),
        # A unit in 千, 万 stays the unit (事業費 120千円), and a word after the unit stays with it.
        ("事業費 120千円", (Figure("事業費", 120, "千円"),)),
        ("参加者数 1.2万人", (Figure("参加者数", 1.2, "万人"),)),
        ("開催回数 12回(予定含む)", (Figure("開催回数", 12, "回(予定含む)"),)),
        # 約 is approximate only as a word of its own: 契約, 予約 are words.
        ("新規契約 12件", (Figure("新規契約", 12, "件"),)),
        ("予約 30件", (Figure("予約", 30, "件"),)),
        ("増減 -5人", (Figure("増減", -5, "人"),)),
        # The minus as people type it: a sign of the number, never the end of the name.
        ("増減 ▲5人", (Figure("増減", -5, "人"),)),
        ("増減 △1,200千円", (Figure("増減", -1200, "千円"),)),
        ("増減 −5人", (Figure("増減", -5, "人"),)),  # U+2212
        ("増減 ‐5人", (Figure("増減", -5, "人"),)),  # U+2010
        ("増減▲ 5人", (Figure("増減", -5, "人"),)),
        ("センター利用 5回", (Figure("センター利用", 5, "回"),)),  # ー is a letter
        ("センター5回", (Figure("センター", 5, "回"),)),
        ("増減 ‒5人", (Figure("増減", -5, "人"),)),  # U+2012, figure dash
        ("増減 ―5人", (Figure("増減", -5, "人"),)),  # U+2015, horizontal bar
        ("事業費 0.00005億円", (Figure("事業費", 0.00005, "億円"),)),
    ],
)
def test_parse_figures(text: str, figures: tuple[Figure, ...]) -> None:
    assert figures_.parse_figures(text) == figures
    assert figures_.parse_figures(figures_.format_figures(figures)) == figures


@pytest.mark.parametrize(
    "text",
    [
        "たくさん",
        "12回",
        "開催回数 十二回",
        "参加者 1,23人",
        # Two figures on one line, however they are joined.
        "開催回数 12回 参加者数 30人",
        "開催回数 12回、参加者数 30人",
        "開催回数 12回，参加者数 30人",
        "開催回数12回 参加者数30人",
        "開催回数12回、参加者数30人",
        "開催回数：12回 参加者数：30人",
        "開催回数 12回 30人",
        "第2回 参加者数 30人",
        # A number written with 万, 千 between its digits.
        "参加者数 1万2千人",
        "参加者数1万2千人",
        "参加者数 1万2000人",
        # A bracket that does not close, in the name or in the unit.
        "開催回数 12回（前年度 10回）",
        "開催回数 12回(前年度10回)",
        "参加者数（延べ 30人",
        "参加者数 30人)",
        # A name that ends inside a number written another way.
        "参加者数 1e309人",
        "参加者数1e309人",
        "参加者数 1e+309人",
        "割合 1/2",
        "割合1/2",
        # An approximate number.
        "参加者数 約100人",
        "参加者数約100人",
        "参加者数：約100人",
        "参加者数 およそ100人",
        "新規契約 約30件",
        # A dash that is no minus sign before the number: read, the figure would lose its sign.
        "増減 ー5人",
        "増減 ｰ5人",
        "増減 ─5人",
        "増減 ▼5人",
        "増減 ∸5人",
    ],
)
def test_parse_figures_refuses_what_is_not_name_number_unit(text: str) -> None:
    with pytest.raises(ValueError, match=f"^'{re.escape(_nfkc(text))}' is not a figure: "):
        figures_.parse_figures(text)


def _nfkc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def test_parse_figures_names_every_piece_that_is_wrong() -> None:
    """One reply to the department corrects them all: not only the first."""
    text = "開催回数 12回\n参加者 たくさん；延べ人数 40人\nボランティア 数名"
    wrong = r"^'参加者 たくさん', 'ボランティア 数名' are not figures: "
    with pytest.raises(ValueError, match=wrong):
        figures_.parse_figures(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-05-12", datetime.date(2025, 5, 12)),
        ("2025/5/2", datetime.date(2025, 5, 2)),
        ("２０２５年５月１２日", datetime.date(2025, 5, 12)),
        ("2025-05-12 00:00:00", datetime.date(2025, 5, 12)),
    ],
)
def test_parse_date(text: str, date: datetime.date) -> None:
    assert progress.parse_date(text) == date


@pytest.mark.parametrize("text", ["2025-02-30", "5月12日", "R7.5.12x"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        progress.parse_date(text)


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({}, []),
        ({"rating": ""}, ["rating"]),
        ({"direction": "", "rating": ""}, ["rating", "direction"]),
        ({"activities": ""}, ["activities"]),
        ({"status": "一部実施", "activities": " "}, ["activities"]),
        ({"status": "未実施", "activities": "", "rating": "D"}, []),
        ({"status": ""}, ["status"]),
    ],
)
def test_required_by_status(plan: Plan, fields: dict[str, str], problems: list[str]) -> None:
    found = progress.answer_problems(answer(**fields), progress.vocabularies(plan))
    assert [key for key, _message in found] == problems


# ---------------------------------------------------------------- progress files


def test_example_files_load(plan: Plan) -> None:
    book = load_progress([R6], plan)
    assert book.year.label == "R6"
    assert book.year.year == 2024
    assert book.sources == (R6,)
    assert len(book.answers) == 25
    first = book.by_measure()["1-1-01"]
    assert first.departments == ("社会教育課",)
    assert first.figures[0] == Figure("開催回数", 4, "回")
    assert first.answered_on == datetime.date(2025, 5, 19)
    # In plan order, whatever the order in the file.
    order = [m.id for m in plan.measures if book.answer(m.id)]
    assert [a.measure_id for a in book.answers] == order


def test_example_files_are_marked_made_up() -> None:
    for path in (R5, R6):
        assert path.read_text(encoding="utf-8").startswith("# 架空の回答例")


def test_yaml_round_trip(plan: Plan, tmp_path: Path) -> None:
    book = load_progress([R6], plan)
    shared = answer(
        "3-1-14",
        departments=("社会福祉課", "市民窓口課"),
        activities="一行目\n二行目: コロン\n",
        issues="'引用' と \"二重\"",
        figures=(
            Figure("回数", 2.5, ""),
            Figure("事業費", 0.00005, "億円"),
            Figure("増減", -5, "人"),
        ),
    )
    others = tuple(a for a in book.answers if a.measure_id != shared.measure_id)
    book = replace(book, answers=(*others, shared))
    text = progress_yaml(book, plan)
    again = progress_from_text(text, "again.yaml", plan)
    answers = book.by_measure()
    assert again.answers == tuple(answers[m.id] for m in plan.measures if m.id in answers)
    assert "activities: |" in text
    assert "value: 0.00005" in text  # plain digits, as the reader takes them (not 5.0e-05)
    assert save_progress(tmp_path / "R6.yaml", book, plan) == text
    assert (tmp_path / "R6.yaml").read_bytes().decode("utf-8") == text


_BAD = """\
schema: 1
year: R6
answers:
  - measure: 9-9-99
    departments: [高齢福祉課]
    status: 実施
    rating: A
    direction: 継続
    activities: x
  - measure: 2-1-20
    departments: [健康増進課]
    status: 実施済
    rating: E
    direction: 継続
  - measure: 2-1-21
    departments: [高齢福祉課]
    status: 実施
    rating: Ｂ
    figures:
      - {name: 開催回数, value: たくさん}
    answered_on: 2025-13-01
  - measure: 2-1-21
    departments: [高齢福祉課]
    status: 未実施
    rating: D
    direction: 縮小
"""


def test_every_problem_at_once_with_positions(plan: Plan, write: Write) -> None:
    path = write("R6.yaml", _BAD)
    with pytest.raises(DataFileError) as caught:
        load_progress([path], plan)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}:4:14: answers[0].measure: no measure '9-9-99' in the plan",
        f"{path}:11:19: answers[1].departments[0]: '健康増進課' is not a department of 2-1-20 "
        "(高齢福祉課)",
        f"{path}:12:13: answers[1].status: unknown 実施状況 '実施済' "
        "(expected 実施 / 一部実施 / 未実施 / 休止 / 終了・廃止)",
        f"{path}:13:13: answers[1].rating: unknown 評価 'E' (expected A / B / C / D)",
        f"{path}:15:5: answers[2]: missing key 'direction'",
        f"{path}:15:5: answers[2].activities: 取組内容・実績 is required when 実施状況 is 実施",
        f"{path}:20:29: answers[2].figures[0].value: expected a number (12, 1,234 or 2.5), "
        "got 'たくさん'",
        f"{path}:21:18: answers[2].answered_on: no such date: '2025-13-01'",
        f"{path}:22:14: answers[3].measure: measure 2-1-21 is answered twice in this file",
    ]
    assert caught.value.exit_code == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year: R6\nanswers: []\n", "missing key 'schema'"),
        ("schema: 2\nyear: R6\nanswers: []\n", "this kouryu reads progress schema 1"),
        ("schema: 1\nyear: R99x\nanswers: []\n", "not a year"),
        ("schema: 1\nyear: R6\nanswers: []\nextra: 1\n", "unknown key 'extra'"),
        ("schema: 1\nyear: R6\nanswers:\n  - measure: 2-1-20\n", "missing key 'departments'"),
        ("[]\n", "expected a mapping"),
        ("schema: 1\nyear: R6\nanswers: &a []\nx: *a\n", "alias"),
    ],
)
def test_progress_file_boundaries(plan: Plan, write: Write, text: str, message: str) -> None:
    path = write("p.yaml", text)
    with pytest.raises(DataFileError, match=message):
        load_progress([path], plan)


def test_two_files_must_agree(plan: Plan, write: Write) -> None:
    one = write("one.yaml", progress_yaml(ProgressBook(_year("R6"), (answer(),)), plan))
    same = write("same.yaml", progress_yaml(ProgressBook(_year("R6"), (answer(),)), plan))
    book = load_progress([one, same], plan)
    assert book.sources == (one, same)
    other = write(
        "other.yaml",
        progress_yaml(ProgressBook(_year("R6"), (answer(rating="B"),)), plan),
    )
    older = write("older.yaml", progress_yaml(ProgressBook(_year("R5")), plan))
    with pytest.raises(DataFileError) as caught:
        load_progress([one, other, older], plan)
    assert str(caught.value).splitlines() == [
        f"{other}:6:3: answers[0]: measure 2-1-20 is answered differently in {one}:6",
        f"{older}:4:7: year: year R5 differs from R6 in {one}; give the files of one year",
    ]


def _year(label: str) -> progress.EraYear:
    from kouryu_cli.core import era

    return era.parse_year(label)


# ---------------------------------------------------------------- merging and queries


def test_merge_adds_keeps_and_refuses_to_replace() -> None:
    book = ProgressBook(_year("R6"), (answer(), answer("2-1-21")))
    incoming = [
        answer(answered_by="別の人"),  # same content: unchanged
        answer("2-1-21", rating="B", issues="人手"),
        answer("2-1-22"),
    ]
    result = progress.merge(book, incoming, replace=False)
    assert [a.measure_id for a in result.added] == ["2-1-22"]
    assert result.changed == ()
    assert [a.measure_id for a in result.unchanged] == ["2-1-20"]
    assert result.conflicts == (
        progress.Conflict("2-1-21", (("rating", "A", "B"), ("issues", "", "人手"))),
    )
    assert result.book.by_measure()["2-1-21"].rating == "A"
    replaced = progress.merge(book, incoming, replace=True)
    assert [a.measure_id for a in replaced.changed] == ["2-1-21"]
    assert replaced.book.by_measure()["2-1-21"].rating == "B"
    assert replaced.conflicts == ()
    assert book.by_measure()["2-1-21"].rating == "A"  # the original book is untouched


def test_counts_by_department_and_policy(plan: Plan) -> None:
    book = load_progress([R6], plan)
    rows = {r.key: r for r in counts(plan, book, "dept")}
    assert [r.key for r in counts(plan, book, "dept")] == [d.name for d in plan.departments]
    elderly = rows["高齢福祉課"]
    assert (elderly.total, elderly.answered) == (8, 8)
    assert sum(elderly.statuses.values()) == 8
    assert list(elderly.ratings) == ["A", "B", "C", "D"]
    assert rows["学校教育課"].answered == 0
    assert rows["学校教育課"].unanswered == 2
    # The shared measure counts for both of its departments.
    assert rows["市民窓口課"].total == 1
    assert rows["市民窓口課"].answered == 1
    policies = counts(plan, book, "policy")
    assert [r.key for r in policies] == [p.label for p in plan.policies]
    assert sum(r.total for r in policies) == len(plan.measures)
    assert sum(r.answered for r in policies) == len(book.answers)
    total = progress.total_count(plan, book)
    assert (total.total, total.answered) == (len(plan.measures), 25)
    with pytest.raises(ValueError, match="dept"):
        counts(plan, book, "age")  # type: ignore[arg-type]


def test_missing_lists_departments_and_ids(plan: Plan) -> None:
    book = load_progress([R6], plan)
    gaps = dict(missing(plan, book))
    assert "高齢福祉課" not in gaps
    assert "市民窓口課" not in gaps  # answered by 社会福祉課 for both
    assert gaps["学校教育課"] == ("1-2-06", "3-1-08")
    assert sum(len(ids) for ids in gaps.values()) == len(plan.measures) - 25
    assert list(gaps) == [d.name for d in plan.departments if d.name in gaps]
    assert missing(plan, ProgressBook(book.year))[0] == (
        "社会教育課",
        ("1-1-01", "1-2-07", "2-1-12", "2-1-13", "3-1-09", "3-1-10"),
    )


def test_select_and_read_terms(plan: Plan) -> None:
    book = load_progress([R6], plan)
    vocabs = progress.vocabularies(plan)
    ratings = progress.read_terms(vocabs["rating"], "Ｃ、d")
    assert ratings == ("C", "D")
    wanted = progress.AnswerFilter(departments=("高齢福祉課",), ratings=ratings)
    chosen = progress.select(plan, book, wanted)
    assert chosen
    assert all(a.rating in "CD" and "高齢福祉課" in m.departments for m, a in chosen)
    assert wanted.describe() == ["所管課: 高齢福祉課", "評価: C、D"]
    with pytest.raises(ValueError, match="unknown value 'E'"):
        progress.read_terms(vocabs["rating"], "C,E")


def test_plan_digest_follows_what_forms_show(plan: Plan) -> None:
    digest = progress.plan_digest(plan)
    assert len(digest) == 16
    assert progress.plan_digest(plan) == digest
    policy = plan.policies[0]
    section = policy.sections[0]
    renamed = replace(section.measures[0], name="改名")
    edited = replace(
        plan,
        policies=(
            replace(
                policy,
                sections=(
                    replace(section, measures=(renamed, *section.measures[1:])),
                    *policy.sections[1:],
                ),
            ),
            *plan.policies[1:],
        ),
    )
    assert progress.plan_digest(edited) != digest


# ---------------------------------------------------------------- the plan's own scales

_SCALES = """
vocabularies:
  rating:
    - value: S
      definition: 計画を上回る成果があった
    - value: A
      definition: 計画どおり
  status:
    - value: 実施
      needs_activities: true
    - value: 中止
"""


def _plan_with(text: str, write: Write) -> Path:
    from kouryu_cli.planfile import default_path

    return write("plan.yaml", default_path().read_text(encoding="utf-8") + text)


def test_plan_defines_its_own_scales(write: Write) -> None:
    path = _plan_with(_SCALES, write)
    own = load_plan(path)
    vocabs = progress.vocabularies(own)
    assert vocabs["rating"] == Vocabulary(
        "rating", (Term("S", "計画を上回る成果があった"), Term("A", "計画どおり"))
    )
    assert vocabs["status"].terms == (Term("実施", "", needs_activities=True), Term("中止"))
    # Not defined by the plan: the default scale.
    assert (
        progress.expected(vocabs["direction"]) == "拡充 / 継続 / 改善して継続 / 縮小 / 休止・廃止"
    )
    # The scales survive the cache: parsed and stored, then read from the entry.
    assert planfile.open_plan(path) == own
    assert planfile.open_plan(path) == own


def test_progress_is_read_in_the_plans_scales(write: Write) -> None:
    own = load_plan(_plan_with(_SCALES, write))
    good = write(
        "good.yaml",
        "schema: 1\nyear: R6\nanswers:\n  - measure: 2-1-20\n    departments: [高齢福祉課]\n"
        "    status: 中止\n    rating: Ｓ\n    direction: 継続\n",
    )
    assert load_progress([good], own).by_measure()["2-1-20"].rating == "S"
    bad = write("bad.yaml", good.read_text(encoding="utf-8").replace("Ｓ", "B"))
    with pytest.raises(DataFileError, match=r"unknown 評価 'B' \(expected S / A\)"):
        load_progress([bad], own)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vocabularies:\n  grade: []\n", "unknown key 'grade'"),
        ("vocabularies:\n  rating: []\n", "vocabularies.rating: must not be empty"),
        (
            "vocabularies:\n  rating:\n    - value: A\n    - value: Ａ\n",
            "vocabularies.rating[1].value: value 'Ａ' is given twice",
        ),
        (
            "vocabularies:\n  rating:\n    - value: A\n      needs_activities: true\n",
            "unknown key 'needs_activities'",
        ),
        (
            "vocabularies:\n  status:\n    - value: 実施\n      needs_activities: yes\n",
            "expected true or false, got 'yes'",
        ),
        ("vocabularies:\n  status:\n    - definition: x\n", "missing key 'value'"),
    ],
)
def test_plan_scales_are_validated(write: Write, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=re.escape(message)):
        load_plan(_plan_with(text, write))
