"""A whole progress round: write the forms, fill them as departments do, collect, fix, view."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.progress import forms
from tests.conftest import Run

openpyxl = pytest.importorskip("openpyxl")

# Column letters of the answer sheet, by key.
COL = {c.key: chr(ord("A") + i) for i, c in enumerate(forms.COLUMNS)}
GOOD = {"status": "実施", "rating": "A", "activities": "教室を開いた", "direction": "継続"}


def row_of(sheet: Any, measure_id: str) -> int:
    for row in range(forms.HEADER_ROW + 1, sheet.max_row + 1):
        if sheet[f"A{row}"].value == measure_id:
            return row
    raise AssertionError(f"{measure_id} is not on the form")


def fill(
    path: Path,
    answers: dict[str, dict[str, str]],
    *,
    person: str = "担当 一郎",
    date: Any = "2025/5/12",
    edits: dict[str, str] | None = None,
    delete: str | None = None,
    save_as: Path | None = None,
) -> Path:
    """Fill a workbook as a department would: answers by id, a few stray edits."""
    book = openpyxl.load_workbook(path)
    sheet = book[forms.MAIN_SHEET]
    sheet[forms.PERSON_CELL] = person
    sheet[forms.DATE_CELL] = date
    for measure_id, values in answers.items():
        row = row_of(sheet, measure_id)
        for key, value in values.items():
            sheet[f"{COL[key]}{row}"] = value
    for cell, value in (edits or {}).items():
        sheet[cell] = value
    if delete is not None:
        sheet.delete_rows(row_of(sheet, delete))
    target = save_as or path
    book.save(target)
    return target


def fill_csv(
    path: Path, answers: dict[str, dict[str, str]], encoding: str, ids: dict[str, str]
) -> Path:
    """Fill a CSV form and save it the way Excel does (another encoding, ids turned into dates)."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    keys = [c.key for c in forms.COLUMNS]
    rows[1][1] = "文化 次郎"
    rows[1][4] = "2025/5/13"
    for row in rows[forms.HEADER_ROW :]:
        for key, value in answers.get(row[0], {}).items():
            row[keys.index(key)] = value
        row[0] = ids.get(row[0], row[0])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def returned(out: Path, back: Path, department: str, answers: dict[str, dict[str, str]]) -> Path:
    """A department's R6 form, filled and saved under the department's name."""
    return fill(
        out / f"R6_取組状況_{department}.xlsx", answers, save_as=back / f"{department}.xlsx"
    )


def culture_csv_form(run: Run, folder: Path) -> Path:
    """文化スポーツ推進課's R6 form as CSV, fresh."""
    result = run(
        "progress", "form", "-y", "R6", "-d", "文化スポーツ", "-f", "csv", "-o", str(folder)
    )
    assert result.exit_code == 0, result.stderr
    return folder / "R6_取組状況_文化スポーツ推進課.csv"


@pytest.fixture
def round_dir(run: Run, tmp_path: Path) -> Path:
    result = run("progress", "form", "--year", "R6", "-o", str(tmp_path / "forms"))
    assert result.exit_code == 0, result.stderr
    return tmp_path


def test_forms_are_written_per_department(plan: Plan, round_dir: Path) -> None:
    written = sorted(p.name for p in (round_dir / "forms").iterdir())
    departments = [d.name for d in plan.departments]
    assert written == sorted(f"R6_取組状況_{d}.xlsx" for d in departments)
    # A measure of two departments is on both forms.
    for name in ("社会福祉課", "市民窓口課"):
        sheet = openpyxl.load_workbook(round_dir / "forms" / f"R6_取組状況_{name}.xlsx")["取組状況"]
        assert sheet["A5"].value == "3-1-14"
        assert sheet["D5"].value == "民生委員・児童委員活動支援事業"


