"""The round with files as people return them: at the same time, untouched, blank, as CSV."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.progress import book as progress
from kouryu_cli.progress import forms
from tests.conftest import Run
from tests.test_progress_round import COL, GOOD, fill, row_of

openpyxl = pytest.importorskip("openpyxl")

R5 = str(Path(__file__).parent / "fixtures" / "progress-R5-example.yaml")


def measures_of(plan: Plan, department: str) -> list[str]:
    return [m.id for m in plan.measures if department in m.departments]


def answers_in(path: Path) -> dict[str, dict[str, object]]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {a["measure"]: a for a in data["answers"] or []}


def form(run: Run, folder: Path, department: str, *more: str) -> Path:
    result = run("progress", "form", "-y", "R6", "-d", department, "-o", str(folder), *more)
    assert result.exit_code == 0, result.stderr
    return folder / f"R6_取組状況_{department}.xlsx"


# ------------------------------------------------------------------ collects at the same time

PARALLEL = (
    "高齢福祉課",
    "文化スポーツ推進課",
    "子育て支援課",
    "市民活動推進課",
    "社会教育課",
    "シティセールス課",
)


def test_parallel_collects_keep_every_answer(run: Run, plan: Plan, tmp_path: Path) -> None:
    returned = []
    expected: set[str] = set()
    for department in PARALLEL:
        ids = measures_of(plan, department)
        expected.update(ids)
        returned.append(
            fill(
                form(run, tmp_path / "forms", department),
                dict.fromkeys(ids, GOOD),
                save_as=tmp_path / f"{department}.xlsx",
            )
        )
    into = tmp_path / "R6.yaml"
    env = {**os.environ, "KOURYU_LOCK_TIMEOUT": "120"}
    # One process per department, all started at once: each reads, merges and writes R6.yaml.
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kouryu_cli",
                "progress",
                "collect",
                str(path),
                "--into",
                str(into),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in returned
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read().decode() if p.stderr else "") for p in runs]
    for p in runs:
        assert p.stdout is not None
        assert p.stderr is not None
        p.stdout.close()
        p.stderr.close()
    assert [status for status, _err in outcomes] == [0] * len(PARALLEL), outcomes
    kept = answers_in(into)
    assert len(expected) == 42
    assert set(kept) == expected


HOLD = textwrap.dedent(
    """
    import sys, time
    from filelock import FileLock
    with FileLock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(60)
    """
)


def test_a_collect_that_cannot_get_the_lock_fails_and_writes_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fill(form(run, tmp_path, "健康増進課"), {"3-1-07": GOOD})
    into = tmp_path / "R6.yaml"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "R6.yaml.lock")], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        monkeypatch.setenv("KOURYU_LOCK_TIMEOUT", "0.5")
        started = time.monotonic()
        result = run("progress", "collect", str(path), "--into", str(into))
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert result.exit_code == 74, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"kouryu: cannot write output: {into}: another kouryu is writing this file (it holds "
        f"{into}.lock); nothing was written after waiting 0.5 seconds: run the command again "
        "when the other one has finished"
    )
    assert not into.exists()
    # Once the other run has finished, the same command goes through.
    result = run("progress", "collect", str(path), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    assert set(answers_in(into)) == {"3-1-07"}


# ------------------------------------------------------------------ an untouched pre-filled form


def test_a_prefilled_form_sent_back_untouched_is_not_an_answer(
    run: Run, plan: Plan, tmp_path: Path
) -> None:
    sent = form(run, tmp_path / "forms", "高齢福祉課", "--from", R5)
    # Forwarded unopened: opened and saved by Excel at most, nothing typed.
    untouched = tmp_path / "高齢福祉課.xlsx"
    openpyxl.load_workbook(sent).save(untouched)
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(untouched), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        f"{untouched}\t高齢福祉課\tunchanged: the pre-filled answers were sent back "
        "untouched (no 記入者 or 回答日); counted as not returned (8 measures)"
    ) in lines
    assert answers_in(into) == {}
    missing = run("progress", "status", str(into), "--missing", "-f", "json")
    listed = [r["id"] for r in json.loads(missing.stdout) if r["department"] == "高齢福祉課"]
    assert listed == measures_of(plan, "高齢福祉課")


@pytest.mark.parametrize(("person", "date"), [("担当 一郎", None), (None, "2025/5/20")])
def test_the_same_answers_confirmed_are_an_answer(
    run: Run, tmp_path: Path, person: str | None, date: str | None
) -> None:
    sent = form(run, tmp_path / "forms", "高齢福祉課", "--from", R5)
    confirmed = fill(sent, {}, person=person or "", date=date, save_as=tmp_path / "back.xlsx")
    into = tmp_path / "R6.yaml"
    result = run("progress", "collect", str(confirmed), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    r5 = answers_in(Path(R5))
    kept = answers_in(into)
    assert set(kept) == {m for m in r5 if "高齢福祉課" in r5[m]["departments"]}  # type: ignore[operator]
    assert "unchanged" not in result.stderr


def test_one_answer_changed_on_a_prefilled_form_is_an_answer(run: Run, tmp_path: Path) -> None:
    sent = form(run, tmp_path / "forms", "高齢福祉課", "--from", R5)
    book = openpyxl.load_workbook(sent)
    sheet = book[forms.MAIN_SHEET]
    sheet[f"{COL['rating']}{row_of(sheet, '1-2-08')}"] = "C"
    book.save(tmp_path / "back.xlsx")
    result = run(
        "progress", "collect", str(tmp_path / "back.xlsx"), "--into", str(tmp_path / "R6.yaml")
    )
    assert result.exit_code == 0, result.stderr
    assert answers_in(tmp_path / "R6.yaml")["1-2-08"]["rating"] == "C"


# ------------------------------------------------------------------ one line per form, stray text


def test_each_form_gets_a_line_and_text_on_other_sheets_is_pointed_out(
    run: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "forms"
    answered = fill(form(run, folder, "健康増進課"), {"3-1-07": GOOD}, save_as=tmp_path / "a.xlsx")
    blank = tmp_path / "b.xlsx"
    shutil.copy(form(run, folder, "社会福祉課"), blank)
    # 市民窓口課 typed its answer on a new sheet and a note on the instruction sheet.
    book = openpyxl.load_workbook(form(run, folder, "市民窓口課"))
    book.create_sheet("Sheet1")["B3"] = "実施しました"
    book[forms.HELP_SHEET]["C4"] = "評価はBです"
    elsewhere = tmp_path / "c.xlsx"
    book.save(elsewhere)
    into = tmp_path / "R6.yaml"
    result = run(
        "progress", "collect", str(answered), str(blank), str(elsewhere), "--into", str(into)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:5] == [
        f"kouryu: {elsewhere}:{forms.HELP_SHEET}!C4: warning: the sheet '{forms.HELP_SHEET}' "
        "holds text in 1 cell(s) (C4); it is not read: answers belong on the sheet 取組状況",
        f"kouryu: {elsewhere}:Sheet1!B3: warning: the sheet 'Sheet1' holds text in 1 cell(s) "
        "(B3); it is not read: answers belong on the sheet 取組状況",
        f"{answered}\t健康増進課\tanswered: 1 answered, 1 left blank",
        f"{blank}\t社会福祉課\tblank: nothing answered (1 measure left blank)",
        f"{elsewhere}\t市民窓口課\tblank: nothing answered (1 measure left blank)",
    ]


def test_the_instruction_sheet_as_written_is_not_stray_text(run: Run, tmp_path: Path) -> None:
    path = fill(form(run, tmp_path, "健康増進課"), {"3-1-07": GOOD})
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr


def test_a_stray_far_cell_costs_nothing(run: Run, tmp_path: Path) -> None:
    path = form(run, tmp_path, "健康増進課")
    book = openpyxl.load_workbook(path)
    book[forms.MAIN_SHEET]["XFD1048576"] = "メモ"
    book.save(path)
    fill(path, {"3-1-07": GOOD})
    started = time.monotonic()
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 20
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07"}


# ------------------------------------------------------------------ a conflict names the right cell


def test_a_conflict_names_the_cell_that_differs_in_both_files(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    welfare = fill(
        form(run, folder, "社会福祉課"),
        {"3-1-14": {**GOOD, "direction": "改善して継続"}},
        save_as=tmp_path / "R6_社会福祉課.xlsx",
    )
    counter = fill(
        form(run, folder, "市民窓口課"), {"3-1-14": GOOD}, save_as=tmp_path / "R6_市民窓口課.xlsx"
    )
    result = run(
        "progress", "collect", str(welfare), str(counter), "--into", str(tmp_path / "R6.yaml")
    )
    assert result.exit_code == 3
    k = COL["direction"]
    assert result.stderr.splitlines() == [
        f"kouryu: {counter}:取組状況!{k}5: 3-1-14 is answered differently: 今後の方向性 "
        f"{welfare}:取組状況!{k}5 '改善して継続' ≠ {counter}:取組状況!{k}5 '継続'"
    ]


# ------------------------------------------------------------------ dates as people write them


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-05-20", datetime.date(2025, 5, 20)),
        ("2025/5/20", datetime.date(2025, 5, 20)),
        ("2025年5月20日", datetime.date(2025, 5, 20)),
        ("２０２５年５月２０日", datetime.date(2025, 5, 20)),
        ("令和7年5月20日", datetime.date(2025, 5, 20)),
        ("令和７年５月２０日", datetime.date(2025, 5, 20)),
        ("R7.5.20", datetime.date(2025, 5, 20)),
        ("Ｒ７．５．２０", datetime.date(2025, 5, 20)),
        ("r7/5/20", datetime.date(2025, 5, 20)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("H31.4.30", datetime.date(2019, 4, 30)),
        ("平成31年4月30日", datetime.date(2019, 4, 30)),
        ("2025-05-20 00:00:00", datetime.date(2025, 5, 20)),
    ],
)
def test_dates_as_people_write_them(text: str, date: datetime.date) -> None:
    assert progress.parse_date(text) == date


@pytest.mark.parametrize("text", ["令和7年2月30日", "R0.5.1", "5月20日", "R7年度", "X7.5.20"])
def test_dates_that_are_not(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        progress.parse_date(text)


def test_an_era_date_on_a_form_is_read(run: Run, tmp_path: Path) -> None:
    path = fill(form(run, tmp_path, "健康増進課"), {"3-1-07": GOOD}, date="令和7年5月20日")
    result = run("progress", "collect", str(path), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert answers_in(tmp_path / "R6.yaml")["3-1-07"]["answered_on"] == "2025-05-20"


# ------------------------------------------------------------------ the form saved as CSV


def excel_csv(workbook: Path, target: Path) -> Path:
    """The 取組状況 sheet saved by Excel as 「CSV (コンマ区切り)」: cp932, CRLF, shown text."""
    sheet = openpyxl.load_workbook(workbook)[forms.MAIN_SHEET]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    target.write_bytes(buffer.getvalue().encode("cp932"))
    return target


def test_the_form_saved_as_csv_by_excel_is_read_by_its_title(run: Run, tmp_path: Path) -> None:
    filled = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD})
    saved = excel_csv(filled, tmp_path / "健康増進課.csv")
    result = run("progress", "collect", str(saved), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"kouryu: {saved}:健康増進課!A1: warning: the form's sheet saved as CSV: read by its title "
        "row and IDs (the .xlsx form itself is checked more closely: send it next time)"
    )
    assert answers_in(tmp_path / "R6.yaml")["3-1-07"]["answered_by"] == "担当 一郎"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_form_saved_as_csv_by_libreoffice_is_read_by_its_title(
    run: Run, tmp_path: Path
) -> None:
    filled = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD, "3-1-11": GOOD})
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / (filled.stem + ".csv")
    # LibreOffice takes the active sheet, the answers; UTF-8 (76).
    assert saved.read_text(encoding="utf-8").startswith("R6（2024年度）取組状況調査票")
    result = run("progress", "collect", str(saved), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 0, result.stderr
    assert set(answers_in(tmp_path / "R6.yaml")) == {"3-1-07", "3-1-11"}


def test_a_csv_without_record_or_title_asks_for_the_workbook(run: Run, tmp_path: Path) -> None:
    filled = fill(form(run, tmp_path / "forms", "健康増進課"), {"3-1-07": GOOD})
    saved = excel_csv(filled, tmp_path / "answers.csv")
    lines = saved.read_bytes().split(b"\r\n")
    saved.write_bytes(b"\r\n".join([b"", *lines[1:]]))  # the title row emptied
    result = run("progress", "collect", str(saved), "--into", str(tmp_path / "R6.yaml"))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"kouryu: {saved}:answers!A1: a CSV without the form's record or title row: kouryu "
        "cannot tell its year and department; send the .xlsx form itself "
        "(R6_取組状況_<所管課>.xlsx)"
    ]


# ------------------------------------------------------------------ a cleared row sent again


def test_a_cleared_row_keeps_the_earlier_answer_and_says_so(run: Run, tmp_path: Path) -> None:
    sent = form(run, tmp_path / "forms", "健康増進課")
    first = fill(sent, {"3-1-07": GOOD, "3-1-11": GOOD}, save_as=tmp_path / "first.xlsx")
    into = tmp_path / "R6.yaml"
    assert run("progress", "collect", str(first), "--into", str(into)).exit_code == 0
    again = fill(
        first,
        {"3-1-11": dict.fromkeys(forms.INPUT_KEYS, "")},
        save_as=tmp_path / "again.xlsx",
    )
    result = run("progress", "collect", str(again), "--into", str(into))
    assert result.exit_code == 0, result.stderr
    place = f"{again}:取組状況!A{row_of(openpyxl.load_workbook(again)['取組状況'], '3-1-11')}"
    assert f"kouryu: {place}: 3-1-11 left blank: previous answer kept" in result.stderr.splitlines()
    assert set(answers_in(into)) == {"3-1-07", "3-1-11"}
