"""kouryu progress status and check: every format, the JSON contract, filters, errors, help."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kouryu_cli.progress import command as progress_cli
from tests.conftest import Run

FIXTURES = Path(__file__).parent / "fixtures"
R5 = str(FIXTURES / "progress-R5-example.yaml")
R6 = str(FIXTURES / "progress-R6-example.yaml")
COMMANDS_DOC = Path(__file__).parents[1] / "docs" / "commands.md"
DOC = Path(__file__).parents[1] / "docs" / "progress-format.md"

# The JSON keys are a contract: docs/progress-format.md lists them, the report reads them.
ANSWER_KEYS = [
    "id", "name", "policy", "section", "departments", "status", "rating", "direction",
    "activities", "figures", "issues", "next_steps", "answering_departments", "answered_by",
    "answered_on",
]  # fmt: skip
COUNT_KEYS = ["by", "key", "total", "answered", "unanswered", "status", "rating"]
MISSING_KEYS = ["department", "id", "name"]


def test_json_answers_contract(run: Run) -> None:
    result = run("progress", "status", R6, "-f", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 25
    assert all(list(r) == ANSWER_KEYS for r in records)
    first = records[0]
    assert first["id"] == "1-1-01"
    assert first["figures"] == [
        {"name": "開催回数", "value": 4, "unit": "回"},
        {"name": "参加者数", "value": 120, "unit": "人"},
    ]
    assert first["answered_on"] == "2025-05-19"
    assert (first["policy"], first["section"]) == (1, 1)


def test_json_counts_contract(run: Run) -> None:
    for by in ("dept", "policy"):
        records = json.loads(run("progress", "status", R6, "--by", by, "-f", "json").stdout)
        assert all(list(r) == COUNT_KEYS for r in records)
        assert {r["by"] for r in records[:-1]} == {by}
        total = records[-1]
        assert total["by"] == "total"
        assert total["key"] == "合計"
        assert (total["total"], total["answered"], total["unanswered"]) == (49, 25, 24)
        assert list(total["status"]) == ["実施", "一部実施", "未実施", "休止", "終了・廃止"]
        assert list(total["rating"]) == ["A", "B", "C", "D"]
        assert sum(total["status"].values()) == 25
    policies = json.loads(run("progress", "status", R6, "--by", "policy", "-f", "json").stdout)
    assert [r["key"] for r in policies] == [
        "1.生きがいづくりの推進",
        "2.交流の場と機会の提供",
        "3.つながり合う地域づくりの推進",
        "合計",
    ]


def test_json_missing_contract(run: Run) -> None:
    records = json.loads(run("progress", "status", R6, "--missing", "-f", "json").stdout)
    assert all(list(r) == MISSING_KEYS for r in records)
    assert len(records) == 24
    assert records[0] == {
        "department": "市民活動推進課",
        "id": "1-1-02",
        "name": "石丸総合館管理運営事業",
    }


def test_json_keys_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in {*ANSWER_KEYS, *COUNT_KEYS, *MISSING_KEYS}:
        assert f"`{key}`" in text, key


BY_DEPT_CSV = """\
所管課,事業数,回答,未回答,実施,一部実施,未実施,休止,終了・廃止,評価A,評価B,評価C,評価D
社会教育課,6,6,0,4,2,0,0,0,1,3,2,0
市民活動推進課,8,0,8,0,0,0,0,0,0,0,0,0
シティセールス課,4,0,4,0,0,0,0,0,0,0,0,0
学校教育課,2,0,2,0,0,0,0,0,0,0,0,0
高齢福祉課,8,8,0,4,2,2,0,0,2,2,2,2
文化スポーツ推進課,8,8,0,5,1,1,1,0,2,3,1,2
商工労働課,1,0,1,0,0,0,0,0,0,0,0,0
子育て支援課,8,0,8,0,0,0,0,0,0,0,0,0
障害福祉課,1,0,1,0,0,0,0,0,0,0,0,0
健康増進課,2,2,0,1,0,0,1,0,1,0,0,1
社会福祉課,1,1,0,0,0,0,1,0,0,0,0,1
市民窓口課,1,1,0,0,0,0,1,0,0,0,0,1
合計,49,25,24,14,5,3,3,0,6,8,5,6
"""


def test_counts_by_department_as_csv(run: Run) -> None:
    result = run("progress", "status", R6, "--by", "dept", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout.lstrip("\ufeff").replace("\r\n", "\n") == BY_DEPT_CSV


def test_counts_by_department_note_the_measure_counted_twice(run: Run) -> None:
    from tests.test_cli_measures import SHARED_NOTE

    by_dept = run("progress", "status", R6, "--by", "dept", "-f", "csv")
    rows = [line.split(",") for line in by_dept.stdout.lstrip("\ufeff").splitlines()[1:]]
    assert sum(int(r[1]) for r in rows[:-1]) == 50
    assert rows[-1][:2] == ["合計", "49"]
    assert by_dept.stderr.splitlines() == [SHARED_NOTE]
    # Counted per 施策 every measure is in one row: nothing to explain.
    assert run("progress", "status", R6, "--by", "policy", "-f", "csv").stderr == ""


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "markdown"])
@pytest.mark.parametrize("view", [(), ("--by", "dept"), ("--by", "policy"), ("--missing",)])
def test_every_format(run: Run, fmt: str, view: tuple[str, ...]) -> None:
    result = run("progress", "status", R6, *view, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    if fmt in ("table", "csv", "markdown"):
        assert (
            "ID" if not view else "所管課" if view != ("--by", "policy") else "施策"
        ) in result.stdout


def test_xlsx_output(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "counts.xlsx"
    result = run("progress", "status", R6, "--by", "dept", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "所管課別"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["高齢福祉課", 8, 8, 0, 4, 2, 2, 0, 0, 2, 2, 2, 2] in values


def test_a_workbook_of_answers_holds_the_answer_date_as_a_date(run: Run, tmp_path: Path) -> None:
    """Excel sorts and filters a date cell as a date; CSV and the table keep YYYY-MM-DD."""
    import datetime

    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "answers.xlsx"
    assert run("progress", "status", R6, "-o", str(path)).exit_code == 0
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[2]]
    column = header.index("回答日") + 1
    dates = [sheet.cell(r, column) for r in range(3, sheet.max_row + 1)]
    assert any(c.value for c in dates)
    assert all(isinstance(c.value, datetime.datetime) for c in dates if c.value)
    assert {c.number_format for c in dates if c.value} == {"yyyy/m/d"}
    text = run("progress", "status", R6, "-f", "csv").stdout
    assert next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))["回答日"].count("-") == 2


def test_the_answers_print_one_page_wide_and_every_column_is_kept(run: Run, tmp_path: Path) -> None:
    """Thirteen columns do not fit A4 at a legible size: the printed sheet leaves out
    回答した課 (所管課 says it but for a shared measure); the next sheet has every column."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "answers.xlsx"
    assert run("progress", "status", R6, "-o", str(path)).exit_code == 0
    printed, whole = openpyxl.load_workbook(path).worksheets
    assert (printed.title, whole.title) == ("取組状況", "取組状況（全項目）")
    assert printed.page_setup.fitToWidth == 1
    assert printed.sheet_properties.pageSetUpPr.fitToPage
    shown = [c.value for c in printed[2]]
    every = [c.value for c in whole[2]]
    assert [c for c in every if c not in shown] == ["回答した課"]
    assert shown[-2:] == ["記入者", "回答日"]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("--rating", "C,D", "--dept", "高齢"), ["1-2-08", "2-1-20", "2-1-22", "3-1-12"]),
        (("--rating", "ｃ"), ["1-2-08", "2-1-06", "2-1-13", "2-1-20", "3-1-10"]),
        (("--status", "休止"), ["2-1-03", "3-1-07", "3-1-14"]),
        (("--status", "未実施", "--rating", "D"), ["2-1-08", "2-1-22", "3-1-12"]),
        (("--dept", "市民窓口課"), ["3-1-14"]),
    ],
)
def test_filters(run: Run, args: tuple[str, ...], ids: list[str]) -> None:
    result = run("progress", "status", R6, *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ids


def test_plain_lines_in_a_pipe(run: Run) -> None:
    result = run("progress", "status", R6, "--missing")
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t"))
    assert rows[0] == ["市民活動推進課", "1-1-02", "石丸総合館管理運営事業"]
    assert len(rows) == 24


def test_nothing_matches_exits_1(run: Run, tmp_path: Path) -> None:
    result = run("progress", "status", R6, "--dept", "学校教育課")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "no answer matches\n")
    full = tmp_path / "full.yaml"
    text = Path(R6).read_text(encoding="utf-8")
    full.write_text(text.split("answers:")[0] + "answers: []\n", encoding="utf-8")
    assert run("progress", "status", str(full), "--by", "dept", "-f", "json").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rating", "E"), "kouryu: --rating: unknown value 'E' (expected A / B / C / D)\n"),
        (
            ("--status", "済"),
            "kouryu: --status: unknown value '済' (expected 実施 / 一部実施 / 未実施 / 休止 / "
            "終了・廃止)\n",
        ),
        (("--by", "age"), "kouryu: --by: 'age' (expected dept or policy)\n"),
        (("--by", "dept", "--missing"), "kouryu: --missing: give --by or --missing, not both\n"),
        (
            ("--by", "dept", "--rating", "C"),
            "kouryu: --dept, --status and --rating filter answers; they do not go with --by "
            "or --missing\n",
        ),
        (("--dept", "存在しない課"), "kouryu: no department '存在しない課'."),
        (("-f", "svg"), "kouryu: progress status cannot write svg"),
        (("-f", "json", "-o", R6), f"kouryu: -o {R6} is the input file {R6}"),
    ],
)
def test_usage_errors(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("progress", "status", R6, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_check(run: Run, tmp_path: Path) -> None:
    result = run("progress", "check", R6)
    assert (result.exit_code, result.stdout) == (
        0,
        f"{R6}: ok: R6 (2024年度), 25 answers, 6 departments with unanswered measures\n",
    )
    result = run("progress", "check", R5, R6)
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {R6}:5:7: year: year R6 differs from R5 in {R5}; give the files of one year\n"
    )
    bad = tmp_path / "R6.yaml"
    bad.write_text(Path(R6).read_text(encoding="utf-8").replace("rating: B", "rating: Ｅ", 1))
    result = run("progress", "check", str(bad))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {bad}:27:11: answers[1].rating: unknown 評価 'Ｅ' (expected A / B / C / D)\n"
    )
    missing = run("progress", "check", str(tmp_path / "none.yaml"))
    assert (missing.exit_code, missing.stderr) == (
        3,
        f"kouryu: {tmp_path / 'none.yaml'}: no such file\n",
    )