def test_workbook_is_protected_validated_and_recorded(plan: Plan, round_dir: Path) -> None:
    book = openpyxl.load_workbook(round_dir / "forms" / "R6_取組状況_高齢福祉課.xlsx")
    assert book.sheetnames == ["取組状況", "記入方法", "kouryu"]
    sheet = book["取組状況"]
    measures = [m.id for m in plan.measures if "高齢福祉課" in m.departments]
    first, last = 5, 4 + len(measures)
    assert [sheet[f"A{r}"].value for r in range(first, last + 1)] == measures
    assert [sheet.cell(4, i + 1).value for i in range(len(forms.COLUMNS))] == [
        "ID", "施策", "取組", "事業名", "事業の概要", "実施状況", "評価", "取組内容・実績",
        "活動実績（数値）", "課題", "今後の方向性", "今後の取組",
    ]  # fmt: skip
    # Dropdowns on exactly the answer rows of the three scales, from the hidden lists.
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {f"F{first}:F{last}", f"G{first}:G{last}", f"K{first}:K{last}"}
    assert validations[f"G{first}:G{last}"].formula1 == "kouryu!$E$1:$E$4"
    assert all(v.type == "list" and v.showErrorMessage for v in validations.values())
    meta = book["kouryu"]
    assert [meta[f"E{r}"].value for r in range(1, 5)] == ["A", "B", "C", "D"]
    assert [meta[f"D{r}"].value for r in range(1, 6)] == [
        "実施", "一部実施", "未実施", "休止", "終了・廃止",
    ]  # fmt: skip
    # Protection: the sheet is protected, the measure columns locked, the answer cells not.
    assert sheet.protection.sheet
    for row in (first, last):
        for key in forms.FIXED_KEYS:
            assert sheet[f"{COL[key]}{row}"].protection.locked, (key, row)
        for key in forms.INPUT_KEYS:
            cell = sheet[f"{COL[key]}{row}"]
            assert not cell.protection.locked, (key, row)
            assert cell.alignment.wrap_text
    assert not sheet[forms.PERSON_CELL].protection.locked
    assert not sheet[forms.DATE_CELL].protection.locked
    assert sheet["A1"].protection.locked
    # The record that recognises the form later.
    record = {meta[f"A{r}"].value: meta[f"B{r}"].value for r in range(1, 9)}
    assert record["year"] == "R6"
    assert record["western_year"] == "2024"
    assert record["department"] == "高齢福祉課"
    assert record["measures"] == " ".join(measures)
    assert len(record["plan_digest"]) == 16
    assert meta.sheet_state == "veryHidden"
    # Printing: A4 landscape, one page wide, the title rows on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$1:$4"
    assert sheet.freeze_panes == "E5"  # ID to 事業名 stay in view
    # The instruction sheet defines every value.
    helptext = "\n".join(
        str(c.value) for row in book["記入方法"].iter_rows() for c in row if c.value
    )
    for term in (
        "計画どおり実施し成果があった",
        "概ね計画どおり実施した",
        "改善して継続",
        "記入例",
    ):
        assert term in helptext


