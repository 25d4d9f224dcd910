"""`kouryu indicators`: the shipped plan, the example actuals, filters, formats and errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.indicators import evaluation as indicators
from tests.conftest import Run

EXAMPLE_CSV = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
EXAMPLE_YAML = str(Path(__file__).parent / "fixtures" / "actuals-example.yaml")

RECORD_KEYS = {
    "id",
    "name",
    "component",
    "component_label",
    "unit",
    "plan",
    "baseline",
    "target",
    "latest",
    "change",
    "relative_change",
    "gap",
    "progress",
    "expected",
    "expected_at_latest",
    "status",
    "status_label",
    "reason",
    "met",
    "overdue",
    "as_of",
    "threshold",
    "overall",
}


def records(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("indicators", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def grades(data: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(r["id"], r["component"], r["status"]) for r in data]


def test_shipped_plan_is_baseline_only_and_overdue_where_the_target_year_passed(run: Run) -> None:
    data = records(run, "--as-of", "R8")
    assert len(data) == 8
    assert {r["status"] for r in data} == {"baseline-only"}
    assert {r["status_label"] for r in data} == {"ベースラインのみ（実績値がまだない）"}
    # R8 = 2026: R5 (I5) and R7 (I3, I4, I6, I7) have passed; R12 (I1, I2) has not.
    assert [(r["id"], r["overdue"]) for r in data] == [
        ("I1", False),
        ("I2", False),
        ("I3", True),
        ("I3", True),
        ("I4", True),
        ("I5", True),
        ("I6", True),
        ("I7", True),
    ]


def test_default_as_of_is_the_current_fiscal_year(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indicators, "_today", lambda: date(2024, 3, 31))  # 2023年度
    data = records(run)
    assert data[0]["as_of"] == {"year": 2023, "label": "R5"}
    # Only I5's target year (R5 = 2023) is reached, and not yet passed.
    assert not any(r["overdue"] for r in data)


def test_json_contract(run: Run) -> None:
    first, _, groups = records(run, "--as-of", "R8")[:3]
    assert set(first) == RECORD_KEYS
    assert first["baseline"] == {
        "value": 25.6,
        "year": 2017,
        "label": "Ｈ29",
        "as_written": "25.6%（Ｈ29）",
    }
    assert first["target"] == {
        "value": 30,
        "year": 2030,
        "label": "Ｒ12",
        "kind": "at-least",
        "kind_label": "以上",
        "as_written": "30％以上（Ｒ12）",
    }
    assert first["latest"] is None
    assert (first["component"], first["unit"], first["gap"], first["progress"]) == (
        None,
        "%",
        4.4,
        None,
    )
    # The line at 2026: 25.6 + 4.4 × 9/13 = 28.646
    assert first["expected"] == 28.65
    assert (groups["component"], groups["component_label"], groups["unit"]) == (
        "groups",
        "団体数",
        "団体",
    )
    # The whole indicator's grade, on each record of an indicator with several series.
    assert first["overall"] is None
    assert groups["overall"] == {
        "status": "baseline-only",
        "status_label": "ベースラインのみ（実績値がまだない）",
        "points": None,
    }


# With the example actuals, as of R7 (2025):
EVERY_GRADE = [
    # I1 30.5 (R6) ≥ 30 以上 → A.
    ("I1", None, "A"),
    # I2 48.0: (48 − 44.5) / 44.5 = 7.9 % ≥ 5; line at 2024 = 44.5 + 5.5 × 7/13 = 47.46 ≤ 48 → B.
    ("I2", None, "B"),
    # I3 団体数 65: (65 − 61) / 61 = 6.6 %; line at 2024 = 61 + 19 × 4/5 = 76.2 > 65 → B*.
    ("I3", "groups", "B*"),
    # I3 人数 5,500: (5500 − 5480) / 5480 = 0.36 % → C.
    ("I3", "people", "C"),
    # I4 15,000 (R6; R5 was 17,000): (15000 − 16961) / 16961 = −11.6 % → D.
    ("I4", None, "D"),
    # I5 90 in R3 (2021), its baseline year: no actual later than the baseline → E.
    ("I5", None, "E"),
    # I6 has no actual → ベースラインのみ.
    ("I6", None, "baseline-only"),
    # I7 154,170 (R6): 7342 / 146828 = 5.0004 % ≥ 5 → A 増加; the R8 value is after --as-of.
    ("I7", None, "A"),
]


@pytest.mark.parametrize("fixture", [EXAMPLE_CSV, EXAMPLE_YAML])
def test_every_grade_appears_with_the_example_actuals(run: Run, fixture: str) -> None:
    data = records(run, "--actuals", fixture, "--as-of", "R7")
    assert grades(data) == EVERY_GRADE
    assert [r["id"] for r in data if r["overdue"]] == ["I5"]  # target R5 = 2023 < 2025
    i2 = data[1]
    assert i2["latest"] == {"value": 48, "year": 2024, "label": "R6", "source": "例示（架空の値）"}
    assert (i2["gap"], i2["change"], i2["relative_change"], i2["progress"]) == (
        2,  # 50 − 48
        3.5,  # 48 − 44.5
        7.87,  # 3.5 / 44.5
        63.64,  # 3.5 / 5.5
    )
    assert i2["expected_at_latest"] == 47.46
    assert data[5]["reason"] == "基準年度（R3）より後の実績値がなく、比較できない"
    assert data[7]["latest"]["year"] == 2024


def test_table_shows_bars_legend_and_the_aggregate_line(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "view.txt"
    result = run("indicators", "--actuals", EXAMPLE_CSV, "--as-of", "R7", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("関連計画における参考となる指標の評価（R7=2025年度時点）")
    assert (
        lines[-1]
        == "集計: A 2・B 1・B* 1・C 1・D 1・E 1・ベースラインのみ 1 / 総合評価 I3 C（3.5点）"
    )
    assert "  B* 変化率 5% 以上だが直線より遅れ、目標年度までの到達が危ぶまれる" in lines
    i2 = next(line for line in lines if line.startswith("I2 "))
    # 63.6 % of the way: ● at round(0.636 × 15) = 10.
    assert "━━━━━━━━━━●─────" in i2
    assert "44.5% (Ｈ29/2017)" in i2
    assert "50% 以上 (Ｒ12/2030)" in i2
    i7 = next(line for line in lines if line.startswith("I7 "))
    assert "増加 (Ｒ7/2025)" in i7
    assert "146,828 人/年 (R2/2020)" in i7
    i5 = next(index for index, line in enumerate(lines) if line.startswith("I5 "))
    assert lines[i5].split()[1] == "E"
    assert lines[i5 + 1].split()[0] == "期限超過"  # under its grade
    assert result.stderr == (
        f"1 actual after the evaluation year R7 (2025) is not used: {EXAMPLE_CSV}:12 I7 R8\n"
        "as of R7=2025 / 8 series: A 2・B 1・B* 1・C 1・D 1・E 1・ベースラインのみ 1"
        " / 総合評価 I3 C（3.5点）\n"
    )


def test_a_target_with_no_value_has_no_gap_to_show(run: Run) -> None:
    """I7's target is 増加: 目標との差 is empty, not the change since the baseline (+7,342
    人/年 would read as still to go); JSON's gap keeps that change, as documented."""
    text = run("indicators", "--actuals", EXAMPLE_CSV, "--as-of", "R7", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    i7, i1 = (next(r for r in rows if r["ID"] == key) for key in ("I7", "I1"))
    assert (i7["目標までの差"], i7["目標までの差(数値)"]) == ("", "")
    assert i1["目標までの差"] == "'-0.5ポイント"  # the formula guard's apostrophe
    data = records(run, "--actuals", EXAMPLE_CSV, "--as-of", "R7")
    assert next(r for r in data if r["id"] == "I7")["gap"] == 7342


def test_a_figure_before_the_evaluation_period_is_not_called_baseline_only(
    run: Run, tmp_path: Path
) -> None:
    """I2 has a figure (R3) before --since R4: 直近の実績 is — beside E's reason, never
    ベースラインのみ (no figure at all)."""
    actuals = tmp_path / "a.csv"
    actuals.write_text("indicator,year,value\nI2,R3,45\n", encoding="utf-8")
    args = ("--actuals", str(actuals), "--as-of", "R5", "--since", "R4", "-f", "csv")
    text = run("indicators", *args).stdout
    i2 = next(r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["ID"] == "I2")
    assert i2["直近の実績"] == "—"
    assert i2["評価"] == "E"
    assert "評価期間内の実績値なし" in i2["評価の意味"]


def test_behind_target(run: Run) -> None:
    data = records(run, "--actuals", EXAMPLE_CSV, "--as-of", "R7", "--behind-target")
    # Both A series (I1, I7) are left out.
    assert [r["id"] for r in data] == ["I2", "I3", "I3", "I4", "I5", "I6"]


def test_status_filter_comma_separated_and_repeated(run: Run) -> None:
    data = records(
        run, "--actuals", EXAMPLE_CSV, "--as-of", "R7", "--status", "B*,D", "--status", "E"
    )
    assert grades(data) == [("I3", "groups", "B*"), ("I4", None, "D"), ("I5", None, "E")]


def test_threshold_option_changes_the_grade(run: Run) -> None:
    data = records(run, "--actuals", EXAMPLE_CSV, "--as-of", "R7", "--threshold", "10")
    # I2's 7.9 % is under 10 → C; I3 団体数 6.6 % → C; I7 5.0 % → C (増加 needs 10 %).
    assert [r["status"] for r in data] == ["A", "C", "C", "C", "D", "E", "baseline-only", "C"]
    assert data[0]["threshold"] == 10


def test_as_of_before_any_actual(run: Run) -> None:
    data = records(run, "--actuals", EXAMPLE_CSV, "--as-of", "令和4年度")
    # Every example actual is R5 or later, except I5's R3, which is its baseline year.
    assert [r["status"] for r in data] == [*["baseline-only"] * 5, "E", *["baseline-only"] * 2]


def test_nothing_found_exits_1_with_a_message(run: Run) -> None:
    result = run("indicators", "--as-of", "R8", "--status", "A")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "no indicator matches (as of R8=2026 / grades A)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "F"], "unknown status 'F'"),
        (["--as-of", "R"], "kouryu: --as-of: not a year: 'R'"),
        (["--threshold", "0"], "kouryu: --threshold: must be above 0 and at most 100 (%), got 0"),
        (["--format", "pdf"], "kouryu: indicators cannot write pdf; it writes table, json"),
        (["--as-of", "R99"], "kouryu: --as-of: year 'R99' is 2117, more than 20 years after"),
        (["--as-of", "昭和60"], "kouryu: --as-of: 昭和60 (1985) is before every baseline of the"),
        (
            ["--as-of", "R6", "--since", "R8"],
            "kouryu: --since: R8 (2026) is after the evaluation year R6 (2024): no figure could",
        ),
    ],
)
def test_usage_errors_exit_2(run: Run, args: list[str], message: str) -> None:
    result = run("indicators", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [("actuals", "template"), ("report", "-o", "r.html"), ("indicators",)],
)
def test_a_year_the_plan_cannot_mean_is_refused_everywhere(
    run: Run, command: tuple[str, ...], tmp_path: Path
) -> None:
    """A form for R99 would offer years that reading its answers refuses (more than 20 years
    after the last target year): every command that takes --as-of says so alike."""
    if "-o" in command:
        command = (*command[:-1], str(tmp_path / command[-1]))
    result = run(*command, "--as-of", "R99")
    assert result.exit_code == 2
    assert result.stderr.startswith("kouryu: --as-of: year 'R99' is 2117, more than 20 years ")
    assert not (tmp_path / "r.html").exists()
    assert run(*command, "--as-of", "R12").exit_code == 0


