"""Actuals files as people really save them: stray quotes, Alt+Enter, % formats, cover sheets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.files import tables
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.indicators.actuals import ActualsFile, read_actuals
from tests.conftest import Run

Write = Callable[[str, str], Path]
NO_HEADER = (
    "no header row (expected columns such as 指標ID or 指標名, 年度, 実績値; "
    "or indicator, year, value)"
)


def problems(path: Path, plan: Plan) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        read_actuals(path, plan, label=path.name)
    return [str(p) for p in caught.value.problems]


def figures(found: ActualsFile) -> list[tuple[str, int, float]]:
    return [(a.what, a.observation.year.year, a.observation.value) for a in found.actuals]


def workbook(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    """A workbook of the sheets given, each a title and its rows from A1."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# --- a quote left open ------------------------------------------------------------------------

OPEN = "a quote opened here is never closed: every line after it would be read into this field"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # The tester's file: a quote opened in 出典 swallowed the rows of I6 and I7.
        ('indicator,year,value,source\nI4,R5,17000,"市調べ\nI6,R5,67,社協\nI7,R5,1,x\n', "2:13"),
        ('指標ID,年度,実績値\nI4,R5,"17000\nI6,R5,67\n', "2:7"),
        # On the last line, with and without its line break.
        ('indicator,year,value\nI4,R5,17000\nI6,R5,"67\n', "3:7"),
        ('indicator,year,value\nI4,R5,17000\nI6,R5,"67', "3:7"),
        ('indicator\tyear\tvalue\r\nI4\tR5\t17000\r\nI6\tR5\t"67\r\nI7\tR5\t1\r\n', "3:7"),
        # A doubled quote inside is a quote, not the end.
        ('indicator,year,value,source\nI4,R5,1,"a ""b"" c\nI6,R5,67,\n', "2:9"),
    ],
    ids=["source", "value", "last-line", "last-line-no-break", "tsv-crlf", "doubled-quote"],
)
def test_a_quote_never_closed_is_refused_where_it_opens(
    plan: Plan, write: Write, text: str, place: str
) -> None:
    path = write("q.csv", text)
    assert problems(path, plan) == [f"q.csv:{place}: {OPEN}"]


def test_a_quote_closed_only_by_the_next_quote_is_refused(plan: Plan, write: Write) -> None:
    # The quote before センター closes the one left open on line 2; 4 lines were one field.
    path = write(
        "q.csv",
        'indicator,year,value,source\nI4,R5,17000,"市調べ\nI6,R5,67,社協\nI7,R5,1,"センター"\n',
    )
    assert problems(path, plan) == [
        "q.csv:2:13: a quote opened here runs on to a quote on line 4 that is followed by more "
        "text: is a closing quote missing here? (The lines between would be read into this "
        "field.)"
    ]


def test_a_line_break_inside_quotes_is_still_text(plan: Plan, write: Write) -> None:
    # Alt+Enter in a cell, saved as CSV by Excel: the field is quoted and closed.
    path = write(
        "q.csv",
        'indicator,year,value,source\r\nI4,R5,"17,000","市調べ\r\n(速報値)"\r\nI6,R5,67,"a""b"\r\n',
    )
    found = read_actuals(path, plan, label="q.csv")
    assert figures(found) == [("I4", 2023, 17000), ("I6", 2023, 67)]
    assert [a.observation.source for a in found.actuals] == ["市調べ\r\n(速報値)", 'a"b']
    assert [str(a.row) for a in found.actuals] == ["q.csv:2", "q.csv:4"]


# --- one line per problem ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("got '17,000\n(速報値)'", "got '17,000\\n(速報値)'"),
        ("got 'a\r\nb'", "got 'a\\r\\nb'"),
        ("got 'a\u2028b\x85c'", "got 'a\\u2028b\\x85c'"),
        ("got '\x1b[31mred'", "got '\\x1b[31mred'"),
        ("a\ttab stays", "a\ttab stays"),
    ],
)
def test_a_problem_is_shown_on_one_line(message: str, shown: str) -> None:
    assert str(Problem("a.csv", 2, 3, "value", message)) == f"a.csv:2:3: value: {shown}"