def test_form_text_is_never_a_formula(run: Run, tmp_path: Path, write: Any) -> None:
    from kouryu_cli.planfile import default_path

    text = (
        default_path()
        .read_text(encoding="utf-8")
        .replace("name: 認知症カフェ事業", 'name: "=HYPERLINK(\\"http://x\\")"', 1)
    )
    plan_path = write("plan.yaml", text)
    result = run("--data", str(plan_path), "progress", "form", "-y", "R6", "-d", "高齢福祉課",
                 "-o", str(tmp_path / "f"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "f" / "R6_取組状況_高齢福祉課.xlsx")["取組状況"]
    cell = sheet[f"D{row_of(sheet, '2-1-21')}"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    result = run("--data", str(plan_path), "progress", "form", "-y", "R6", "-d", "高齢福祉課",
                 "-f", "csv", "-o", str(tmp_path / "c"))  # fmt: skip
    assert "'=HYPERLINK" in (tmp_path / "c" / "R6_取組状況_高齢福祉課.csv").read_text("utf-8-sig")


def test_existing_forms_are_never_replaced_silently(run: Run, round_dir: Path) -> None:
    target = round_dir / "forms" / "R6_取組状況_高齢福祉課.xlsx"
    target.write_bytes(b"a department's filled form")
    result = run("progress", "form", "--year", "R6", "-o", str(round_dir / "forms"))
    assert result.exit_code == 2
    assert "12 form(s) already exist; nothing was written" in result.stderr
    assert target.read_bytes() == b"a department's filled form"
    result = run(
        "progress", "form", "-y", "R6", "-d", "高齢", "-o", str(round_dir / "forms"), "--force"
    )
    assert result.exit_code == 0
    assert target.read_bytes().startswith(b"PK")


def _mistakes(run: Run, root: Path) -> list[Path]:
    """Returned forms with every mistake the round must catch."""
    out = root / "forms"
    back = root / "returned"
    back.mkdir()
    # 高齢福祉課: a rating that does not exist, an edited 事業名, a deleted row, a missing
    # 取組内容・実績, full-width and bare values, and one measure left unanswered.
    elderly = fill(
        out / "R6_取組状況_高齢福祉課.xlsx",
        {
            "1-2-08": {**GOOD, "rating": "E"},
            "1-2-09": {**GOOD, "rating": "Ａ", "direction": "改善して継続", "figures": "教室 12回"},
            "2-1-20": {**GOOD, "activities": ""},
            "2-1-22": {**GOOD, "status": "未実施", "rating": "D", "activities": ""},
            "3-1-12": GOOD,
            "3-1-13": {**GOOD, "figures": "参加者 たくさん"},
        },
        edits={"D9": "高齢者団体の活性化事業"},
        delete="2-1-21",
        save_as=back / "高齢福祉課（回答）.xlsx",
    )
    # 健康増進課 answers on last year's form.
    assert (
        run("progress", "form", "-y", "R5", "-d", "健康増進課", "-o", str(root / "old")).exit_code
        == 0
    )
    health = fill(
        root / "old" / "R5_取組状況_健康増進課.xlsx",
        {"3-1-07": GOOD, "3-1-11": GOOD},
        save_as=back / "健康増進課.xlsx",
    )
    # The shared measure answered by both departments, differently.
    welfare = returned(out, back, "社会福祉課", {"3-1-14": GOOD})
    counter = fill(
        out / "R6_取組状況_市民窓口課.xlsx",
        {"3-1-14": {**GOOD, "rating": "B"}},
        save_as=back / "市民窓口課.xlsx",
    )
    # 子育て支援課 fills in 学校教育課's form, which 学校教育課 returns as well.
    school = returned(out, back, "学校教育課", {"1-2-06": GOOD})
    wrong = fill(
        out / "R6_取組状況_学校教育課.xlsx",
        {"1-2-06": {**GOOD, "status": "一部実施", "rating": "C"}},
        save_as=back / "子育て支援課.xlsx",
    )
    # 文化スポーツ推進課 returns the CSV form saved by Excel in cp932, an id turned into a date.
    culture = fill_csv(
        culture_csv_form(run, root / "csv"),
        {"2-1-02": {**GOOD, "rating": "Ｂ"}, "2-1-03": {**GOOD, "status": "休止", "rating": "Z"}},
        "cp932",
        {"2-1-02": "2002/1/2"},
    )
    return [elderly, health, welfare, counter, school, wrong, culture]


def test_collect_reports_every_mistake_and_writes_nothing(run: Run, round_dir: Path) -> None:
    files = _mistakes(run, round_dir)
    into = round_dir / "progress" / "R6.yaml"
    into.parent.mkdir()
    result = run("progress", "collect", *map(str, files), "--into", str(into))
    assert result.exit_code == 3, result.stderr
    e, h, w, c, s, x, k = (str(f) for f in files)
    sheet = "取組状況"
    csv_sheet = "R6_取組状況_文化スポーツ推進課"
    assert result.stderr.splitlines() == [
        f"kouryu: {e}:{sheet}!D8: warning: 事業名 was changed to '高齢者団体の活性化事業'; "
        "the plan's '高齢者団体の活性化' is kept",
        f"kouryu: {x}:{sheet}: warning: a second form of 学校教育課 (the first is {s})",
        f"kouryu: {k}:{csv_sheet}!A5: warning: ID '2002/1/2' read as 2-1-02 by its 事業名 "
        "(Excel may have turned the id into a date)",
        f"kouryu: {e}:{sheet}!G5: unknown 評価 'E' (expected A / B / C / D)",
        f"{e}:{sheet}!H7: 2-1-20: 取組内容・実績 is required when 実施状況 is 実施",
        f"{e}:{sheet}!I11: '参加者 たくさん' is not a figure: write a name, a number and a unit, "
        "one a line (開催回数 12回)",
        f"{e}:{sheet}!A4: the row of 2-1-21 (認知症カフェ事業) was deleted; rows cannot be "
        "deleted (leave the input cells empty instead)",
        f"{h}:{sheet}!A1: this form is for R5 (2023年度), but R6 (2024年度) is being collected",
        # The cell of the value that differs, in both files, each with its value.
        f"{c}:{sheet}!G5: 3-1-14 is answered differently: "
        f"評価 {w}:{sheet}!G5 'A' ≠ {c}:{sheet}!G5 'B'",
        f"{x}:{sheet}!F5: 1-2-06 is answered differently: "
        f"実施状況 {s}:{sheet}!F5 '実施' ≠ {x}:{sheet}!F5 '一部実施'; "
        f"評価 {s}:{sheet}!G5 'A' ≠ {x}:{sheet}!G5 'C'",
        f"{k}:{csv_sheet}!G6: unknown 評価 'Z' (expected A / B / C / D)",
    ]
    assert not into.exists()


def _fixed(run: Run, root: Path) -> list[Path]:
    """The same round after the office sent the mistakes back."""
    out = root / "forms"
    back = root / "fixed"
    back.mkdir()
    elderly = fill(
        out / "R6_取組状況_高齢福祉課.xlsx",
        {
            "1-2-08": {**GOOD, "rating": "B", "issues": "参加者が固定化"},
            "1-2-09": {
                **GOOD,
                "rating": "Ａ",
                "direction": "改善して継続",
                "figures": "教室 12回\n参加者数 1,234人",
            },
            "2-1-20": GOOD,
            "2-1-22": {**GOOD, "status": "未実施", "rating": "D", "activities": ""},
            "3-1-12": GOOD,
            "3-1-13": GOOD,
        },
        edits={"D9": "高齢者団体の活性化事業"},
        save_as=back / "高齢福祉課.xlsx",
    )
    health = fill(
        out / "R6_取組状況_健康増進課.xlsx",
        {"3-1-07": GOOD, "3-1-11": GOOD},
        save_as=back / "健康増進課.xlsx",
    )
    welfare = returned(out, back, "社会福祉課", {"3-1-14": GOOD})
    counter = returned(out, back, "市民窓口課", {"3-1-14": GOOD})
    school = returned(out, back, "学校教育課", {"1-2-06": GOOD})
    culture = fill_csv(
        culture_csv_form(run, root / "csv2"),
        {
            "2-1-02": {**GOOD, "rating": "Ｂ"},
            "2-1-03": {**GOOD, "status": "休止", "rating": "D", "activities": ""},
        },
        "cp932",
        {},
    )
    return [elderly, health, welfare, counter, school, culture]


def test_round_fixed_collects_and_shows(run: Run, round_dir: Path) -> None:
    files = _fixed(run, round_dir)
    into = round_dir / "R6.yaml"
    result = run("progress", "collect", *map(str, files), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "高齢福祉課\t6 added (1-2-08 1-2-09 2-1-20 2-1-22 3-1-12 3-1-13), 0 changed, 0 unchanged",
        "健康増進課\t2 added (3-1-07 3-1-11), 0 changed, 0 unchanged",
        "社会福祉課\t1 added (3-1-14), 0 changed, 0 unchanged",
        "市民窓口課\t1 added (3-1-14), 0 changed, 0 unchanged",
        "学校教育課\t1 added (1-2-06), 0 changed, 0 unchanged",
        "文化スポーツ推進課\t2 added (2-1-02 2-1-03), 0 changed, 0 unchanged",
    ]
    assert "warning: 事業名 was changed" in result.stderr
    assert run("progress", "check", str(into)).exit_code == 0

    status = run("progress", "status", str(into), "-f", "json")
    records = {r["id"]: r for r in json.loads(status.stdout)}
    assert len(records) == 12
    assert records["1-2-09"]["rating"] == "A"
    assert records["1-2-09"]["figures"] == [
        {"name": "教室", "value": 12, "unit": "回"},
        {"name": "参加者数", "value": 1234, "unit": "人"},
    ]
    assert records["1-2-09"]["answered_by"] == "担当 一郎"
    assert records["1-2-09"]["answered_on"] == "2025-05-12"
    assert records["3-1-14"]["answering_departments"] == ["社会福祉課", "市民窓口課"]
    assert records["2-1-02"]["answered_by"] == "文化 次郎"
    # 事業名 edited on the form: the plan's name is kept.
    assert records["2-1-22"]["name"] == "高齢者団体の活性化"

    counts = json.loads(run("progress", "status", str(into), "--by", "dept", "-f", "json").stdout)
    elderly = next(r for r in counts if r["key"] == "高齢福祉課")
    assert elderly == {
        "by": "dept",
        "key": "高齢福祉課",
        "total": 8,
        "answered": 6,
        "unanswered": 2,
        "status": {"実施": 5, "一部実施": 0, "未実施": 1, "休止": 0, "終了・廃止": 0},
        "rating": {"A": 4, "B": 1, "C": 0, "D": 1},
    }
    assert counts[-1]["by"] == "total"
    gaps = json.loads(run("progress", "status", str(into), "--missing", "-f", "json").stdout)
    assert {"department": "高齢福祉課", "id": "2-1-21", "name": "認知症カフェ事業"} in gaps

    # Collecting again: nothing new, nothing written.
    before = into.read_bytes()
    again = run("progress", "collect", *map(str, files), "--into", str(into))
    assert again.exit_code == 0
    assert "高齢福祉課\t0 added, 0 changed, 6 unchanged" in again.stdout
    assert into.read_bytes() == before

    # A changed answer is a conflict until --replace.
    fill(files[0], {"3-1-13": {**GOOD, "rating": "C", "issues": "人手不足"}})
    conflict = run("progress", "collect", str(files[0]), "--into", str(into))
    assert conflict.exit_code == 3
    assert conflict.stderr.splitlines()[-2:] == [
        f"kouryu: {files[0]}:取組状況!G12: 3-1-13: 評価 is 'C' here but 'A' in {into} "
        "(--replace takes the form's answer)",
        f"{files[0]}:取組状況!J12: 3-1-13: 課題 is '人手不足' here but '' in {into} "
        "(--replace takes the form's answer)",
    ]
    assert into.read_bytes() == before
    replaced = run("progress", "collect", str(files[0]), "--into", str(into), "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "高齢福祉課\t0 added, 1 changed (3-1-13), 5 unchanged" in replaced.stdout
    assert "rating: C" in into.read_text(encoding="utf-8")

    # The next year's forms start from these answers.
    result = run(
        "progress",
        "form",
        "-y",
        "R7",
        "-d",
        "高齢福祉課",
        "--from",
        str(into),
        "-o",
        str(round_dir / "r7"),
    )
    assert result.exit_code == 0
    sheet = openpyxl.load_workbook(round_dir / "r7" / "R7_取組状況_高齢福祉課.xlsx")["取組状況"]
    row = row_of(sheet, "1-2-09")
    assert sheet[f"I{row}"].value == "教室 12回\n参加者数 1,234人"
    assert sheet[f"K{row}"].value == "改善して継続"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "cp932", "utf-16"],
)
def test_csv_forms_in_every_encoding_excel_saves(run: Run, tmp_path: Path, encoding: str) -> None:
    assert (
        run(
            "progress", "form", "-y", "R6", "-d", "健康増進課", "-f", "csv", "-o", str(tmp_path)
        ).exit_code
        == 0
    )
    path = tmp_path / "R6_取組状況_健康増進課.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows[4][5:8] = ["一部実施", "c", "半分だけ実施"]
    rows[4][10] = "縮小"
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode テキスト" is tab-separated
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(path), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert "rating: C" in into.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xd0\xcf\x11\xe0rest", "an old .xls workbook or a password-protected one"),
        (b"PK\x03\x04broken", "not a readable .xlsx workbook"),
        (b"ID,\x81\x20\x82\n", "1:4: the file is not UTF-8 text (byte 0x81), nor UTF-16 or"),
        ("ID,取組内容・実績,今後の取組\n1-1-01,x,y\n".encode(), "is missing from the headings"),
    ],
)
def test_unreadable_forms(run: Run, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "form.csv"
    path.write_bytes(content)
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 3
    assert message in result.stderr
    assert not (tmp_path / "R6.yaml").exists()


def test_a_form_without_an_input_column_names_the_column(run: Run, tmp_path: Path) -> None:
    path = culture_csv_form(run, tmp_path / "forms")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    dropped = forms.HEADER_ROW - 1
    column = rows[dropped].index("評価")
    rows = [r[:column] + r[column + 1 :] if n >= dropped else r for n, r in enumerate(rows)]
    rows[forms.HEADER_ROW][rows[dropped].index("実施状況")] = "実施"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 3, result.stderr
    assert f"{path}:{path.stem}!A4: the column '評価' is missing from the headings" in result.stderr
    assert "internal error" not in result.stderr


def test_a_copied_sheet_is_not_a_form(run: Run, round_dir: Path) -> None:
    book = openpyxl.load_workbook(round_dir / "forms" / "R6_取組状況_高齢福祉課.xlsx")
    del book["kouryu"]
    path = round_dir / "copy.xlsx"
    book.save(path)
    result = run("progress", "collect", str(path), "--into", str(round_dir / "R6.yaml"))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {path}:取組状況: not a progress form written by kouryu: its record of the year "
        "and department is missing (was the sheet copied into another workbook?)\n"
    )


