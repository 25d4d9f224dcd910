"""Actuals from clerks' files on the command line: several files, stdin, the form, the check."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHIPPED, Run
from tests.test_robust_io import KOURYU, environment

Write = Any


def records(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("indicators", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def latest(data: list[dict[str, Any]], key: str) -> Any:
    found = next(r for r in data if r["id"] == key)
    return found["latest"] and (found["latest"]["year"], found["latest"]["value"])


# --- several files, names, values, years ------------------------------------------------------


def test_several_actuals_files_are_all_used(run: Run, write: Write) -> None:
    r6 = write("r6.csv", "指標,年度,実績値\nI1,R6,30\n")
    r5 = write("r5.csv", "指標,年度,実績値\nI2,R5,45\n")
    data = records(run, "--actuals", str(r6), "--actuals", str(r5), "--as-of", "R6")
    assert latest(data, "I1") == (2024, 30)
    assert latest(data, "I2") == (2023, 45)


def test_the_same_year_with_two_values_names_both_files(run: Run, write: Write) -> None:
    one = write("one.csv", "指標,年度,実績値\nI1,R6,30\n")
    two = write("two.csv", "指標,年度,実績値\nI1,令和6年度,31\n")
    result = run("indicators", "--actuals", str(one), "--actuals", str(two))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {two}:2:2: year: I1 2024 ('令和6年度') is given twice with different "
        f"values: 31 here, 30 in {one}:2\n"
    )


def test_what_clerks_write_is_read(run: Run, write: Write) -> None:
    path = write(
        "実績値.txt",
        "指標名,内訳,年度,実績値,備考\n"
        "地域とのつながり,,R6/2024,27.1%,\n"
        '地域交流センターの利用者数,,令和6年度（2024年度）,"150,000人",メモ\n'
        "通いの場,,令和4年度,90か所,\n"
        "ふれあい,,平成32年度,66か所,\n"
        "ボランティア活動や地域行事,,2024年度,△5,\n",
    )
    data = records(run, "--actuals", str(path), "--as-of", "R6")
    assert latest(data, "I1") == (2024, 27.1)
    assert latest(data, "I7") == (2024, 150000)
    assert latest(data, "I5") == (2022, 90)
    assert latest(data, "I6") == (2020, 66)
    assert latest(data, "I2") == (2024, -5)


def test_unknown_columns_are_named_once_on_stderr(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,年度,実績値,担当者\nI1,R6,30,山田\nI2,R6,48,佐藤\n")
    result = run("indicators", "--actuals", str(path), "--as-of", "R6", "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == f"{path}: unknown columns 「担当者」 skipped"
    assert result.stderr.count("担当者") == 1


def test_actuals_after_as_of_are_listed_not_dropped_silently(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,年度,実績値\nI1,R6,30\nI6,R8,70\n")
    result = run("indicators", "--actuals", str(path), "--as-of", "R6", "-f", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"1 actual after the evaluation year R6 (2024) is not used: {path}:3 I6 R8"
    )


def test_a_typo_year_is_an_error_not_a_silent_drop(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,年度,実績値\nI6,R66,70\n")
    result = run("indicators", "--actuals", str(path), "--as-of", "R6")
    assert result.exit_code == 3
    assert "year 'R66' is 2084, more than 20 years after" in result.stderr


def test_standard_input_is_read_once(run: Run) -> None:
    result = run("indicators", "--actuals", "-", "--actuals", "-", input="indicator,year,value\n")
    assert (result.exit_code, result.stderr) == (
        2,
        "kouryu: --actuals: standard input (-) can be read only once\n",
    )


def test_stdin_and_verbose(run: Run) -> None:
    result = run(
        "-v",
        "indicators",
        "--actuals",
        "-",
        "--as-of",
        "R6",
        "-f",
        "json",
        input="指標,年度,実績値\n通いの場,Ｈ34,95\n",
    )
    assert result.exit_code == 0, result.stderr
    assert latest(json.loads(result.stdout), "I5") == (2022, 95)
    plan, *notes = result.stderr.splitlines()
    assert plan.startswith(f"{SHIPPED}: read ")  # as YAML, or before and taken from the cache
    assert notes[:3] == [
        "<stdin>: read as CSV, encoding UTF-8",
        "<stdin>:2: '通いの場' read as I5 住民運営通いの場の設置数",
        "<stdin>:2: Ｈ34 is a projected 平成 year: 平成34年度 = 2022 = R4",
    ]


# --- the overall grade and the exports --------------------------------------------------------


def test_overall_grade_of_a_compound_indicator(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,内訳,年度,実績値\nI3,団体数,R6,65\nI3,人数,R6,5500\n")
    result = run("indicators", "--actuals", str(path), "--as-of", "R7", "-f", "json")
    data = json.loads(result.stdout)
    # 団体数 B* (4) and 人数 C (3): 3.5 rounds down (五捨六入) to C.
    i3 = [r for r in data if r["id"] == "I3"]
    assert [r["overall"] for r in i3] == [
        {"status": "C", "status_label": "変わらない", "points": 3.5}
    ] * 2
    assert {r["overall"] for r in data if r["id"] != "I3"} == {None}
    assert result.stderr.rstrip().endswith("/ 総合評価 I3 C（3.5点）")


def test_csv_carries_numbers_and_the_evaluation_year(run: Run) -> None:
    example = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
    result = run("indicators", "--actuals", example, "--as-of", "R8", "-f", "csv", "--no-bom")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    i2 = rows[1]
    assert i2["評価年度"] == "R8（2026年度）"
    assert (i2["基準値"], i2["基準値(数値)"], i2["基準年度"]) == (
        "44.5% (Ｈ29/2017)",
        "44.5",
        "2017",
    )
    assert (i2["直近の実績(数値)"], i2["直近の実績の年度"], i2["進捗率(%)"]) == (
        "48",
        "2024",
        "63.6",
    )
    assert i2["見込み(数値)"] == "48.31"  # 44.5 + 5.5 × 9/13
    assert "今年度の見込み" not in result.stdout
    assert rows[2]["総合評価"] == "C（3.5点）"


def test_xlsx_has_a_title_row_and_numeric_cells(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    example = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
    out = tmp_path / "indicators.xlsx"
    result = run("indicators", "--actuals", example, "--as-of", "R7", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(out).worksheets[-1]  # every column, after the summary
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "R7=2025年度" in str(cells[0][0])
    header = next(i for i, row in enumerate(cells) if row[0] == "評価年度")
    columns = cells[header]
    i2 = cells[header + 2]
    assert i2[columns.index("基準値(数値)")] == 44.5
    assert i2[columns.index("進捗率(%)")] == 63.6
    assert i2[columns.index("直近の実績(数値)")] == 48


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "markdown"])
def test_history_in_every_format(run: Run, fmt: str) -> None:
    example = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
    result = run("indicators", "--actuals", example, "--history", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        i4 = next(r for r in json.loads(result.stdout) if r["id"] == "I4")
        assert [(a["year"], a["value"]) for a in i4["actuals"]] == [(2023, 17000), (2024, 15000)]
        assert (i4["baseline"]["value"], i4["target"]["value"]) == (16961, 18200)
    else:
        assert "R5/2023" in result.stdout
        assert "R8/2026" in result.stdout  # every actual, also after the as-of year
        assert ("17000" if fmt != "markdown" else "17,000") in result.stdout


def test_history_keeps_to_the_years_asked_for(run: Run, write: Write) -> None:
    path = write("s.csv", "指標,年度,実績値\nI1,H30,27\nI1,R4,28\nI6,R6,69\nI6,R8,71\n")
    bounded = run(
        "indicators",
        "--actuals",
        str(path),
        "--history",
        "--as-of",
        "R4",
        "--since",
        "R1",
        "-f",
        "json",
    )
    assert bounded.exit_code == 0, bounded.stderr
    years = {r["id"]: [a["year"] for a in r["actuals"]] for r in json.loads(bounded.stdout)}
    assert (years["I1"], years["I6"]) == ([2022], [])
    assert "I6 R6, " in bounded.stderr  # the later ones are said not to be used
    import openpyxl

    book = path.parent / "推移.xlsx"
    run("indicators", "--actuals", str(path), "--history", "--as-of", "R4", "-o", str(book))
    sheet = openpyxl.load_workbook(book).worksheets[0]
    assert sheet["A1"].value == "指標の推移（基準値・各年度の実績値・目標値）（R4=2022年度まで）"
    assert "R6/2024" not in [c.value for c in sheet[2]]
    everything = run("indicators", "--actuals", str(path), "--history", "-f", "csv")
    assert "H30/2018" in everything.stdout
    assert "R8/2026" in everything.stdout


@pytest.mark.parametrize(
    ("option", "named"),
    [
        (("--status", "A"), "--status does not"),
        (("--behind-target",), "--behind-target does not"),
        (("--threshold", "10"), "--threshold does not"),
        (("--status", "A", "--threshold", "10"), "--status, --threshold do not"),
    ],
)
def test_history_refuses_the_options_that_grade(
    run: Run, option: tuple[str, ...], named: str
) -> None:
    result = run("indicators", "--history", *option)
    assert result.exit_code == 2
    assert named in result.stderr
    assert result.stdout == ""


def test_a_year_written_2024_is_shown_once(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,年度,実績値\nI1,2024,30\n")
    result = run("indicators", "--actuals", str(path), "--as-of", "R6", "-f", "tsv")
    assert "30% (2024)" in result.stdout
    assert "2024/2024" not in result.stdout


# --- kouryu actuals template / check ----------------------------------------------------------


def test_template_csv_lists_every_series_and_year(run: Run) -> None:
    result = run("actuals", "template", "--as-of", "R7", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    lines = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    header = next(i for i, cells in enumerate(lines) if cells[0] == "指標ID")
    assert all(cells[0].startswith("# ") for cells in lines[:header])
    # The field as the report names it; the plan heads it ４ 交流, never 第4章.
    assert lines[0][0].startswith(
        "# 山陽小野田市 スマイルエイジング チャレンジプログラム 第4分野「交流」"
    )
    rows = [dict(zip(lines[header], cells, strict=True)) for cells in lines[header + 1 :]]
    assert list(rows[0]) == [
        "指標ID",
        "指標名",
        "内訳",
        "単位",
        "基準値",
        "目標値",
        "年度",
        "実績値",
        "出典",
        "備考",
        "有意差",
        "確認",
    ]
    assert any("「有意差」の欄" in cells[0] for cells in lines[:header])  # how to fill it in
    assert any("「確認」の欄" in cells[0] for cells in lines[:header])
    # I1: baseline H29 (2017), so 2018 … 2025; I3 twice (団体数, 人数) from R3 (2021).
    assert [r["年度"] for r in rows if r["指標ID"] == "I1"] == [
        f"{'H' if y < 2019 else 'R'}{y - (1988 if y < 2019 else 2018)}" for y in range(2018, 2026)
    ]
    assert [(r["内訳"], r["年度"]) for r in rows if r["指標ID"] == "I3"][:2] == [
        ("団体数", "R3"),
        ("団体数", "R4"),
    ]
    assert result.stderr == f"8 series, {len(rows)} rows (up to R7=2025)\n"


def fill_csv_as_excel_would(template: str, values: dict[tuple[str, str, str], str]) -> bytes:
    """The form filled in and saved by Excel on Japanese Windows: cp932, CRLF, no BOM."""
    rows = list(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    width = len(next(r for r in rows if r and r[0] == "指標ID"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for cells in rows:
        row = cells + [""] * (width - len(cells))  # Excel pads every line to the widest
        key = (row[0], row[2], row[6])
        if key in values:
            row[7] = values[key]
        writer.writerow(row)
    return out.getvalue().encode("cp932")


def test_template_round_trip_through_a_csv_editor(run: Run, tmp_path: Path) -> None:
    form = run("actuals", "template", "--as-of", "R7", "-f", "csv")
    filled = tmp_path / "実績値.csv"
    filled.write_bytes(
        fill_csv_as_excel_would(
            form.stdout,
            {
                ("I1", "", "R6"): "30.5",
                ("I3", "団体数", "R6"): "65",
                ("I3", "人数", "R6"): "5,500",
                ("I4", "", "R6"): "15000",
                ("I7", "", "R6"): "154,170",
            },
        )
    )
    data = records(run, "--actuals", str(filled), "--as-of", "R7")
    assert [(r["id"], r["status"]) for r in data] == [
        ("I1", "A"),
        ("I2", "baseline-only"),
        ("I3", "B*"),
        ("I3", "C"),
        ("I4", "D"),
        ("I5", "baseline-only"),
        ("I6", "baseline-only"),
        ("I7", "A"),
    ]


def test_template_significance_column_is_read_back(run: Run, tmp_path: Path) -> None:
    form = run("actuals", "template", "--as-of", "R7", "-f", "csv")
    rows = list(csv.reader(io.StringIO(form.stdout.lstrip("\ufeff"))))
    header = next(r for r in rows if r and r[0] == "指標ID")
    tested = header.index("有意差")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for cells in rows:
        if cells[:1] == ["I3"] and (cells[2], cells[6]) == ("団体数", "R6"):
            cells[7], cells[tested] = "65", "有意差なし"
        writer.writerow(cells)
    filled = tmp_path / "有意差.csv"
    filled.write_bytes(out.getvalue().encode("cp932"))
    data = records(run, "--actuals", str(filled), "--as-of", "R7")
    groups = next(r for r in data if r["component"] == "groups")
    # 61 → 65 (+6.6 %) is B* by the 5 % guide; the test result says no change.
    assert groups["status"] == "C"
    assert (groups["basis"]["rule"], groups["basis"]["significance"]) == (
        "significance",
        "unchanged",
    )


def test_template_round_trip_through_excel(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    form = tmp_path / "実績値.xlsx"
    result = run("actuals", "template", "--as-of", "R7", "-o", str(form))
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(form)
    sheet = book["実績値"]
    header = [c.value for c in sheet[2]]
    assert header[:8] == ["指標ID", "指標名", "内訳", "単位", "基準値", "目標値", "年度", "実績値"]
    assert sheet.print_options.gridLines  # its cells have no borders: printed, lines guide the pen
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["A3:A" + str(sheet.max_row + 200)].formula1 == '"I1,I2,I3,I4,I5,I6,I7"'
    assert any(v.type == "decimal" and str(v.sqref).startswith("H3:") for v in validations.values())
    assert header[10] == "有意差"
    (tested,) = (v for v in validations.values() if str(v.sqref).startswith("K3:"))
    assert (tested.type, tested.formula1) == ("list", '"改善,変化なし,悪化"')
    # A clerk types numbers into the value column.
    wanted = {("I2", "", "R6"): 48, ("I3", "団体数", "R6"): 65, ("I3", "人数", "R6"): 5500}
    for row in sheet.iter_rows(min_row=3):
        key = (row[0].value, row[2].value or "", row[6].value)
        if key in wanted:
            row[7].value = wanted[key]
    book.save(form)
    data = records(run, "--actuals", str(form), "--as-of", "R7")
    assert [r["status"] for r in data][:4] == ["baseline-only", "B", "B*", "C"]
    assert data[2]["overall"]["status"] == "C"


def test_check_lists_what_files_hold(run: Run, write: Write) -> None:
    path = write("t.csv", "指標,内訳,年度,実績値\nI3,団体数,R6,65\nI1,,R5,27.1%\n")
    result = run("actuals", "check", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [
        (r["id"], r["component"], r["year"], r["value"], r["line"])
        for r in json.loads(result.stdout)
    ] == [
        ("I3", "groups", 2024, 65, 2),
        ("I1", None, 2023, 27.1, 3),
    ]
    assert result.stderr == f"{path}: ok, CSV, 2 actuals（I1, I3）\n"


def test_check_reports_every_problem_of_every_file(run: Run, write: Write) -> None:
    one = write("one.csv", "指標,年度,実績値\nI9,R6,1\nI1,R6,x\n")
    two = write("two.csv", "指標名,年度,実績値\n設置数,R6,1\n")
    result = run("actuals", "check", str(one), str(two))
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"kouryu: {one}:2:1: indicator: unknown indicator 'I9'")
    assert lines[1] == f"{one}:3:3: value: expected a number, got 'x'"
    assert lines[2].startswith(f"{two}:2:1: name: '設置数' could be any of: I5 ")


# --- streams in real processes ----------------------------------------------------------------


def test_process_substitution(tmp_path: Path) -> None:
    script = (
        f"{' '.join(KOURYU)} indicators --as-of R6 -f json "
        "--actuals <(printf '指標,年度,実績値\\nI1,R6,30\\n')"
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, env=environment(), check=False, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr.decode()
    assert latest(json.loads(result.stdout), "I1") == (2024, 30)


def test_dev_stdin(tmp_path: Path) -> None:
    source = tmp_path / "実績値"
    source.write_bytes("指標,年度,実績値\nI1,R6,30\n".encode("cp932"))
    with source.open("rb") as stdin:
        result = subprocess.run(
            [*KOURYU, "indicators", "--as-of", "R6", "-f", "json", "--actuals", "/dev/stdin"],
            stdin=stdin,
            capture_output=True,
            env=environment(),
            check=False,
        )
    assert result.returncode == 0, result.stderr.decode()
    assert latest(json.loads(result.stdout), "I1") == (2024, 30)


@pytest.mark.parametrize("option", ["--data", "--actuals"])
def test_dev_zero_stops_at_the_limit(option: str) -> None:
    args = (
        ["--data", "/dev/zero", "measures"]
        if option == "--data"
        else ["indicators", "--actuals", "/dev/zero"]
    )
    result = subprocess.run(
        [*KOURYU, *args],
        capture_output=True,
        env=environment(KOURYU_MAX_BYTES="5000000"),
        check=False,
        timeout=60,
    )
    assert result.returncode == 3
    assert result.stderr.decode() == (
        "kouryu: /dev/zero: more than 5,000,000 bytes were read, over the limit of "
        "5,000,000 bytes (raise it with the environment variable KOURYU_MAX_BYTES)\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_reading_a_stream_exits_130() -> None:
    process = subprocess.Popen(
        [*KOURYU, "indicators", "--actuals", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert process.stdin is not None
    # Once more than a pipe's buffer has gone in, kouryu is inside its reading loop.
    process.stdin.write(b"# " + b"x" * (1 << 20) + b"\n")
    process.stdin.flush()
    os.kill(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode() == "kouryu: interrupted\n"


@pytest.mark.parametrize("name", ["shift_jis", "sjis", "ms932"])
def test_what_windows_calls_shift_jis_writes_the_tools_own_header(
    run: Run, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "matrix.csv"
    result = run("matrix", "-f", "csv", "--encoding", name, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "18～64歳" in out.read_bytes().decode("cp932")


def test_actuals_alone_shows_its_help(run: Run) -> None:
    result = run("actuals")
    assert result.exit_code == 0
    assert "template" in result.stdout
    assert "check" in result.stdout


# --- a blank form never replaces data ---------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_never_replaces_a_filled_file(run: Run, tmp_path: Path, suffix: str) -> None:
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    filled = tmp_path / f"実績値_R6{suffix}"
    filled.write_bytes(b"a clerk's figures")
    result = run("actuals", "template", "-o", str(filled))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kouryu: {filled} already exists; nothing was written "
        "(--force replaces it, or choose another file)\n"
    )
    assert filled.read_bytes() == b"a clerk's figures"
    assert sorted(p.name for p in tmp_path.iterdir()) == [filled.name]  # no temporary left
    result = run("actuals", "template", "-o", str(filled), "--force")
    assert result.exit_code == 0, result.stderr
    assert filled.read_bytes().startswith(b"PK" if suffix == ".xlsx" else "\ufeff# ".encode())


def test_template_through_a_link_to_a_filled_file_is_refused(run: Run, tmp_path: Path) -> None:
    filled = tmp_path / "実績値.csv"
    filled.write_bytes(b"a clerk's figures")
    (tmp_path / "link.csv").symlink_to(filled.name)
    result = run("actuals", "template", "-o", str(tmp_path / "link.csv"))
    assert result.exit_code == 2
    assert filled.read_bytes() == b"a clerk's figures"


def test_template_to_stdout_or_a_new_file_needs_no_force(run: Run, tmp_path: Path) -> None:
    assert run("actuals", "template").stdout.startswith("\ufeff# ")
    assert run("actuals", "template", "-o", str(tmp_path / "new.csv")).exit_code == 0
    assert run("actuals", "template", "-o", "-").stdout.startswith("\ufeff# ")


# --- the listing names the row ----------------------------------------------------------------


def test_check_of_a_workbook_names_the_row(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    form = tmp_path / "実績値.xlsx"
    assert run("actuals", "template", "--as-of", "R6", "-o", str(form)).exit_code == 0
    book = openpyxl.load_workbook(form)
    sheet = book["実績値"]
    sheet["H3"] = 27  # the first year of I1
    book.save(form)
    result = run("actuals", "check", str(form))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split("\t")[0] == f"{form}:実績値!3:3"
    record = json.loads(run("actuals", "check", str(form), "-f", "json").stdout)[0]
    assert (record["file"], record["line"]) == (str(form), 3)


def test_check_of_yaml_names_the_entry(run: Run, write: Write) -> None:
    path = write("r6.yaml", "actuals:\n  - indicator: I1\n    value: 27\n    year: R6\n")
    result = run("actuals", "check", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["line"] == 2


def test_a_workbook_without_openpyxl_says_how_to_get_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "実績値.xlsx"
    book.write_bytes(b"PK\x03\x04" + bytes(100))
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    result = run("actuals", "check", str(book))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kouryu: {book} is an .xlsx workbook: reading it needs openpyxl (pip install "
        "openpyxl, or pip install '.[excel]' in kouryu's checkout)\n"
    )