def test_form_usage_errors(run: Run, tmp_path: Path) -> None:
    result = run("progress", "form", "--year", "R6x", "-o", str(tmp_path))
    assert (result.exit_code, result.stderr.split(":")[1]) == (2, " --year")
    result = run("progress", "form", "--year", "R6", "-f", "pdf", "-o", str(tmp_path))
    assert result.stderr == "kouryu: --format: progress form writes xlsx or csv, not 'pdf'\n"
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    result = run("progress", "form", "--year", "R6", "-o", str(afile))
    assert result.exit_code == 2
    result = run(
        "progress", "form", "--year", "R6", "-d", "存在しない課", "-o", str(tmp_path / "f")
    )
    assert result.exit_code == 2
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize("command", ["form", "collect", "status", "check"])
def test_subcommands_have_help_with_examples_and_are_documented(run: Run, command: str) -> None:
    result = run("progress", command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"kouryu progress {command}" in result.stdout
    assert f"`kouryu progress {command}`" in COMMANDS_DOC.read_text(encoding="utf-8")
    assert command in {c.name for c in progress_cli.app.registered_commands} | {
        c.callback.__name__ for c in progress_cli.app.registered_commands if c.callback
    }


def test_progress_alone_prints_its_help(run: Run) -> None:
    result = run("progress")
    assert result.exit_code == 0
    assert "Usage: kouryu progress" in result.stdout
    for command in ("form", "collect", "status", "check"):
        assert f"  {command} " in result.stdout