def test_bad_actuals_file_exits_3_with_the_line(run: Run, write: Any) -> None:
    path = write("bad.csv", "indicator,year,value\nI8,R5,1\n")
    result = run("indicators", "--actuals", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"kouryu: {path}:2:1: indicator: unknown indicator 'I8' "
        "(expected an id I1, I2, I3, I4, I5, I6, I7, or a name)\n"
    )


def test_csv_format(run: Run) -> None:
    result = run("indicators", "--as-of", "R8", "--format", "csv", "--no-bom")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "評価年度",
        "ID",
        "指標",
        "内訳",
        "単位",
        "基準値",
        "基準値(数値)",
        "基準年度",
        "目標値",
        "目標値(数値)",
        "目標年度",
        "直近の実績",
        "直近の実績(数値)",
        "直近の実績の年度",
        "変化(数値)",
        "目標までの差",
        "目標までの差(数値)",
        "進捗率(%)",
        "見込み（R8=2026年度）",  # the as-of year, never 今年度
        "見込み(数値)",
        "評価",
        "総合評価",
        "評価の意味",
        "期限超過",
    ]
    assert rows[3] == [
        "R8（2026年度）",
        "I3",
        "福祉活動ボランティア団体登録数及び人数",
        "団体数",
        "団体",
        "61 団体 (R2/2020)",
        "61",
        "2020",
        "80 団体 (Ｒ7/2025)",
        "80",
        "2025",
        "ベースラインのみ",
        "",
        "",
        "",
        "'+19 団体",  # a spreadsheet would run +19 as a formula: guarded
        "19",
        "",
        "80 団体",
        "80",
        "ベースラインのみ",
        "ベースラインのみ",
        "ベースラインのみ（実績値がまだない）",
        "○",
    ]


