"""Memory follows the cells and rows a file holds: checked in real processes under a limit.

Each command runs in a subprocess whose address space is limited (RLIMIT_AS): a reader
that materialises a sheet's recorded dimension, or keeps every row of a large CSV, dies
with a MemoryError (an internal error, exit 70) instead of passing. A normal run of
kouryu with openpyxl needs under 200 MiB of address space.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

resource = pytest.importorskip("resource")  # POSIX only
openpyxl = pytest.importorskip("openpyxl")

LIMIT = 512 * 1024 * 1024  # bytes of address space: a few hundred MB, as promised


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def kouryu(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "KOURYU_LANG": "en",
        "LANGUAGE": "en",
        "NO_COLOR": "1",
        "XDG_CACHE_HOME": str(cwd / "cache"),
    }
    environment.pop("KOURYU_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "kouryu_cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        preexec_fn=limit_memory,
        check=False,
    )


def with_a_far_stray_cell(book: Any, sheet_name: str | None, path: Path) -> Path:
    """The workbook saved after Ctrl+End and a note typed at the sheet's far corner."""
    sheet = book[sheet_name] if sheet_name else book.active
    sheet["XFD1048576"] = "メモ"
    book.save(path)
    return path


def test_actuals_check_of_a_workbook_with_a_far_stray_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指標ID", "年度", "実績値"])
    sheet.append(["I1", "R6", 30.5])
    path = with_a_far_stray_cell(book, None, tmp_path / "実績値.xlsx")
    assert path.stat().st_size < 10_000
    result = kouryu("-v", "actuals", "check", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "実績値.xlsx:Sheet!XFD1048576: text outside the table's columns ignored" in (
        result.stderr
    )
    assert result.stderr.endswith("実績値.xlsx: ok, xlsx, 1 actual（I1）\n")


def test_progress_collect_of_a_form_with_a_far_stray_cell(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    made = kouryu(
        "progress", "form", "-y", "R6", "-d", "高齢福祉課", "-o", str(forms), cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    (form,) = forms.glob("*.xlsx")
    book = openpyxl.load_workbook(form)
    returned = with_a_far_stray_cell(book, "取組状況", tmp_path / "高齢福祉課.xlsx")
    result = kouryu(
        "progress", "collect", returned.name, "--into", str(tmp_path / "R6.yaml"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "R6.yaml").exists()


def test_actuals_check_of_a_10_mb_csv(tmp_path: Path) -> None:
    rows = (
        "I1,,R6,30.5,市調べ\n",
        "I3,groups,R6,65,市調べ\n",
        'I3,people,R6,"5,500",市調べ\n',
        'I7,,令和6年度（2024年度）,"154,170人",市調べ\n',
    )
    path = tmp_path / "実績値.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("指標ID,内訳,年度,実績値,出典\n")
        for _ in range(10 * 1024 * 1024 // sum(len(r.encode()) for r in rows) + 1):
            out.writelines(rows)
    assert path.stat().st_size > 10 * 1024 * 1024
    result = kouryu("actuals", "check", path.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "実績値.csv: ok, CSV, 4 actuals（I1, I3, I7）\n"


def test_a_10_mb_csv_wrong_on_every_line_is_told_in_a_screenful(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    line = "I1,R6,x,令和6年度 市民意識調査（速報値）\n"
    count = 10 * 1024 * 1024 // len(line.encode())
    path.write_text("指標ID,年度,実績値,出典\n" + line * count, encoding="utf-8")
    result = kouryu("actuals", "check", path.name, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "kouryu: x.csv:2:3: value: expected a number, got 'x'"
    assert lines[-1] == f"x.csv: … and {count - 200:,} more problems"
    assert len(lines) == 201