def test_added_rows_and_foreign_measures(run: Run, round_dir: Path) -> None:
    path = fill(
        round_dir / "forms" / "R6_取組状況_健康増進課.xlsx",
        {"3-1-07": GOOD},
        edits={"A7": "1-1-01", "F7": "実施", "A8": "", "F8": "実施", "A9": "9-9-99", "G9": "A"},
    )
    result = run("progress", "collect", str(path), "--into", str(round_dir / "R6.yaml"))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"kouryu: {path}:取組状況!A7: 1-1-01 (社会教育推進事業) belongs to 社会教育課, "
        "not to 健康増進課",
        f"{path}:取組状況!F8: a row without ID: rows cannot be added to a form",  # its text
        f"{path}:取組状況!A9: '9-9-99' is not a measure of the plan: "
        "rows cannot be added to a form",
    ]


def test_collect_year_comes_from_the_file_or_its_name(run: Run, tmp_path: Path) -> None:
    result = run("progress", "collect", "nothing.xlsx", "--into", str(tmp_path / "progress.yaml"))
    assert result.exit_code == 2
    assert "give --year" in result.stderr
    result = run(
        "progress", "collect", str(tmp_path / "R6.yaml"), "--into", str(tmp_path / "R6.yaml")
    )
    assert result.exit_code == 2
    assert "is given both as a form and as --into, the progress file" in result.stderr


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_form(run: Run, tmp_path: Path) -> None:
    assert (
        run(
            "progress",
            "form",
            "-y",
            "R6",
            "-d",
            "高齢福祉課",
            "-d",
            "市民窓口課",
            "-o",
            str(tmp_path),
        ).exit_code
        == 0
    )
    profile = tmp_path / "profile"
    for kind in ("pdf", "csv"):
        done = subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                # UTF-8 CSV (76), comma-separated (44), quoted with " (34)
                "csv:Text - txt - csv (StarCalc):44,34,76" if kind == "csv" else kind,
                "--outdir",
                str(tmp_path / kind),
                *map(str, sorted(tmp_path.glob("*.xlsx"))),
            ],
            capture_output=True,
            timeout=180,
            check=False,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert [p.stem for p in pdfs] == ["R6_取組状況_市民窓口課", "R6_取組状況_高齢福祉課"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    # LibreOffice's CSV of the answer sheet holds the measures the form lists.
    text = (tmp_path / "csv" / "R6_取組状況_高齢福祉課.csv").read_text(
        encoding="utf-8", errors="replace"
    )
    assert "2-1-21" in text
    assert "認知症カフェ事業" in text


_OWN_SCALE = """
vocabularies:
  rating:
    - value: S
      definition: 計画を上回った
    - value: A
      definition: 計画どおり
"""


def test_forms_follow_the_plans_own_scale_and_edition(run: Run, tmp_path: Path, write: Any) -> None:
    from kouryu_cli.planfile import default_path

    shipped = default_path().read_text(encoding="utf-8")
    own = write("own.yaml", shipped + _OWN_SCALE)
    args = ("--data", str(own), "progress")
    assert (
        run(*args, "form", "-y", "R6", "-d", "健康増進課", "-o", str(tmp_path / "f")).exit_code == 0
    )
    form = tmp_path / "f" / "R6_取組状況_健康増進課.xlsx"
    book = openpyxl.load_workbook(form)
    assert [book["kouryu"][f"E{r}"].value for r in (1, 2, 3)] == ["S", "A", None]
    ratings = [v for v in book["取組状況"].data_validations.dataValidation if "G" in str(v.sqref)]
    assert ratings[0].formula1 == "kouryu!$E$1:$E$2"
    fill(form, {"3-1-07": {**GOOD, "rating": "Ｓ"}, "3-1-11": {**GOOD, "rating": "B"}})
    into = tmp_path / "R6.yaml"
    result = run(*args, "collect", str(form), "--into", str(into))
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        f"kouryu: {form}:取組状況!G6: unknown 評価 'B' (expected S / A)"
    )
    fill(form, {"3-1-11": GOOD})
    # Collected against a later edition of the plan: the form is still read, with warnings.
    renamed = write(
        "renamed.yaml",
        shipped.replace("name: 健康増進計画推進事業", "name: 健康づくり計画推進事業") + _OWN_SCALE,
    )
    result = run("--data", str(renamed), "progress", "collect", str(form), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"kouryu: {form}:取組状況: warning: written from another edition of the plan: its "
        "measures are checked against the current plan",
        f"kouryu: {form}:取組状況!D6: warning: 事業名 was changed to '健康増進計画推進事業'; "
        "the plan's '健康づくり計画推進事業' is kept",
    ]
    assert "rating: S" in into.read_text(encoding="utf-8")


