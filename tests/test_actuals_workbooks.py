"""Workbooks as offices keep them: formulas, hidden and extra sheets, merged cells, dates."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.indicators.actuals import read_actuals
from tests.test_actuals_from_people import figures, problems

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["指標ID", "年度", "実績値"]


def workbook(path: Path, *sheets: tuple[str, list[list[Any]], str]) -> Path:
    """A workbook of the sheets given: a title, its rows from A1, and its state (visible …)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# --- formulas without a saved result ------------------------------------------------------

UNSAVED = (
    "a formula with no saved result (a program wrote the workbook): open it in Excel (or"
    " LibreOffice) and save it"
)


def test_a_formula_without_a_saved_result_is_an_error_at_its_cell(
    plan: Plan, tmp_path: Path
) -> None:
    # As openpyxl or pandas write it: the formula, and no result until Excel saves the file.
    rows = [HEADER, ["I1", "R6", "=68+1"], ["I2", '="R"&6', 46.8], ["I4", "R6", 17000]]
    path = workbook(tmp_path / "ferr.xlsx", ("実績値", rows, "visible"))
    assert problems(path, plan) == [
        f"ferr.xlsx:実績値!C2: value: {UNSAVED}",
        f"ferr.xlsx:実績値!B3: year: {UNSAVED}",
    ]


def saved_by_excel(path: Path, results: dict[str, str]) -> Path:
    """The workbook with each formula's result written beside it, as Excel saves one."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for cell, result in results.items():
        xml = re.sub(rf'(<c r="{cell}"[^>]*)>(<f>.*?</f>)<v ?/>', rf"\1>\2<v>{result}</v>", xml)
        if result == "":  # a text result: an empty text is a result too
            xml = xml.replace(f'<c r="{cell}"', f'<c r="{cell}" t="str"', 1)
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_formula_with_its_saved_result_is_read_as_the_result(plan: Plan, tmp_path: Path) -> None:
    rows = [[*HEADER, "出典"], ["I1", "R6", "=68+1", '=""'], ["I2", "R6", 46.8, "市調べ"]]
    path = workbook(tmp_path / "f.xlsx", ("実績値", rows, "visible"))
    found = read_actuals(saved_by_excel(path, {"C2": "69", "D2": ""}), plan)
    assert figures(found) == [("I1", 2024, 69), ("I2", 2024, 46.8)]
    assert [a.observation.source for a in found.actuals] == ["", "市調べ"]


def test_a_row_of_formulas_alone_is_not_taken_for_a_blank_row(plan: Plan, tmp_path: Path) -> None:
    rows = [HEADER, ["I1", "R6", 27.3], ["=A2", "=B2", "=C2*1.1"]]
    path = workbook(tmp_path / "copied.xlsx", ("実績値", rows, "visible"))
    assert problems(path, plan) == [
        f"copied.xlsx:実績値!A3: indicator: {UNSAVED}",
        f"copied.xlsx:実績値!B3: year: {UNSAVED}",
        f"copied.xlsx:実績値!C3: value: {UNSAVED}",
    ]


# --- which sheet is read ------------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_never_read(plan: Plan, tmp_path: Path, state: str) -> None:
    path = workbook(
        tmp_path / "h.xlsx",
        ("R5", [HEADER, ["I1", "R5", 26.5]], state),
        ("R6", [HEADER, ["I1", "R6", 27.3], ["I2", "R6", 46.8]], "visible"),
    )
    found = read_actuals(path, plan, label="h.xlsx")
    assert figures(found) == [("I1", 2024, 27.3), ("I2", 2024, 46.8)]
    assert found.guesses[:2] == (
        "h.xlsx: hidden sheets not read: 'R5'",
        "h.xlsx: an .xlsx workbook; read its sheet 'R6'",
    )


def test_a_table_on_a_hidden_sheet_alone_is_said_so(plan: Plan, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "h.xlsx",
        ("表紙", [["令和6年度 指標実績値報告"]], "visible"),
        ("実績値", [HEADER, ["I1", "R6", 27.3]], "hidden"),
    )
    assert problems(path, plan) == [
        "h.xlsx: no visible sheet has a header row (expected columns such as 指標ID or 指標名,"
        " 年度, 実績値; or indicator, year, value); hidden sheets are not read: '実績値'"
    ]


def test_figures_on_two_sheets_are_an_error_naming_both(plan: Plan, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "two.xlsx",
        ("実績値", [HEADER, ["I1", "R6", 27.3]], "visible"),
        ("R5", [HEADER, ["I1", "R5", 26.5]], "visible"),
    )
    assert problems(path, plan) == [
        "two.xlsx: the sheets '実績値', 'R5' each hold figures, and only one sheet is read:"
        " delete or hide the others, or save each sheet as a workbook of its own"
    ]


def test_a_blank_form_beside_the_figures_is_passed_over(plan: Plan, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "b.xlsx",
        ("R7", [HEADER, ["I1", "R7", None], ["I2", "R7", ""]], "visible"),
        ("表紙", [["報告"]], "visible"),
        ("R6", [["令和6年度"], HEADER, ["I1", "R6", 27.3], ["I2", "R6", 46.8]], "visible"),
    )
    found = read_actuals(path, plan, label="b.xlsx")
    assert figures(found) == [("I1", 2024, 27.3), ("I2", 2024, 46.8)]
    assert [str(a.row) for a in found.actuals] == ["b.xlsx:R6!3:3", "b.xlsx:R6!4:4"]
    assert found.guesses[:3] == (
        "b.xlsx: an .xlsx workbook; read its sheet 'R6' (no header row in '表紙')",
        "b.xlsx: sheets with a header row but no figures not read: 'R7'",
        "b.xlsx: row(s) 1 before the header taken as a title, not data",
    )


# --- merged cells -------------------------------------------------------------------------


def test_a_merged_cell_holds_its_value_on_every_row_it_spans(plan: Plan, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "実績値"
    for row in (
        ["指標ID", "指標名", "内訳", "年度", "実績値"],
        ["I3", None, "団体数", "R6", 65],
        [None, None, "人数", "R6", 5500],
        ["I1", "地域とのつながりが強いと思う市民の割合", None, "R6", 27.3],
    ):
        sheet.append(row)
    sheet.merge_cells("A2:A3")  # I3 over both of its rows, as Excel shows it
    sheet.merge_cells("B4:C4")  # a long name over 内訳: its value stays in its first column
    book.save(tmp_path / "m.xlsx")
    found = read_actuals(tmp_path / "m.xlsx", plan, label="m.xlsx")
    assert figures(found) == [("I3 団体数", 2024, 65), ("I3 人数", 2024, 5500), ("I1", 2024, 27.3)]


def test_a_header_two_rows_high_is_not_read_as_a_figure(plan: Plan, tmp_path: Path) -> None:
    """Headings merged down over a second header row (a unit under 実績値): not data."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "実績値"
    for row in (
        ["指標ID", "年度", "実績値", "出典"],
        [None, None, "（単位）", None],
        ["I1", "R6", 30.5, "調査"],
    ):
        sheet.append(row)
    for merged in ("A1:A2", "B1:B2", "D1:D2"):
        sheet.merge_cells(merged)
    book.save(tmp_path / "h2.xlsx")
    found = read_actuals(tmp_path / "h2.xlsx", plan, label="h2.xlsx")
    assert figures(found) == [("I1", 2024, 30.5)]
    assert "h2.xlsx: row 2 taken as the header's second row" in found.guesses


