"""Actuals files (実績値): YAML and CSV, merged into the plan, every problem with its line."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.core.model import EraYear, Observation, Plan
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.indicators.actuals import (
    later_than,
    load_actuals,
    merge_actuals,
    read_actuals,
    read_all,
)

FIXTURES = Path(__file__).parent / "fixtures"
Write = Callable[[str, str], Path]


def actuals_of(plan: Plan, indicator: str, key: str = "") -> tuple[Observation, ...]:
    found = next(i for i in plan.indicators if i.id == indicator)
    return next(s for s in found.series if s.key == key).actuals


def problems(path: Path, plan: Plan) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load_actuals(path, plan, label=path.name)
    return [str(p) for p in caught.value.problems]


def test_csv_fixture_is_merged_into_the_plan(plan: Plan) -> None:
    merged = load_actuals(FIXTURES / "actuals-example.csv", plan)
    assert actuals_of(merged, "I3", "groups") == (
        Observation(EraYear("R6", 2024), 65, "例示（架空の値）"),
    )
    # "5,500" in quotes is a number with a thousands separator.
    assert actuals_of(merged, "I3", "people")[0].value == 5500
    assert [o.year.year for o in actuals_of(merged, "I4")] == [2023, 2024]
    assert actuals_of(merged, "I6") == ()
    # The plan itself is unchanged.
    assert actuals_of(plan, "I1") == ()


def test_yaml_fixture_gives_the_same_values_as_the_csv(plan: Plan) -> None:
    from_csv = load_actuals(FIXTURES / "actuals-example.csv", plan)
    from_yaml = load_actuals(FIXTURES / "actuals-example.yaml", plan)
    for indicator in plan.indicators:
        for series in indicator.series:
            left = actuals_of(from_csv, indicator.id, series.key)
            right = actuals_of(from_yaml, indicator.id, series.key)
            assert [(o.year.year, o.value) for o in left] == [(o.year.year, o.value) for o in right]


def test_csv_with_japanese_headers_bom_and_comments(plan: Plan, write: Write) -> None:
    path = write(
        "実績.csv",
        "\ufeff# 例示用\n"
        "指標,内訳,年度,実績値,出典\n"
        "I3,団体数,令和6年度,70,例\n"
        "\n"
        "i7,,2024,150000,\n",
    )
    merged = load_actuals(path, plan)
    assert actuals_of(merged, "I3", "groups") == (
        Observation(EraYear("令和6年度", 2024), 70, "例"),
    )
    assert actuals_of(merged, "I7") == (Observation(EraYear("2024", 2024), 150000, ""),)


def test_tsv_is_read_by_its_suffix(plan: Plan, write: Write) -> None:
    path = write("実績.tsv", "indicator\tyear\tvalue\nI1\tR5\t27.5\n")
    assert actuals_of(load_actuals(path, plan), "I1")[0].value == 27.5


def test_csv_problems_are_all_reported_with_line_and_column(plan: Plan, write: Write) -> None:
    path = write(
        "a.csv",
        "indicator,component,year,value\n"
        "I9,,R5,1\n"  # line 2
        "I3,,R5,1\n"  # line 3: compound without component
        "I3,teams,R5,1\n"  # line 4
        "I1,groups,R5,1\n"  # line 5: single series with a component
        "I1,,R99x,1\n"  # line 6
        "I1,,R5,many\n"  # line 7
        "I1,,R5,27\n"  # line 8
        "I1,,2023,28\n"  # line 9: R5 is 2023, given twice
        "I2,,,\n"  # line 10: a blank line of the form, skipped
        "I2,,,5\n",  # line 11: a value without a year
    )
    assert problems(path, plan) == [
        "a.csv:2:1: indicator: unknown indicator 'I9' "
        "(expected an id I1, I2, I3, I4, I5, I6, I7, or a name)",
        "a.csv:3:2: component: I3 has components: give one of groups (団体数), people (人数)",
        "a.csv:4:2: component: unknown component 'teams' of I3 "
        "(expected groups (団体数), people (人数))",
        "a.csv:5:2: component: I1 has no components: leave component empty (got 'groups')",
        "a.csv:6:3: year: not a year: 'R99x' (expected an era year such as R5, H29, "
        "令和5年度, R6/2024, or 2023)",
        "a.csv:7:4: value: expected a number, got 'many'",
        "a.csv:9:3: year: I1 2023 ('2023') is given twice with different values: "
        "28 here, 27 in a.csv:8",
        "a.csv:11:3: year: must not be empty",
    ]


def test_csv_header_problems(plan: Plan, write: Write) -> None:
    path = write("h.csv", "# comment\nindicator,when,value\nI1,R5,1\n")
    assert problems(path, plan) == ["h.csv:2: missing column year"]
    path = write("n.csv", "年度,実績値\nR5,1\n")
    assert problems(path, plan) == ["n.csv:1: missing column indicator (指標ID or 指標名)"]


def test_an_empty_file(plan: Plan, write: Write) -> None:
    assert problems(write("e.csv", "\n \n"), plan) == ["e.csv: the file is empty"]


def test_csv_without_a_header(plan: Plan, write: Write) -> None:
    assert problems(write("e.csv", "# nothing\n\n"), plan) == [
        "e.csv: no header row (expected columns such as 指標ID or 指標名, 年度, 実績値; "
        "or indicator, year, value)"
    ]


def test_csv_row_with_too_many_fields(plan: Plan, write: Write) -> None:
    path = write("w.csv", "indicator,year,value\nI1,R5,27,extra\n")
    assert problems(path, plan) == ["w.csv:2: 4 fields, but the header has 3"]


def test_yaml_problems_have_line_numbers(plan: Plan, write: Write) -> None:
    path = write(
        "a.yaml",
        "actuals:\n"
        "  - {indicator: I1, year: R5, value: 27}\n"
        "  - {indicator: I1, year: 令和5年度, value: 28}\n"
        "  - {indicator: I3, component: groups, year: R5, value: x}\n"
        "  - {indicator: I5, year: R5, value: 95, when: now}\n",
    )
    assert problems(path, plan) == [
        "a.yaml:3:27: actuals[1].year: I1 2023 ('令和5年度') is given twice with different "
        "values: 28 here, 27 in a.yaml:2",
        "a.yaml:4:57: actuals[2].value: expected a number, got 'x'",
        "a.yaml:5:42: actuals[3].when: unknown key 'when' "
        "(allowed: checked, component, indicator, name, significance, source, unit, value, year)",
    ]


def test_duplicate_against_actuals_already_in_the_plan(plan: Plan, write: Write) -> None:
    first = load_actuals(write("one.csv", "indicator,year,value\nI5,R5,100\n"), plan)
    path = write("two.yaml", "actuals:\n  - {indicator: I5, year: '2023', value: 101}\n")
    assert problems(path, first) == [
        "two.yaml:2:27: actuals[0].year: I5 2023 ('2023') is given twice with different "
        "values: 101 here, 100 in the plan file ('R5')"
    ]


def test_yaml_must_have_an_actuals_list(plan: Plan, write: Write) -> None:
    assert problems(write("x.yaml", "- I1\n"), plan) == [
        "x.yaml:1:1: expected a mapping (key: value), got a list"
    ]


def test_missing_file_is_a_plan_error(plan: Plan, tmp_path: Path) -> None:
    assert problems(tmp_path / "none.csv", plan) == ["none.csv: no such file"]


# --- what clerks write ------------------------------------------------------------------------


def read_one(path: Path, plan: Plan) -> list[tuple[str, int, float]]:
    found = read_actuals(path, plan, label=path.name)
    return [(a.what, a.observation.year.year, a.observation.value) for a in found.actuals]


def test_values_as_clerks_type_them(plan: Plan, write: Write) -> None:
    path = write(
        "v.csv",
        "指標,内訳,年度,実績値\n"
        "I1,,R6,27.1%\n"
        "I2,,R6,２７．１％\n"
        'I7,,R6,"150,000人"\n'
        "I5,,R4,90か所\n"
        "I1,,R4,△5\n"
        "I2,,R4,▲5\n"
        'I3,人数,R4,"５，４８０"\n',
    )
    assert read_one(path, plan) == [
        ("I1", 2024, 27.1),
        ("I2", 2024, 27.1),
        ("I7", 2024, 150000),
        ("I5", 2022, 90),
        ("I1", 2022, -5),
        ("I2", 2022, -5),
        ("I3 人数", 2022, 5480),
    ]


def test_a_unit_that_contradicts_the_series_names_both(plan: Plan, write: Write) -> None:
    path = write("u.csv", "指標,年度,実績値,単位\nI5,R6,90人,\nI6,R6,90,人\n")
    assert problems(path, plan) == [
        "u.csv:2:3: value: '90人' is in 人, but this series is counted in か所",
        "u.csv:3:4: unit: unit '人' contradicts the series' unit 'か所'",
    ]


def test_years_as_people_write_them(plan: Plan, write: Write) -> None:
    path = write(
        "y.csv",
        "指標,年度,実績値\n"
        "I1,R6/2024,27\n"
        "I2,令和6年度（2024年度）,45\n"
        "I4,2024年度,17000\n"
        "I6,平成32年度,66\n"
        "I7,Ｈ34,150000\n",
    )
    found = read_actuals(path, plan, label="y.csv")
    assert [(a.what, a.observation.year.year) for a in found.actuals] == [
        ("I1", 2024),
        ("I2", 2024),
        ("I4", 2024),
        ("I6", 2020),
        ("I7", 2022),
    ]
    assert "y.csv:5: 平成32年度 is a projected 平成 year: 平成32年度 = 2020 = R2" in found.guesses


def test_years_that_disagree_or_are_absurd(plan: Plan, write: Write) -> None:
    path = write("y.csv", "指標,年度,実績値\nI1,R6/2025,1\nI6,R66,1\n")
    assert problems(path, plan) == [
        "y.csv:2:2: year: 'R6/2025': 令和6年 is 2024, not 2025",
        "y.csv:3:2: year: year 'R66' is 2084, more than 20 years after the plan's last "
        "target year 2030 (a typo?)",
    ]


def test_an_indicator_named_by_its_name_or_a_part_of_it(plan: Plan, write: Write) -> None:
    path = write(
        "n.csv",
        "指標名,内訳,年度,実績値\n"
        "地域交流センターの利用者数,,R6,150000\n"
        "通いの場,,R6,92\n"
        "ボランティア団体,団体数,R6,65\n",
    )
    found = read_actuals(path, plan, label="n.csv")
    assert [(a.what, a.observation.value) for a in found.actuals] == [
        ("I7", 150000),
        ("I5", 92),
        ("I3 団体数", 65),
    ]
    assert "n.csv:3: '通いの場' read as I5 住民運営通いの場の設置数" in found.guesses


def test_an_ambiguous_name_lists_the_candidates(plan: Plan, write: Write) -> None:
    path = write("n.csv", "指標名,年度,実績値\n設置数,R6,1\n")
    assert problems(path, plan) == [
        "n.csv:2:1: name: '設置数' could be any of: I5 住民運営通いの場の設置数, "
        "I6 ふれあい・いきいきサロンの設置数; give the id or the whole name"
    ]


def test_id_and_name_that_disagree(plan: Plan, write: Write) -> None:
    path = write("n.csv", "指標ID,指標名,年度,実績値\nI5,ふれあい,R6,1\n")
    assert problems(path, plan) == [
        "n.csv:2:2: name: 'I5' is I5 but 'ふれあい' is I6: which one is meant?"
    ]


def test_extra_columns_are_ignored_and_listed(plan: Plan, write: Write) -> None:
    path = write("x.csv", "指標,年度,実績値,備考,担当者\nI1,R6,27,メモ,山田\n")
    found = read_actuals(path, plan)
    assert found.ignored_columns == ("担当者",)  # 備考 is one of the template's columns
    assert len(found.actuals) == 1


def test_a_title_line_before_the_header_and_blank_rows(plan: Plan, write: Write) -> None:
    path = write("t.csv", "令和6年度 実績値,,\n指標,年度,実績値\nI1,R6,\nI2,R6,48\n")
    found = read_actuals(path, plan, label="t.csv")
    assert [a.what for a in found.actuals] == ["I2"]
    assert found.guesses[1:] == (
        "t.csv: line(s) 1 before the header taken as a title, not data",
        "t.csv: 1 row(s) without a value skipped (not yet filled in)",
    )


@pytest.mark.parametrize("name", ["実績値.txt", "実績値", "data.yaml"])
def test_a_csv_is_recognised_by_content_whatever_its_name(
    plan: Plan, write: Write, name: str
) -> None:
    path = write(name, "indicator,year,value\nI1,R6,30\n")
    found = read_actuals(path, plan)
    assert (found.kind, len(found.actuals)) == ("CSV", 1)


def test_yaml_is_recognised_by_content(plan: Plan, write: Write) -> None:
    path = write("実績値.csv", "actuals:\n  - {indicator: I1, year: R6, value: 30}\n")
    assert read_actuals(path, plan).kind == "YAML"


@pytest.mark.parametrize(
    ("encoding", "prefix", "said"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 with a BOM"),
        ("utf-16", b"", "UTF-16 with a BOM"),  # Excel's Unicode text: tab-separated
        ("cp932", b"", "Shift_JIS (cp932)"),
    ],
)
def test_encodings_read_as_they_are(
    plan: Plan, tmp_path: Path, encoding: str, prefix: bytes, said: str
) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(prefix + "指標\t年度\t実績値\t備考\nI1\tR6\t30\t18～64歳\n".encode(encoding))
    found = read_actuals(path, plan, label="t.txt")
    assert found.guesses[0] == f"t.txt: read as TSV, encoding {said}"
    assert found.actuals[0].observation.value == 30


def test_another_encoding_gets_a_command_that_converts_it(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "r6.csv"
    path.write_bytes("指標,年度,実績値,備考\nI1,R6,30,住民運営\n".encode("euc_jp"))
    with pytest.raises(DataFileError) as caught:
        read_actuals(path, plan)
    command = f"iconv -f EUC-JP -t UTF-8 {path} > {tmp_path / 'r6-utf8.csv'}"
    assert str(caught.value) == (
        f"{path}: the file looks like EUC-JP, which kouryu does not read; save it as UTF-8 "
        f"or convert it with `{command}`"
    )
    if shutil.which("iconv"):
        subprocess.run(command, shell=True, check=True)  # noqa: S602 - the command we print
        assert len(read_actuals(tmp_path / "r6-utf8.csv", plan).actuals) == 1


def test_utf16_without_a_bom_gets_its_own_command(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("指標,年度,実績値\nI1,R6,30\n".encode("utf-16-le"))
    assert "iconv -f UTF-16LE -t UTF-8" in problems(path, plan)[0]


def test_stdin(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.TextIOWrapper(io.BytesIO("指標,年度,実績値\nI1,R6,30\n".encode("cp932")))
    monkeypatch.setattr(sys, "stdin", stream)
    found = read_actuals(Path("-"), plan)
    assert (found.name, found.kind, len(found.actuals)) == ("<stdin>", "CSV", 1)


def test_reading_stops_at_the_limit_counted_on_bytes_read(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /dev/zero says it is 0 bytes long and never ends.
    monkeypatch.setenv("KOURYU_MAX_BYTES", "3000000")
    assert problems(Path("/dev/zero"), plan) == [
        "zero: more than 3,000,000 bytes were read, over the limit of 3,000,000 bytes "
        "(raise it with the environment variable KOURYU_MAX_BYTES)"
    ]


def test_a_workbook_with_numbers_and_text(plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "集計"
    sheet.append(["令和6年度 指標の実績"])
    sheet.append(["指標ID", "内訳", "年度", "実績値", "備考"])
    sheet.append(["I3", "団体数", "R6", 65, None])
    sheet.append(["I7", None, 2024, "154,170人", None])
    sheet.append(["I1", None, "R6", "many", None])
    path = tmp_path / "実績値.data"
    book.save(path)
    assert problems(path, plan) == ["実績値.data:集計!D5: value: expected a number, got 'many'"]
    sheet.delete_rows(5)
    book.save(path)
    assert read_one(path, plan) == [("I3 団体数", 2024, 65), ("I7", 2024, 154170)]


# --- several files ----------------------------------------------------------------------------


def test_several_files_merge_in_order(plan: Plan, write: Write) -> None:
    r6 = write("r6.csv", "指標,年度,実績値\nI1,R6,30\nI2,R6,48\n")
    r5 = write("r5.yaml", "actuals:\n  - {indicator: I1, year: R5, value: 28}\n")
    merged = merge_actuals(plan, read_all([r6, r5], plan))
    assert [(o.year.year, o.value) for o in actuals_of(merged, "I1")] == [(2023, 28), (2024, 30)]
    assert [o.value for o in actuals_of(merged, "I2")] == [48]


def test_the_same_year_in_two_files_names_both_places(plan: Plan, write: Write) -> None:
    one = write("one.csv", "指標,年度,実績値\nI1,R6,30\nI2,R6,48\n")
    two = write("two.csv", "指標,年度,実績値\nI2,令和6年度,48\nI1,2024,31\n")
    with pytest.raises(DataFileError) as caught:
        read_all([one, two], plan)
    # I2 is given twice with the same value: not a conflict.
    assert [str(p) for p in caught.value.problems] == [
        f"{two}:3:2: year: I1 2024 ('2024') is given twice with different values: "
        f"31 here, 30 in {one}:2"
    ]


def test_every_problem_of_every_file_at_once(plan: Plan, write: Write) -> None:
    one = write("one.csv", "指標,年度,実績値\nI9,R6,30\n")
    two = write("two.csv", "指標,年度,実績値\nI1,R6,x\n")
    with pytest.raises(DataFileError) as caught:
        read_all([one, two], plan)
    assert [p.file for p in caught.value.problems] == [str(one), str(two)]


def test_actuals_after_the_evaluation_year_are_named(plan: Plan, write: Write) -> None:
    path = write("t.csv", "指標,年度,実績値\nI1,R6,30\nI6,R8,70\nI7,R9,160000\n")
    files = read_all([path], plan)
    assert later_than(plan, files, EraYear("R6", 2024)) == (
        "2 actuals after the evaluation year R6 (2024) are not used: "
        f"{path}:3 I6 R8, {path}:4 I7 R9"
    )
    assert later_than(plan, files, EraYear("R9", 2027)) is None
    # Those in the plan itself are named too.
    in_plan = merge_actuals(
        plan, read_all([write("p.csv", "指標,内訳,年度,実績値\nI3,人数,R8,5500\n")], plan)
    )
    assert later_than(in_plan, [], EraYear("R6", 2024)) == (
        "1 actual after the evaluation year R6 (2024) is not used: the plan file I3 人数 R8"
    )


# --- figures as Excel keeps them --------------------------------------------------------------


def percent_workbook(path: Path, rows: list[tuple[str, str, float, str]]) -> Path:
    """A workbook as Excel saves it after a clerk typed 27.3% into a cell: 0.273, shown as %."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指標ID", "年度", "実績値"])
    for indicator, year, value, number_format in rows:
        sheet.append([indicator, year, value])
        sheet.cell(sheet.max_row, 3).number_format = number_format
    book.save(path)
    return path


