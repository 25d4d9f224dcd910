"""`kouryu measures`, `dept`, `search`, `show`, `outline`, `matrix`: rows, formats, messages."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.cli import output
from tests.conftest import Run

MEASURE_KEYS = {
    "id",
    "name",
    "description",
    "policy",
    "policy_title",
    "section",
    "section_number",
    "order",
    "departments",
    "ages",
    "tags",
    "aliases",
    "notes",
}


def test_age_65_plus_lists_the_40_measures_for_seniors(run: Run) -> None:
    result = run("measures", "--age", "65+", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 40
    assert all("65+" in r["ages"] for r in records)
    assert result.stderr == "conditions: 65歳以上 / 40 measures\n"


def test_measure_json_contract(run: Run) -> None:
    records = json.loads(run("measures", "-f", "json").stdout)
    assert len(records) == 49
    for record in records:
        assert set(record) == MEASURE_KEYS
        assert isinstance(record["policy"], int)
        assert record["ages"] == [a for a in ("0-17", "18-64", "65+") if a in record["ages"]]
    last = records[-1]
    assert last == {
        "id": "3-1-14",
        "name": "民生委員・児童委員活動支援事業",
        "description": "地域住民のよき相談相手として、また行政や関係機関とのパイプ役として"
        "十分に活動できるよう支援します。",
        "policy": 3,
        "policy_title": "つながり合う地域づくりの推進",
        "section": "地域の支え合い支援",
        "section_number": 1,
        "order": 14,
        "departments": ["社会福祉課", "市民窓口課"],
        "ages": ["0-17", "18-64", "65+"],
        "tags": [],
        "aliases": [],
        "notes": ["所管課は本文・施策事業一覧とも社会福祉課と市民窓口課の2課。"],
    }


def test_piped_output_is_one_plain_line_per_measure(run: Run) -> None:
    result = run("measures", "--age", "65歳以上", "--only-age")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split("\t")[:7] for line in lines] == [
        ["2-1-20", "地域介護予防活動支援事業", "高齢福祉課", "", "", "○", "知守・運動"],
        ["2-1-22", "高齢者団体の活性化", "高齢福祉課", "", "", "○", "運動"],
        ["2-1-23", "生きがいと健康づくり推進事業", "高齢福祉課", "", "", "○", ""],
        ["3-1-13", "高齢者等緊急時見守り事業", "高齢福祉課", "", "", "○", ""],
    ]
    assert result.stderr == "conditions: 65歳以上のみ / 4 measures\n"


def test_filters_combine_and_echo_back(run: Run) -> None:
    result = run("measures", "--age", "u18", "--dept", "子育て", "--tag", "食事", "-p", "2")
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["2-1-15", "2-1-17"]
    assert result.stderr == (
        "conditions: 18歳未満 / 所管課「子育て」 / 施策2 / アイコン 食事 / 2 measures\n"
    )


def test_a_repeated_query_is_an_or_of_its_words(run: Run) -> None:
    def ids(*args: str) -> set[str]:
        return {line.split("\t")[0] for line in run("measures", *args).stdout.splitlines()}

    either = run("measures", "--query", "子育て", "--query", "高齢 ボランティア")
    assert either.exit_code == 0
    found = {line.split("\t")[0] for line in either.stdout.splitlines()}
    assert found == ids("--query", "子育て") | ids("--query", "高齢 ボランティア")
    assert ids("--query", "子育て") - ids("--query", "高齢 ボランティア")
    assert ids("--query", "高齢 ボランティア") - ids("--query", "子育て")
    assert either.stderr.startswith("conditions: 語「子育て」・「高齢 ボランティア」 / ")


def test_a_full_department_name_is_that_department_alone(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    """福祉課 is not also 高齢福祉課 and 障害福祉課, as `dept 福祉課` already knows."""
    shipped = (Path(__file__).parents[1] / "data" / "plan.yaml").read_text(encoding="utf-8")
    plan = write("plan.yaml", shipped.replace("社会福祉課", "福祉課"))
    exact = run("--data", str(plan), "measures", "--dept", "福祉課", "-f", "json")
    assert exact.exit_code == 0
    assert {d for m in json.loads(exact.stdout) for d in m["departments"]} >= {"福祉課"}
    assert all("福祉課" in m["departments"] for m in json.loads(exact.stdout))
    part = run("--data", str(plan), "measures", "--dept", "福祉", "-f", "json")
    names = {d for m in json.loads(part.stdout) for d in m["departments"]}
    assert {"福祉課", "高齢福祉課", "障害福祉課"} <= names


def test_empty_result_says_so_and_exits_1(run: Run) -> None:
    result = run("measures", "--dept", "高齢", "--age", "0-17")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr == "no measure matches (conditions: 18歳未満 / 所管課「高齢」 / 0 measures)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["measures", "--age", "70+"], "unknown age group '70+'"),
        (["measures", "--tag", "散歩"], "unknown icon '散歩' (expected 知守, 食事, 運動)"),
        (["measures", "--policy", "4"], "no policy 4 (expected 1, 2, 3)"),
        (["measures", "--dept", "教育委員会"], "no department matches '教育委員会'"),
        (["measures", "--only-age"], "--only-age: needs at least one --age"),
        (["measures", "--query", ""], "--query: give at least one word to search for"),
        (["measures", "--query", "交流", "--query", " 　"], "--query: give at least one word"),
        (["measures", "-o", "x.yaml"], "cannot tell the format of x.yaml from its suffix"),
        (["dept", "福祉"], "'福祉' matches 3 departments: 高齢福祉課、障害福祉課、社会福祉課"),
        (["dept", "高齢副祉課"], "Did you mean 高齢福祉課"),
        (["show", "9-9-99"], "no measure '9-9-99'"),
    ],
)
def test_usage_errors_exit_2_with_the_valid_values(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_csv_has_a_bom_and_round_trips(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert run("measures", "--age", "65+", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "ID",
        "事業名",
        "所管課",
        "18歳未満",
        "18～64歳",
        "65歳以上",
        "アイコン",
        "施策",
        "取組",
        "説明",
    ]
    assert len(rows) == 41
    assert rows[-1][:3] == ["3-1-14", "民生委員・児童委員活動支援事業", "社会福祉課・市民窓口課"]


def test_csv_without_bom(run: Run) -> None:
    result = run("measures", "-f", "csv", "--no-bom", "-p", "1")
    assert result.stdout_bytes.startswith("ID,事業名".encode())


def test_tsv_has_a_header(run: Run) -> None:
    lines = run("measures", "-f", "tsv", "-p", "1").stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["ID", "事業名", "所管課"]
    assert len(lines) == 12


def test_markdown_table(run: Run) -> None:
    lines = run("measures", "-f", "markdown", "--age", "65+", "--only-age").stdout.splitlines()
    assert lines[0].startswith(
        "| ID | 事業名 | 所管課 | 18歳未満 | 18～64歳 | 65歳以上 | アイコン |"
    )
    assert lines[1].startswith("| --- | --- |")
    assert lines[2].startswith(
        "| 2-1-20 | 地域介護予防活動支援事業 | 高齢福祉課 |  |  | ○ | 知守・運動 |"
    )
    assert len(lines) == 6


def test_table_to_a_file_has_no_escape_codes(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "table.txt"
    assert (
        run("measures", "-f", "table", "--age", "65+", "--only-age", "-o", str(target)).exit_code
        == 0
    )
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert "地域介護予防活動支援事業" in text
    assert "説明" not in text  # the terminal table leaves the long description out


def test_xlsx_workbook(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "measures.xlsx"
    assert run("measures", "--age", "65+", "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "事務事業"
    assert sheet["A1"].value.endswith("事務事業一覧（65歳以上）")
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][:3] == ["ID", "事業名", "所管課"]
    assert sheet.max_row == 42
    assert sheet["C42"].value == "社会福祉課・市民窓口課"
    # Printed: A4 landscape, one page wide, the header row on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$2:$2"


def test_dept_without_name_is_the_facet_view(run: Run) -> None:
    lines = run("dept").stdout.splitlines()
    # 所管課, よみ, 事業数, the three age groups, the three icons (知守, 食事, 運動)
    assert lines[0] == "社会教育課\tしゃかいきょういくか\t6\t5\t6\t5\t1\t1\t1"
    assert "高齢福祉課\tこうれいふくしか\t8\t0\t4\t8\t1\t0\t2" in lines
    assert len(lines) == 12


def test_dept_by_name_lists_its_measures(run: Run) -> None:
    result = run("dept", "高齢福祉課", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == [
        "1-2-08",
        "1-2-09",
        "2-1-20",
        "2-1-21",
        "2-1-22",
        "2-1-23",
        "3-1-12",
        "3-1-13",
    ]
    assert result.stderr == "所管課: 高齢福祉課 / 8 measures\n"


def test_search_volunteer(run: Run) -> None:
    result = run("search", "ボランティア")
    assert result.exit_code == 0
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [
        ["施策", "1"],
        ["事務事業", "1-2-01"],
        ["事務事業", "1-2-08"],
        ["事務事業", "1-2-09"],
        ["指標", "I2"],
        ["指標", "I3"],
    ]
    assert result.stderr == "「ボランティア」: 6 hits\n"


def test_search_json_has_kinds_and_match_spans(run: Run) -> None:
    records = json.loads(run("search", "ＳＯＳ", "-f", "json").stdout)
    (record,) = records
    assert set(record) == {"kind", "id", "title", "field", "text", "matches", "measure"}
    start, end = record["matches"][0]
    assert record["text"][start:end] == "ＳＯＳ"


def test_search_nothing_found_exits_1(run: Run) -> None:
    result = run("search", "存在しない語")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "nothing matches 「存在しない語」\n"


def test_show_json_has_neighbours(run: Run) -> None:
    record = json.loads(run("show", "認知症カフェ", "-f", "json").stdout)
    assert record["id"] == "2-1-21"
    assert [n["id"] for n in record["neighbours"]] == [
        "1-2-08",
        "1-2-09",
        "2-1-20",
        "2-1-22",
        "2-1-23",
        "3-1-12",
        "3-1-13",
    ]


def test_show_markdown(run: Run) -> None:
    text = run("show", "2-1-06", "-f", "markdown").stdout
    assert text.startswith(
        "## 2-1-06 きららガラス未来館管理運営事業\n\n"
        "- 位置: 2.交流の場と機会の提供 › （１）交流の促進\n"
    )
    assert "注記:" in text


def test_show_and_outline_markdown_keep_text_from_the_plan_literal(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    """A line break in a name cannot end the heading; markup in it is not markup."""
    shipped = (Path(__file__).parents[1] / "data" / "plan.yaml").read_text(encoding="utf-8")
    name = "きららガラス未来館管理運営事業"
    plan = write("plan.yaml", shipped.replace(name, '"きらら\\n</b>*ガラス*_未来館_"', 1))
    shown = run("--data", str(plan), "show", "2-1-06", "-f", "markdown")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("## 2-1-06 きらら \\</b\\>\\*ガラス\\*\\_未来館\\_\n\n- 位置:")
    outline = run("--data", str(plan), "outline", "-f", "markdown").stdout
    assert "- 2-1-06 きらら \\</b\\>\\*ガラス\\*\\_未来館\\_\n" in outline


def test_outline_lists_every_measure(run: Run) -> None:
    text = run("outline", "-f", "markdown").stdout
    assert text.startswith("# 4 交流\n")
    assert text.count("\n- ") >= 49 + 7
    assert "### （２）社会参加の促進\n\n誰もが社会参加しやすい環境の整備を進める" in text
    assert "## 3.つながり合う地域づくりの推進\n\n人と人とのつながりのきっかけとなる" in text
    outline = json.loads(run("outline", "-f", "json").stdout)
    assert sum(len(s["measures"]) for p in outline["policies"] for s in p["sections"]) == 49


def test_matrix_csv_is_a_plain_grid(run: Run) -> None:
    raw = run("matrix", "-f", "csv").stdout_bytes
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "所管課",
        "事業数",
        "18歳未満",
        "18～64歳",
        "65歳以上",
        "知守",
        "食事",
        "運動",
    ]
    assert rows[-1] == ["合計（事業数）", "49", "33", "44", "40", "5", "4", "6"]
    assert ["高齢福祉課", "8", "0", "4", "8", "1", "0", "2"] in rows


SHARED_NOTE = (
    "Note: 3-1-14 (社会福祉課・市民窓口課) belongs to more than one department and is "
    "counted in each of their rows; the department rows add up to 50, the total counts each "
    "measure once (49)."
)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_matrix_notes_why_the_departments_add_up_to_more_than_the_total(run: Run, fmt: str) -> None:
    result = run("matrix", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [SHARED_NOTE]
    assert "Note" not in result.stdout
    if fmt == "json":  # the records are unchanged: the note is for the person, on stderr
        records = json.loads(result.stdout)
        assert records[-1]["department"] == "合計（事業数）"
        assert records[-1]["measures"] == 49
        assert sum(r["measures"] for r in records[:-1]) == 50
    assert run("--quiet", "matrix", "-f", fmt).stderr == ""


def test_xlsx_without_openpyxl_says_how_to_get_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    target = tmp_path / "measures.xlsx"
    result = run("measures", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        "kouryu: writing .xlsx needs openpyxl: pip install openpyxl "
        "(or pip install '.[excel]' in kouryu's checkout)\n"
    )
    assert not target.exists()


def test_xlsx_goes_to_a_pipe_but_not_to_a_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl")
    result = run("measures", "-f", "xlsx")  # CliRunner's stdout is not a terminal
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"PK")  # a zip: the workbook itself
    monkeypatch.setattr(output, "_stdout_is_terminal", lambda: True)
    result = run("measures", "-f", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == "kouryu: xlsx needs a file: use -o FILE.xlsx\n"


def test_json_builds_no_table_rows(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON needs records only: building rows too would double the cost on a large plan."""
    from kouryu_cli.measures import views

    def refuse(*_args: object) -> None:
        raise AssertionError("a table row was built for JSON")

    monkeypatch.setattr(views, "measure_row", refuse)
    for args in (("measures",), ("dept", "高齢福祉課"), ("measures", "--query", "存在しない")):
        result = run(*args, "-f", "json")
        assert result.exit_code in (0, 1), result.stderr
        assert result.stdout.startswith("[")