# --- dates in the column of years ---------------------------------------------------------


def dated(path: Path, *rows: tuple[str, Any, str]) -> Path:
    """A workbook whose 年度 cells hold each value given in the number format given."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "実績値"
    sheet.append(HEADER)
    for number, (indicator, year, number_format) in enumerate(rows, 2):
        sheet.append([indicator, year, 27.3 if indicator == "I1" else 46.8])
        sheet.cell(number, 2).number_format = number_format
    book.save(path)
    return path


GANNEN = '[$-ja-JP-x-gannen]ggge"年度"'


@pytest.mark.parametrize(
    ("year", "number_format", "fiscal"),
    [
        (datetime.datetime(2024, 4, 1), "yyyy/m/d", 2024),
        (datetime.datetime(2025, 3, 31), "yyyy/m/d", 2024),  # 年度 runs to 31 March
        (datetime.datetime(2025, 3, 31), "[$-411]ge.m.d", 2024),
        (datetime.datetime(2024, 4, 1), 'yyyy"年度"', 2024),
        (45383, GANNEN, 2024),  # 2024/4/1 shown 令和6年度: a number to openpyxl
        (datetime.datetime(2024, 12, 31), GANNEN, 2024),
    ],
)
def test_a_date_is_read_as_the_fiscal_year_it_falls_in(
    plan: Plan, tmp_path: Path, year: Any, number_format: str, fiscal: int
) -> None:
    found = read_actuals(dated(tmp_path / "d.xlsx", ("I1", year, number_format)), plan)
    assert figures(found) == [("I1", fiscal, 27.3)]
    assert [a.observation.year.label for a in found.actuals] == ["R6"]


def test_a_number_in_the_column_of_years_is_a_year_as_before(plan: Plan, tmp_path: Path) -> None:
    found = read_actuals(dated(tmp_path / "d.xlsx", ("I1", 2024, "General")), plan)
    assert [(a.observation.year.label, a.observation.year.year) for a in found.actuals] == [
        ("2024", 2024)
    ]


def test_the_year_read_from_a_date_is_said_with_v(plan: Plan, tmp_path: Path) -> None:
    path = dated(tmp_path / "d.xlsx", ("I1", datetime.datetime(2025, 3, 31), "yyyy/m/d"))
    found = read_actuals(path, plan, label="d.xlsx")
    assert "d.xlsx:実績値!B2: the date 2025/3/31 read as the fiscal year (年度) R6 (2024)" in (
        found.guesses
    )


def test_a_cell_showing_a_year_its_date_is_not_in_is_refused(plan: Plan, tmp_path: Path) -> None:
    # 2025/2/1 shows 令和7年度, but falls in the fiscal year R6: which one is meant?
    path = dated(
        tmp_path / "d.xlsx",
        ("I1", datetime.datetime(2025, 2, 1), GANNEN),
        ("I2", datetime.datetime(2025, 1, 5), 'yyyy"年度"'),
    )
    assert problems(path, plan) == [
        "d.xlsx:実績値!B2: year: the cell shows the date 2025/2/1 as the year 2025 (R7), but"
        " that date is in the fiscal year 2024 (R6), which starts on 1 April: type the year"
        " meant as text, R7 or R6",
        "d.xlsx:実績値!B3: year: the cell shows the date 2025/1/5 as the year 2025 (R7), but"
        " that date is in the fiscal year 2024 (R6), which starts on 1 April: type the year"
        " meant as text, R7 or R6",
    ]


def test_a_date_as_a_value_is_quoted_as_shown(plan: Plan, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["I4", "R6", datetime.datetime(2024, 4, 1)])
    book.save(tmp_path / "v.xlsx")
    (problem,) = problems(tmp_path / "v.xlsx", plan)
    assert problem.startswith("v.xlsx:Sheet!C2: value: ")
    assert "'2024/4/1'" in problem