def test_a_percentage_typed_in_excel_is_read_as_the_percentage(plan: Plan, tmp_path: Path) -> None:
    path = percent_workbook(
        tmp_path / "p.xlsx",
        [("I1", "R6", 0.273, "0.0%"), ("I2", "R6", 0.48, "0%"), ("I7", "R6", 150000, "#,##0")],
    )
    assert read_one(path, plan) == [("I1", 2024, 27.3), ("I2", 2024, 48), ("I7", 2024, 150000)]


def test_a_percent_cell_for_a_count_contradicts_its_unit(plan: Plan, tmp_path: Path) -> None:
    path = percent_workbook(tmp_path / "p.xlsx", [("I5", "R6", 0.9, "0%")])
    assert problems(path, plan) == [
        "p.xlsx:Sheet!C2: value: '90%' is in %, but this series is counted in か所"
    ]


def test_a_percentage_typed_into_the_template(plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from kouryu_cli.indicators.template import VALUE_COLUMN, template_workbook

    path = tmp_path / "実績値.xlsx"
    path.write_bytes(template_workbook(plan, EraYear("R6", 2024)))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    row = next(
        r
        for r in range(1, sheet.max_row + 1)
        if sheet.cell(r, 1).value == "I1" and sheet.cell(r, VALUE_COLUMN).value == "R6"
    )
    # What Excel stores when 27.3% is typed into the numeric 実績値 cell.
    sheet.cell(row, VALUE_COLUMN + 1).value = 0.273
    sheet.cell(row, VALUE_COLUMN + 1).number_format = "0.0%"
    book.save(path)
    assert read_one(path, plan) == [("I1", 2024, 27.3)]


def test_a_stray_cell_at_the_far_corner_is_read_past(plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["指標ID", "年度", "実績値"])
    sheet.append(["I1", "R6", 30.5])
    sheet["XFD1048576"] = "メモ"  # Ctrl+End, then a note
    path = tmp_path / "s.xlsx"
    book.save(path)
    found = read_actuals(path, plan, label="s.xlsx")
    assert [(a.what, a.observation.value) for a in found.actuals] == [("I1", 30.5)]
    assert "s.xlsx:Sheet!XFD1048576: text outside the table's columns ignored" in found.guesses


# --- figures that cannot be right -------------------------------------------------------------


RIGHT = "If the figure is right, write 済 in its column 確認 (YAML: checked: 済)"


def test_figures_that_cannot_be_right_are_errors_at_their_cell(plan: Plan, write: Write) -> None:
    path = write(
        "f.csv",
        "指標ID,内訳,年度,実績値\n"
        "I1,,R6,0.3\n"  # 27.3 % typed as a fraction
        "I7,,R6,1541700\n"  # a digit too many
        "I5,,R6,-3\n"
        "I3,人数,R6,△10\n"
        "I2,,Ｈ28,44\n"
        "I6,,平成32年度,67\n"
        "I4,,R1,16961\n",  # the baseline itself: accepted
    )
    assert problems(path, plan) == [
        "f.csv:2:4: value: 0.3 is 10 or more times away from I1's baseline 25.6% (Ｈ29): "
        "a misplaced decimal point, or a percentage written as a fraction? " + RIGHT,
        "f.csv:3:4: value: 1,541,700 is 10 or more times away from I7's baseline 146,828 (R2): "
        "a misplaced decimal point, or a percentage written as a fraction? " + RIGHT,
        "f.csv:4:4: value: -3: I5 counts か所, which cannot be negative",
        "f.csv:5:4: value: -10: I3 人数 counts 人, which cannot be negative",
        "f.csv:6:3: year: Ｈ28 (2016) is before I2's baseline year Ｈ29 (2017): "
        "the plan is measured from there",
        "f.csv:7:4: value: 67 for 平成32年度 (2020), the baseline year of I6, differs from "
        "the plan's baseline 66",
    ]


def test_a_far_figure_marked_as_checked_is_kept_and_said_so(plan: Plan, write: Write) -> None:
    # A count can grow tenfold (a new programme): the clerk who checked it says so.
    path = write(
        "f.csv",
        "指標ID,年度,実績値,確認\n"
        "I5,R6,1200,済\n"  # baseline 90 か所
        "I1,R6,0.3,\n"  # not marked: still an error
        "I7,R6,14682800,確認済み\n",
    )
    assert problems(path, plan) == [
        "f.csv:3:3: value: 0.3 is 10 or more times away from I1's baseline 25.6% (Ｈ29): "
        "a misplaced decimal point, or a percentage written as a fraction? " + RIGHT,
    ]
    marked = write("g.csv", "指標ID,年度,実績値,確認\nI5,R6,1200,○\nI7,R6,14682800,yes\n")
    found = read_actuals(marked, plan, label="g.csv")
    assert [(a.what, a.observation.value) for a in found.actuals] == [
        ("I5", 1200),
        ("I7", 14682800),
    ]
    assert (
        "g.csv:2: 1,200 is 10 or more times away from I5's baseline 90 (R3); "
        "kept: marked as checked"
    ) in found.guesses


def test_a_test_result_the_figure_contradicts_is_refused(plan: Plan, write: Write) -> None:
    """有意差 改善 of a figure gone the wrong way for its target (悪化 of one gone the right way)
    cannot be right: the report would say 改善 beside a fall."""
    path = write(
        "t.csv",
        "指標ID,年度,実績値,有意差\n"
        "I1,R6,25.0,改善\n"  # 25.6 → 25.0 for a target of 30 % 以上: worse
        "I2,R6,51,有意に悪化\n"  # 44.5 → 51 for 50 % 以上: better
        "I1,R7,26.0,改善\n"  # better: read
        "I2,R7,44.0,悪化\n"  # worse: read
        "I4,R6,17000,有意差なし\n",  # no direction to contradict
    )
    assert problems(path, plan) == [
        "t.csv:2:4: significance: the test says 改善, but I1 went from its baseline 25.6 to "
        "25, which is not 改善 for its target: check the figure or the test",
        "t.csv:3:4: significance: the test says 悪化, but I2 went from its baseline 44.5 to "
        "51, which is not 悪化 for its target: check the figure or the test",
    ]
    fine = write("u.csv", "指標ID,年度,実績値,有意差\nI1,R7,26.0,改善\nI2,R7,44.0,悪化\n")
    assert len(read_actuals(fine, plan).actuals) == 2


def test_checked_in_yaml_or_by_name_and_not_checked_marks(plan: Plan, write: Write) -> None:
    text = "actuals:\n  - {indicator: I5, year: R6, value: 1200, checked: true}\n"
    found = read_actuals(write("a.yaml", text), plan, label="a.yaml")
    assert [a.observation.value for a in found.actuals] == [1200]
    # A name or a stamp says who checked it; 未, ×, no or nothing says nobody has.
    path = write(
        "f.csv",
        "指標ID,年度,実績値,確認\nI5,R6,1200,山田\nI5,R5,1100,未確認\nI5,R4,1000,ー\nI5,R7,900,ｰ\n",
    )
    assert [p.split(": value:")[0] for p in problems(path, plan)] == [
        "f.csv:3:3",
        "f.csv:4:3",
        "f.csv:5:3",
    ]


def test_a_wrong_baseline_figure_in_a_workbook_names_its_cell(plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "実績値"
    sheet.append(["指標ID", "年度", "実績値"])
    sheet.append(["I6", "平成32年度", 67])
    path = tmp_path / "b.xlsx"
    book.save(path)
    assert problems(path, plan) == [
        "b.xlsx:実績値!C2: value: 67 for 平成32年度 (2020), the baseline year of I6, differs "
        "from the plan's baseline 66"
    ]


# --- YAML recognised by content ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "note: 令和6年度分, 市調べ\nactuals:\n  - {indicator: I1, year: R6, value: 30}\n",
        '{"actuals": [{"indicator": "I1", "year": "R6", "value": 30}]}\n',
        "# 実績値, 令和6年度\n\nactuals:\n- indicator: I1\n  year: R6\n  value: 30\n",
    ],
    ids=["note-first", "json", "comment-with-comma"],
)
def test_yaml_is_recognised_whatever_comes_first(plan: Plan, write: Write, text: str) -> None:
    found = read_actuals(write("実績値.txt", text), plan)
    assert found.kind == "YAML"
    assert [(a.what, a.observation.value) for a in found.actuals] == [("I1", 30)]
