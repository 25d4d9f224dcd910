"""Collect with forms as people really return them: saved as CSV, noted beside, lock files.

Each test is one way a department or a shared folder hands kouryu something the form did
not plan for; each checks that nothing written is lost or taken for what it is not.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from kouryu_cli.files import writing
from kouryu_cli.progress import forms
from tests.conftest import Run
from tests.test_progress_returns import R5, answers_in, excel_csv, form
from tests.test_progress_round import GOOD, fill, row_of

openpyxl = pytest.importorskip("openpyxl")


# ------------------------------------------------------------------ a pre-filled form as CSV


def test_a_prefilled_form_saved_as_csv_unconfirmed_is_refused(run: Run, tmp_path: Path) -> None:
    """The CSV loses the record of what was pre-filled: last year's answers cannot pass."""
    sent = form(run, tmp_path / "forms", "高齢福祉課", "--from", R5)
    saved = excel_csv(sent, tmp_path / "高齢福祉課.csv")
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(saved), "--into", str(into))
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[1:] == [
        f"kouryu: {saved}:高齢福祉課!A3: pre-filled with R5's answers and saved as CSV, which "
        "loses the record kouryu checks them against; with neither 記入者 (B2) nor 回答日 (E2) "
        "filled in, they may be last year's answers sent back unread: fill in 記入者 or 回答日 "
        "to confirm them, or send the .xlsx form itself"
    ]
    assert result.stdout == ""
    assert not into.exists()


def test_a_prefilled_form_saved_as_csv_and_confirmed_is_an_answer(run: Run, tmp_path: Path) -> None:
    sent = form(run, tmp_path / "forms", "高齢福祉課", "--from", R5)
    confirmed = fill(sent, {}, person="", date="2025/5/20", save_as=tmp_path / "back.xlsx")
    saved = excel_csv(confirmed, tmp_path / "高齢福祉課.csv")
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(saved), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert len(answers_in(into)) == 8


# ------------------------------------------------------------------ the write fails


def test_nothing_is_reported_done_when_the_file_cannot_be_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = form(run, tmp_path / "forms", "健康増進課")
    first = fill(sent, {"3-1-07": GOOD}, save_as=tmp_path / "first.xlsx")
    into = tmp_path / "R6.yaml"
    assert run("progress", "collect", str(first), "--into", str(into)).exit_code == 0
    before = into.read_bytes()
    again = fill(first, {"3-1-11": GOOD}, save_as=tmp_path / "again.xlsx")

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.os, "fsync", disk_full)
    result = run("progress", "collect", str(again), "--into", str(into))
    assert result.exit_code == 74
    assert result.stdout == ""
    assert result.stderr == f"kouryu: cannot write output: {into}: No space left on device\n"
    assert into.read_bytes() == before


# ------------------------------------------------------------------ text beside the answers


def test_text_outside_the_answer_columns_is_pointed_out(run: Run, tmp_path: Path) -> None:
    path = fill(
        form(run, tmp_path, "高齢福祉課"),
        {"1-2-08": GOOD},
        edits={
            "M5": "※この事業は来年度から健康増進課に移管予定",
            "G2": "連絡先 内線1234",
            "M4": "備考",
            "XFD1048576": "メモ",
        },
    )
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"kouryu: {path}:取組状況!G2: warning: text in 4 cells outside the form's cells "
        "(G2, M4, M5, XFD1048576); it is not read: answers belong in the columns 実施状況 to "
        "今後の取組 of each measure's row"
    )
    assert set(answers_in(tmp_path / "R6.yaml")) == {"1-2-08"}


def test_a_csv_form_as_written_has_no_text_outside(run: Run, tmp_path: Path) -> None:
    made = run("progress", "form", "-y", "R6", "-d", "健康増進課", "-f", "csv", "-o", str(tmp_path))
    assert made.exit_code == 0, made.stderr
    path = tmp_path / "R6_取組状況_健康増進課.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    rows[1][1] = "担当 一郎"
    answer = rows[forms.HEADER_ROW]
    for key, value in GOOD.items():
        answer[[c.key for c in forms.COLUMNS].index(key)] = value
    answer.append("内線1234")  # beside the row, as Excel would keep it
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"kouryu: {path}:R6_取組状況_健康増進課!M5: warning: text in 1 cell outside the form's "
        "cells (M5); it is not read: answers belong in the columns 実施状況 to 今後の取組 of "
        "each measure's row"
    ]