def test_a_value_with_a_line_break_is_one_line_on_stderr(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text('指標ID,年度,実績値\nI4,R5,"17000\nI6,R5,67"\n', encoding="utf-8")
    result = run("actuals", "check", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {path}:2:3: value: expected a number, got '17000\\nI6,R5,67'\n"
    )
    book = workbook(tmp_path / "n.xlsx", ("実績値", [["指標ID", "年度", "実績値"]]))
    openpyxl = pytest.importorskip("openpyxl")
    loaded = openpyxl.load_workbook(book)
    loaded["実績値"].append(["I4", "R5", "17,000\n(速報値)"])  # Alt+Enter in the cell
    loaded.save(book)
    result = run("actuals", "check", str(book))
    assert result.stderr == (
        f"kouryu: {book}:実績値!C2: value: expected a number, got '17,000\\n(速報値)'\n"
    )


def test_notes_and_skipped_columns_are_one_line_each(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "r\n6.csv"  # a name with a line break, as a shell allows
    path.write_text('指標ID,年度,実績値,"回答\n数"\nI4,R5,17000,5\n', encoding="utf-8")
    found = read_actuals(path, plan)
    assert found.guesses == (f"{tmp_path}/r\\n6.csv: read as CSV, encoding UTF-8",)
    assert found.ignored_columns == ("回答\\n数",)


# --- percent formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "read"),
    [
        (0.273, "0.0%", "27.3%"),
        (0.48, "0%", "48%"),
        (0.455, "0%", "46%"),  # shown as 46%, rounded half away from zero as Excel does
        (0.2735, "0.0%", "27.4%"),
        (408 / 1400, "0.0%", "29.1%"),  # =408/1400: 29.142857… shown as 29.1%
        (408 / 1400, "#,##0.00%", "29.14%"),
        (0.273, "0.00%", "27.30%"),
        (0.273, "0.0#%", "27.3%"),
        (0.2734, "0.0#%", "27.34%"),
        (0.273, "[Red]0.0%", "27.3%"),
        (0.273, "[$-411]0.0%", "27.3%"),
        (-0.05, "0.0%;[Red]-0.0%", "-5.0%"),
        (-0.05, "0.0%;-0.0", None),  # the negative section has no %
        (0, '0.0%;-0.0%;"-"', None),  # zero is shown as -
        (0.273, "General%", "27.3%"),
        # A quoted or escaped % is a literal sign: the number is not scaled.
        (47.1, '0.0"%"', None),
        (47.1, "0.0\\%", None),
        (47.1, "General\\%", None),
        (47.1, '0.0" %"', None),
        (47.1, "0.0_%", None),
        (47.1, "0.0*%", None),
        (47.1, "0.0\\％", None),
        (27, "#,##0", None),
        (True, "0%", None),
        ("27%", "0%", None),
    ],
)
def test_only_a_percent_sign_excel_scales_makes_a_percentage(
    value: object, number_format: str, read: str | None
) -> None:
    assert tables.percentage(value, number_format) == read


def test_a_literal_percent_sign_in_a_cell_is_read_as_the_number(plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = workbook(
        tmp_path / "p.xlsx",
        ("実績値", [["指標ID", "年度", "実績値"], ["I2", "R5", 47.1], ["I1", "R5", 0.291428]]),
    )
    book = openpyxl.load_workbook(path)
    book["実績値"]["C2"].number_format = "0.0\\%"  # 47.1 shown as 47.1%
    book["実績値"]["C3"].number_format = "0.0%"  # 29.1428% shown as 29.1%
    book.save(path)
    found = read_actuals(path, plan, label="p.xlsx")
    assert figures(found) == [("I2", 2023, 47.1), ("I1", 2023, 29.1)]
    book["実績値"]["C2"].value = 0.571  # shown as 0.6% (a literal %): far from 44.5
    book.save(path)
    assert problems(path, plan)[0].startswith(
        "p.xlsx:実績値!C2: value: 0.571 is 10 or more times away from I2's baseline 44.5%"
    )


# --- workbooks --------------------------------------------------------------------------------


def test_a_note_beside_a_row_of_the_table_is_read_past(plan: Plan, tmp_path: Path) -> None:
    rows = [
        [None, "指標ID", "年度", "実績値"],
        [None, "I4", "R5", 17000, None, None, "メモ"],  # G2, as in a CSV Excel saves
        [None, "I6", "R5", 67] + [None] * 21 + ["確認中"],  # Z3
    ]
    path = workbook(tmp_path / "m.xlsx", ("実績値", rows))
    found = read_actuals(path, plan, label="m.xlsx")
    assert figures(found) == [("I4", 2023, 17000), ("I6", 2023, 67)]
    assert "m.xlsx:実績値!G2: text outside the table's columns ignored" in found.guesses
    assert "m.xlsx:実績値!Z3: text outside the table's columns ignored" in found.guesses


def test_workbook_problems_are_in_row_order(plan: Plan, tmp_path: Path) -> None:
    rows = [["指標ID", "年度", "実績値"]] + [["I1", f"R{n}", 27 + n] for n in range(2, 6)]
    rows += [["I9", "R6", 1]] * 9 + [["I8", "R6", 1]]  # rows 6-14, row 15
    rows[1] = ["I7", "R6", "many"]  # row 2
    path = workbook(tmp_path / "o.xlsx", ("実績値", rows))
    places = [p.split(": ")[0] for p in problems(path, plan)]
    assert places[0] == "o.xlsx:実績値!C2"
    assert places[-1] == "o.xlsx:実績値!A15"


def test_the_json_of_a_workbook_gives_its_file_and_row(run: Run, tmp_path: Path) -> None:
    rows = [["表題"], ["指標ID", "年度", "実績値"], ["I1", "R6", 27.3], ["I7", "R6", 150000]]
    path = workbook(tmp_path / "j.xlsx", ("実績値", rows))
    result = run("actuals", "check", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r["file"], r["line"]) for r in json.loads(result.stdout)] == [
        (str(path), 3),
        (str(path), 4),
    ]
    listed = run("actuals", "check", str(path)).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == [f"{path}:実績値!3:3", f"{path}:実績値!4:4"]


def test_a_checked_figure_is_noted_at_its_own_cell(plan: Plan, tmp_path: Path) -> None:
    rows = [["指標ID", "年度", "実績値", "確認"], ["I4", "R6", 170000, "済"]]
    found = read_actuals(workbook(tmp_path / "c.xlsx", ("実績値", rows)), plan, label="c.xlsx")
    assert (
        "c.xlsx:実績値!C2: 170,000 is 10 or more times away from I4's baseline 16,961 (R1); "
        "kept: marked as checked"
    ) in found.guesses


def test_a_cover_sheet_before_the_table_is_read_past(plan: Plan, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "c.xlsx",
        ("表紙", [["令和6年度 指標実績値報告"], [], ["高齢福祉課"]]),
        ("R6", [["指標ID", "年度", "実績値"], ["I4", "R5", 17000]]),
    )
    found = read_actuals(path, plan, label="c.xlsx")
    assert figures(found) == [("I4", 2023, 17000)]
    assert [str(a.row) for a in found.actuals] == ["c.xlsx:R6!2:2"]
    assert "c.xlsx: an .xlsx workbook; read its sheet 'R6' (no header row in '表紙')" in (
        found.guesses
    )


def test_a_workbook_without_a_header_names_the_sheets_read(plan: Plan, tmp_path: Path) -> None:
    one = workbook(tmp_path / "one.xlsx", ("表紙", [["令和6年度 指標実績値報告"]]))
    assert problems(one, plan) == [f"one.xlsx:表紙: {NO_HEADER}"]
    two = workbook(tmp_path / "two.xlsx", ("表紙", [["報告"]]), ("メモ", [["I4", "R5", 1]]))
    assert problems(two, plan) == [
        "two.xlsx: none of its sheets '表紙', 'メモ' has a header row (expected columns such as "
        "指標ID or 指標名, 年度, 実績値; or indicator, year, value)"
    ]


# --- files that are not what they seem --------------------------------------------------------


def test_a_folder_is_not_called_a_plan_file(plan: Plan, tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    assert problems(tmp_path / "bad", plan) == ["bad: is a folder, not an actuals file"]


@pytest.mark.parametrize(
    ("encoding", "name", "iconv"),
    [
        ("utf-16-le", "UTF-16 (little-endian, without a BOM)", "UTF-16LE"),
        ("utf-16-be", "UTF-16 (big-endian, without a BOM)", "UTF-16BE"),
    ],
)
@pytest.mark.parametrize("header", ["indicator,year,value", "指標ID,年度,実績値"])
def test_utf16_without_a_bom_is_named_even_in_ascii(
    plan: Plan, tmp_path: Path, encoding: str, name: str, iconv: str, header: str
) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(f"{header}\r\nI4,R5,17000\r\n".encode(encoding))
    assert problems(path, plan) == [
        f"u.csv: the file looks like {name}, which kouryu does not read; save it as UTF-8 or "
        f"convert it with `iconv -f {iconv} -t UTF-8 u.csv > u-utf8.csv`"
    ]