def test_tsv_and_markdown(run: Run) -> None:
    tsv = run("indicators", "--as-of", "R8", "-f", "tsv")
    assert tsv.stdout.splitlines()[1].split("\t")[1:6] == [
        "I1",
        "地域とのつながりが強いと思う市民の割合",
        "",
        "%",
        "25.6% (Ｈ29/2017)",
    ]
    markdown = run("indicators", "--as-of", "R8", "-f", "markdown")
    # The evaluation year in every format: a column here, the header following --as-of.
    assert "| R8（2026年度） | I1 |" in markdown.stdout
    assert "見込み（R8=2026年度）" in markdown.stdout
    assert "今年度" not in markdown.stdout
    assert markdown.stdout.splitlines()[1].startswith("| --- | --- |")
    assert len(markdown.stdout.splitlines()) == 10


def test_xlsx(run: Run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "indicators.xlsx"
    result = run("indicators", "--actuals", EXAMPLE_CSV, "--as-of", "R7", "-o", str(out))
    assert result.exit_code == 0
    summary, sheet = openpyxl.load_workbook(out).worksheets  # printed first, then every column
    assert summary.title == "指標"
    assert summary["A3"].value == "I1"
    assert sheet.title == "指標（全項目）"
    assert sheet["A1"].value == "関連計画における参考となる指標の評価（R7=2025年度時点）"
    assert sheet["A3"].value == "R7（2025年度）"
    assert sheet["B3"].value == "I1"
    assert sheet["R4"].value == 63.6  # I2's progress, a number in Excel
    assert sheet["U5"].value == "B*"
    assert sheet["V5"].value == "C（3.5点）"


def test_svg(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "indicators.svg"
    result = run("indicators", "--actuals", EXAMPLE_CSV, "--as-of", "R7", "-o", str(out))
    assert result.exit_code == 0
    svg = out.read_text(encoding="utf-8")
    # The chart of every series (tests/test_report_charts.py), not a terminal screenshot.
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert "集計: A 2・B 1・B* 1・C 1・D 1・E 1・ベースラインのみ 1" in svg
    assert "textLength" not in svg


def test_help_explains_the_grading_rule(run: Run) -> None:
    result = run("indicators", "--help")
    assert result.exit_code == 0
    assert "B*  改善傾向 but behind that line: the target year is in danger" in result.stdout
    assert "--threshold" in result.stdout


def test_a_figure_keeps_every_digit_it_was_written_with(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("indicator,year,value\nI1,R6,27.123456789012\n", encoding="utf-8")
    data = records(run, "--actuals", str(path), "--as-of", "R6")
    assert data[0]["latest"]["value"] == 27.123456789012
    history = json.loads(
        run("indicators", "--actuals", str(path), "--history", "-f", "json").stdout
    )
    assert history[0]["actuals"][0]["value"] == 27.123456789012