# ------------------------------------------------------------------ what else a folder holds


def test_owner_and_system_files_are_skipped_and_said(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    back = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD})
    shutil.copy(back, folder / "健康増進課.xlsx")
    # Excel's owner file: the user's name, padded; Thumbs.db is an OLE2 file, as an .xls is.
    (folder / "~$健康増進課.xlsx").write_bytes(b"\x04tanaka" + b"\x20" * 47 + b"\x00" * 111)
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\r\n", encoding="utf-8")
    (folder / "Thumbs.db").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + b"\x00" * 100)
    files = sorted(str(p) for p in folder.iterdir())
    result = run("progress", "collect", *files, "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:4] == [
        f"kouryu: {folder / '.DS_Store'}: skipped: a file of macOS's folder settings",
        f"kouryu: {folder / 'Thumbs.db'}: skipped: Windows' cache of thumbnails",
        f"kouryu: {folder / 'desktop.ini'}: skipped: a file of Windows' folder settings",
        f"kouryu: {folder / '~$健康増進課.xlsx'}: skipped: Excel's owner file, there while "
        "健康増進課.xlsx is open in Excel (changes not yet saved in it are not collected)",
    ]
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07"}


@pytest.mark.parametrize("given", ["folder", "pattern"])
def test_a_folder_or_a_pattern_names_the_forms(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """Windows' cmd and PowerShell pass 回収_R6/*.xlsx as typed: kouryu expands it, or takes
    the folder itself."""
    folder = tmp_path / "回収_R6"
    folder.mkdir()
    for department, answer in (("健康増進課", "3-1-07"), ("社会福祉課", "3-1-14")):
        back = fill(form(run, tmp_path / "forms", department), {answer: GOOD})
        shutil.copy(back, folder / f"{department}.xlsx")
    (folder / "メモ.txt").write_text("not a form\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    named = "回収_R6" if given == "folder" else "回収_R6/*.xlsx"
    result = run("progress", "collect", named, "--into", "R6.yaml")
    if given == "folder":  # every file of the folder: the note is not a form
        assert result.exit_code == 3
        assert "メモ.txt" in result.stderr
        (folder / "メモ.txt").unlink()
        result = run("progress", "collect", named, "--into", "R6.yaml")
    assert result.exit_code == 0, result.stderr
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07", "3-1-14"}
    missing = run("progress", "collect", "返送/*.xlsx", "--into", "R6.yaml")
    assert (missing.exit_code, missing.stderr) == (2, "kouryu: 返送/*.xlsx: no file matches\n")


@pytest.mark.parametrize("named", ["回収_R6", "回収_R6/*"])
def test_forms_in_a_departments_own_folder_are_collected(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    """A shared drive with one folder a department: the folder given, or a pattern left as
    Windows' cmd passes it, collects the forms inside."""
    for department, answer in (("健康増進課", "3-1-07"), ("社会福祉課", "3-1-14")):
        own = tmp_path / "回収_R6" / department
        own.mkdir(parents=True)
        back = fill(form(run, tmp_path / "forms", department), {answer: GOOD})
        shutil.copy(back, own / f"{department}.xlsx")
    monkeypatch.chdir(tmp_path)
    result = run("progress", "collect", named, "--into", "R6.yaml")
    assert result.exit_code == 0, result.stderr
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07", "3-1-14"}


def test_a_linked_folder_is_followed_and_a_loop_of_links_is_named(run: Run, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "社会福祉課"
    shared.mkdir(parents=True)
    shutil.copy(fill(form(run, tmp_path / "forms", "社会福祉課"), {"3-1-14": GOOD}), shared)
    folder = tmp_path / "回収"
    folder.mkdir()
    shutil.copy(fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD}), folder)
    (folder / "社会福祉課").symlink_to(shared)
    (folder / "back").symlink_to(folder)  # a link back up: walked once
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(folder), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert set(answers_in(into)) == {"3-1-07", "3-1-14"}
    (folder / "also.xlsx").symlink_to(next(folder.glob("*.xlsx")))  # a link beside its target
    twice = run("progress", "collect", str(folder), "--into", str(into))
    assert twice.exit_code == 0, twice.stderr  # the file is read once, not "given twice"
    loop = tmp_path / "selfloop"
    loop.symlink_to(loop)
    looped = run("progress", "collect", str(loop), "--into", str(tmp_path / "o" / "R6.yaml"))
    assert looped.exit_code == 3
    assert looped.stderr.startswith(f"kouryu: {loop}: cannot be read: ")


def test_a_folder_holding_its_progress_file_can_be_collected_again(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "回収"
    folder.mkdir()
    shutil.copy(fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD}), folder)
    into = folder / "R6.yaml"
    for _round in range(2):
        result = run("progress", "collect", str(folder), "--into", str(into))
        assert result.exit_code == 0, result.stderr
    assert set(answers_in(into)) == {"3-1-07"}
    (folder / "R6.yaml.lock").write_bytes(b"")  # as a collect leaves it
    again = run("progress", "collect", str(folder), "--into", str(into))
    assert again.exit_code == 0, again.stderr
    named = run("progress", "collect", str(into), "--into", str(into))
    assert named.exit_code == 2  # named as a form by the user: said, not passed over


def test_no_form_found_is_said_and_nothing_is_written(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "回収_R6"
    empty.mkdir()
    into = tmp_path / "progress" / "R6.yaml"
    result = run("progress", "collect", str(empty), "--into", str(into))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"no form to collect in {empty}\n"
    (empty / "Thumbs.db").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    only_system = run("progress", "collect", str(empty), "--into", str(into))
    assert only_system.exit_code == 1
    assert only_system.stderr.endswith(f"\nno form to collect in {empty}\n")
    assert not into.exists()
    assert not into.parent.exists()


def test_a_form_named_like_an_owner_file_is_still_collected(run: Run, tmp_path: Path) -> None:
    back = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD})
    named = tmp_path / "~$健康増進課.xlsx"
    shutil.copy(back, named)
    broken = tmp_path / "desktop.xlsx"
    broken.write_text("[.ShellClassInfo]\r\n", encoding="utf-8")  # no bystander's name: an error
    result = run("progress", "collect", str(named), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "skipped" not in result.stderr
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07"}
    result = run("progress", "collect", str(broken), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"kouryu: {broken}: no row with the form's headings")


# ------------------------------------------------------------------ ids as people type them


def test_an_id_typed_in_full_width_is_the_id(run: Run, tmp_path: Path) -> None:
    path = form(run, tmp_path, "高齢福祉課")
    sheet = openpyxl.load_workbook(path)[forms.MAIN_SHEET]
    row = row_of(sheet, "1-2-09")
    fill(path, {"1-2-09": GOOD}, edits={f"A{row}": "１－２－０９"})
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    assert set(answers_in(tmp_path / "R6.yaml")) == {"1-2-09"}


def test_an_unknown_id_found_by_its_name_is_said_as_it_is(run: Run, tmp_path: Path) -> None:
    path = form(run, tmp_path, "高齢福祉課")
    row = row_of(openpyxl.load_workbook(path)[forms.MAIN_SHEET], "1-2-09")
    fill(path, {"1-2-09": GOOD}, edits={f"A{row}": "1-2-90"})
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"kouryu: {path}:取組状況!A{row}: warning: ID '1-2-90' is not an id of the plan: "
        "read as 1-2-09 by its 事業名"
    )


# ------------------------------------------------------------------ the record's cells


def test_a_changed_department_is_named_at_its_cell(run: Run, tmp_path: Path) -> None:
    path = fill(form(run, tmp_path, "高齢福祉課"), {"1-2-08": GOOD})
    book = openpyxl.load_workbook(path)
    meta = book[forms.META_SHEET]
    row = next(r for r in range(1, meta.max_row + 1) if meta[f"A{r}"].value == "department")
    meta[f"B{row}"] = "福祉課"
    book.save(path)
    made = run("progress", "form", "-y", "R6", "-d", "健康増進課", "-f", "csv", "-o", str(tmp_path))
    assert made.exit_code == 0, made.stderr
    csv_form = tmp_path / "R6_取組状況_健康増進課.csv"
    text = csv_form.read_text(encoding="utf-8-sig")
    csv_form.write_text(text.replace(",department,健康増進課,", ",department,健康課,", 1))
    result = run(
        "progress", "collect", str(path), str(csv_form), "--into", str(tmp_path / "R6.yaml")
    )
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"kouryu: {path}:kouryu!B{row}: the form's department '福祉課' is not in the plan",
        f"{csv_form}:R6_取組状況_健康増進課!I1: the form's department '健康課' is not in the plan",
    ]
    assert row == 5