def test_person_and_date_cells(run: Run, round_dir: Path) -> None:
    form = round_dir / "forms" / "R6_取組状況_健康増進課.xlsx"
    fill(form, {"3-1-07": GOOD}, date="5月12日")
    into = round_dir / "R6.yaml"
    result = run("progress", "collect", str(form), "--into", str(into))
    assert (result.exit_code, result.stderr) == (
        3,
        f"kouryu: {form}:取組状況!E2: not a date: '5月12日' (write 2025-05-12 or 2025/5/12)\n",
    )
    import datetime

    fill(form, {"3-1-07": GOOD}, date=datetime.datetime(2025, 5, 12))  # a real Excel date
    assert run("progress", "collect", str(form), "--into", str(into)).exit_code == 0
    text = into.read_text(encoding="utf-8")
    assert "answered_on: '2025-05-12'" in text
    assert "answered_by: 担当 一郎" in text
    # The first round in a year's folder: progress/ is made (not with --dry-run).
    fresh = round_dir / "評価_R6" / "progress" / "R6.yaml"
    tried = run("progress", "collect", str(form), "--into", str(fresh), "--dry-run")
    assert tried.exit_code == 0, tried.stderr
    assert not fresh.parent.exists()
    result = run("progress", "collect", str(form), "--into", str(fresh))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"made the folder {fresh.parent}\n")
    assert fresh.is_file()
    under_a_file = run("progress", "collect", str(form), "--into", str(into / "R6.yaml"))
    assert (under_a_file.exit_code, under_a_file.stderr) == (
        2,
        f"kouryu: --into: {into} is not a folder\n",
    )


def test_dry_run_checks_and_writes_nothing(run: Run, round_dir: Path) -> None:
    form = returned(round_dir / "forms", round_dir, "健康増進課", {"3-1-07": GOOD})
    into = round_dir / "R6.yaml"
    result = run("progress", "collect", str(form), "--into", str(into), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "健康増進課\t1 added (3-1-07), 0 changed, 0 unchanged\n"
    assert f"--dry-run: {into} was not written" in result.stderr
    assert not into.exists()
