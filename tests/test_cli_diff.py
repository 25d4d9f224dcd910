"""`kouryu diff OLD NEW`: exit statuses, the summary line, formats, and the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHIPPED, Run
from tests.editions import edition, indicator, measure, section


def _changed(data: dict[str, Any]) -> None:
    item = measure(data, "1-1-01")
    item["name"] = "生涯学習推進事業"
    section(data, 1, 2)["measures"].pop(0)
    section(data, 3, 1)["measures"].append(
        {
            "id": "3-1-99",
            "name": "新事業",
            "departments": ["健康増進課"],
            "ages": ["65+"],
            "description": "説明。",
        }
    )
    data["departments"].append({"name": "新設課"})
    data["vision"]["slogan"] = "つながろう！"
    indicator(data, "I1")["series"][0]["target"] = 35


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    """An old edition (the shipped plan dumped) and a new one with one change of several kinds."""
    return str(edition(tmp_path, "r5.yaml")), str(edition(tmp_path, "r6.yaml", _changed))


def test_identical_files_are_the_same(run: Run) -> None:
    result = run("diff", str(SHIPPED), str(SHIPPED))
    assert result.exit_code == 0
    assert result.stdout == "差分なし\n"
    assert result.stderr == ""


def test_the_shipped_plan_and_its_yaml_dump_are_the_same(run: Run, tmp_path: Path) -> None:
    result = run("diff", str(SHIPPED), str(edition(tmp_path, "dump.yaml")))
    assert result.exit_code == 0
    assert result.stdout == "差分なし\n"


def test_different_editions_exit_1_with_the_summary_first(run: Run, pair: tuple[str, str]) -> None:
    result = run("diff", *pair)
    assert result.exit_code == 1
    assert result.stdout == (
        "追加 2・削除 1・変更 3\n"
        "\n"
        "事務事業\n"
        "  1.生きがいづくりの推進 ＞ （１）講座開催の充実\n"
        "    ~ 1-1-01 社会教育推進事業 → 生涯学習推進事業（対応: 説明が一致）\n"
        "  1.生きがいづくりの推進 ＞ （２）社会参加の促進\n"
        "    - 1-2-01 観光ボランティアガイド活動支援事業\n"
        "  3.つながり合う地域づくりの推進 ＞ （１）地域の支え合い支援\n"
        "    + 3-1-99 新事業（健康増進課）\n"
        "\n"
        "所管課\n"
        "  + 新設課\n"
        "\n"
        "本文\n"
        "  ~ 目指す市民の姿\n"
        "      「つながろう[-やぁ！人と人とのつながりを楽しむ市民-]{+！+}」\n"
        "\n"
        "指標\n"
        "  ~ I1 地域とのつながりが強いと思う市民の割合\n"
        "      目標値: [-30-] → {+35+}\n"
    )
    assert result.stderr == ""


def test_json_follows_the_documented_contract(run: Run, pair: tuple[str, str]) -> None:
    result = run("diff", *pair, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["same", "summary", "measures", "departments", "texts", "indicators"]
    assert data["same"] is False
    assert data["summary"] == {"added": 2, "removed": 1, "changed": 3}
    assert list(data["measures"]) == ["added", "removed", "changed"]
    (added,) = data["measures"]["added"]
    assert added == {
        "id": "3-1-99",
        "name": "新事業",
        "policy": 3,
        "section": 1,
        "place": added["place"],
        "departments": ["健康増進課"],
        "ages": ["65+"],
        "icons": [],
        "description": "説明。",
    }
    assert [m["id"] for m in data["measures"]["removed"]] == ["1-2-01"]
    (changed,) = data["measures"]["changed"]
    assert changed == {
        "id": "1-1-01",
        "old_id": "1-1-01",
        "name": "生涯学習推進事業",
        "old_name": "社会教育推進事業",
        "policy": 1,
        "section": 1,
        "place": "1.生きがいづくりの推進 ＞ （１）講座開催の充実",
        "matched_by": "description",
        "score": None,
        "changes": [{"field": "name", "old": "社会教育推進事業", "new": "生涯学習推進事業"}],
    }
    assert data["departments"] == {
        "added": [{"name": "新設課", "reading": ""}],
        "removed": [],
        "changed": [],
    }
    assert data["texts"] == [
        {
            "path": "vision.slogan",
            "where": "目指す市民の姿",
            "old": "つながろうやぁ！人と人とのつながりを楽しむ市民",
            "new": "つながろう！",
        }
    ]
    assert data["indicators"]["added"] == data["indicators"]["removed"] == []
    assert data["indicators"]["changed"] == [
        {
            "id": "I1",
            "old_id": "I1",
            "name": "地域とのつながりが強いと思う市民の割合",
            "old_name": "地域とのつながりが強いと思う市民の割合",
            "matched_by": "name",
            "score": None,
            "changes": [{"field": "series.target", "old": 30.0, "new": 35.0}],
        }
    ]


def test_json_of_a_move_gives_both_places(run: Run, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        moved = section(data, 1, 1)["measures"].pop(1)
        section(data, 2, 1)["measures"].insert(0, moved)

    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", edit)
    result = run("diff", str(old), str(new), "-f", "json")
    (changed,) = json.loads(result.stdout)["measures"]["changed"]
    assert changed["changes"] == [
        {
            "field": "place",
            "old": {
                "policy": 1,
                "section": 1,
                "label": "1.生きがいづくりの推進 ＞ （１）講座開催の充実",
            },
            "new": {
                "policy": 2,
                "section": 1,
                "label": "2.交流の場と機会の提供 ＞ （１）交流の促進",
            },
        }
    ]


def test_json_of_the_same_editions(run: Run) -> None:
    result = run("diff", str(SHIPPED), str(SHIPPED), "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "same": True,
        "summary": {"added": 0, "removed": 0, "changed": 0},
        "measures": {"added": [], "removed": [], "changed": []},
        "departments": {"added": [], "removed": [], "changed": []},
        "texts": [],
        "indicators": {"added": [], "removed": [], "changed": []},
    }


def test_markdown_starts_with_the_summary(run: Run, pair: tuple[str, str]) -> None:
    result = run("diff", *pair, "-f", "markdown")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "追加 2・削除 1・変更 3",
        "",
        "## 事務事業",
        "",
        "### 1.生きがいづくりの推進 ＞ （１）講座開催の充実",
    ]
    assert "- **追加** 3-1-99 新事業（健康増進課）" in lines
    assert "- **削除** 1-2-01 観光ボランティアガイド活動支援事業" in lines


def test_table_format_keeps_the_markers_without_colour(run: Run, pair: tuple[str, str]) -> None:
    result = run("diff", *pair, "-f", "table")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "追加 2・削除 1・変更 3"
    assert "      目標値: [-30-] → {+35+}" in result.stdout.splitlines()
    assert "\x1b" not in result.stdout


def test_output_file_gets_the_report(run: Run, pair: tuple[str, str], tmp_path: Path) -> None:
    target = tmp_path / "変更点.md"
    result = run("diff", *pair, "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("追加 2・削除 1・変更 3\n\n## 事務事業\n")


def test_an_invalid_file_is_a_plan_error(run: Run, write: Any) -> None:
    broken = write("broken.yaml", "schema: 1\nprogram: [\n")
    result = run("diff", str(SHIPPED), str(broken))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith(f"kouryu: {broken}:")


def test_problems_of_both_files_are_reported(run: Run, write: Any) -> None:
    first = write("a.yaml", "schema: 1\n")
    second = write("b.yaml", "schema: 1\n")
    result = run("diff", str(first), str(second))
    assert result.exit_code == 3
    assert f"{first}:" in result.stderr
    assert f"{second}:" in result.stderr


def test_a_missing_file_is_a_plan_error(run: Run, tmp_path: Path) -> None:
    result = run("diff", str(SHIPPED), str(tmp_path / "nothing.yaml"))
    assert result.exit_code == 3
    assert result.stderr == f"kouryu: {tmp_path / 'nothing.yaml'}: no such file\n"


def test_an_unknown_format_is_a_usage_error(run: Run) -> None:
    result = run("diff", str(SHIPPED), str(SHIPPED), "-f", "pdf")
    assert result.exit_code == 2
    assert "diff cannot write pdf; it writes table, json, csv, tsv, markdown, xlsx" in result.stderr


def test_an_output_suffix_diff_cannot_write_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("diff", str(SHIPPED), str(SHIPPED), "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 2
    assert result.stderr == (
        "kouryu: diff cannot write .svg; it writes table, json, csv, tsv, markdown, xlsx, "
        ".txt, .json, .csv, .tsv, .md, .xlsx\n"
    )
    assert not (tmp_path / "x.svg").exists()


_HEADER = "区分,施策,取組,ID,事業名,項目,変更前,変更後"


def test_csv_has_one_row_per_change(run: Run, pair: tuple[str, str]) -> None:
    result = run("diff", *pair, "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "\ufeff" + _HEADER,
        "変更,1.生きがいづくりの推進,（１）講座開催の充実,1-1-01,生涯学習推進事業,事業名,"
        "社会教育推進事業,生涯学習推進事業",
        "削除,1.生きがいづくりの推進,（２）社会参加の促進,1-2-01,"
        "観光ボランティアガイド活動支援事業,説明,観光ガイド団体が実施する事業の活動支援を行います。,",
        "追加,3.つながり合う地域づくりの推進,（１）地域の支え合い支援,3-1-99,新事業,説明,,説明。",
        "追加,,,,,所管課,,新設課",
        "変更,,,,,目指す市民の姿,つながろうやぁ！人と人とのつながりを楽しむ市民,つながろう！",
        "変更,,,I1,地域とのつながりが強いと思う市民の割合,指標 目標値,30,35",
    ]


def test_a_move_is_its_own_row(run: Run, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        moved = section(data, 1, 1)["measures"].pop(1)
        section(data, 2, 1)["measures"].insert(0, moved)
        items = section(data, 1, 2)["measures"]
        items.insert(0, items.pop(3))

    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", edit)
    result = run("diff", str(old), str(new), "-f", "tsv")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "移動\t1.生きがいづくりの推進\t（２）社会参加の促進\t1-2-04\t社会教育士育成事業\t順序\t4\t1",
        "移動\t2.交流の場と機会の提供\t（１）交流の促進\t1-1-02\t石丸総合館管理運営事業\t位置\t"
        "1.生きがいづくりの推進 ＞ （１）講座開催の充実\t"
        "2.交流の場と機会の提供 ＞ （１）交流の促進",
    ]


def _moved_and_changed(data: dict[str, Any]) -> None:
    _changed(data)
    section(data, 3, 1)["measures"].insert(0, section(data, 2, 1)["measures"].pop())


def test_a_move_can_be_written_in_cp932(run: Run, tmp_path: Path) -> None:
    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", _moved_and_changed)
    out = tmp_path / "変更点.csv"
    result = run("diff", str(old), str(new), "-f", "csv", "--encoding", "cp932", "-o", str(out))
    assert (result.exit_code, result.stderr) == (1, "")
    assert "2.交流の場と機会の提供 ＞ （１）交流の促進" in out.read_text(encoding="cp932")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv", "markdown"])
def test_what_diff_writes_itself_is_in_cp932(run: Run, tmp_path: Path, fmt: str) -> None:
    # The shipped plan's text is all in cp932, so every character of the output must be.
    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", _moved_and_changed)
    result = run("diff", str(old), str(new), "-f", fmt)
    assert result.exit_code == 1
    assert "位置" in result.stdout or '"place"' in result.stdout
    result.stdout.removeprefix("\ufeff").encode("cp932")


def test_the_same_editions_give_only_the_header(run: Run) -> None:
    result = run("diff", str(SHIPPED), str(SHIPPED), "-f", "tsv")
    assert result.exit_code == 0
    assert result.stdout == _HEADER.replace(",", "\t") + "\n"


def test_xlsx_for_a_council_report(run: Run, pair: tuple[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "変更点.xlsx"
    result = run("diff", *pair, "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    book = load_workbook(target)
    assert book.sheetnames == ["変更点"]
    page = book["変更点"]
    assert page["A1"].value == f"変更点: {pair[0]} → {pair[1]}"
    assert [c.value for c in page[2]] == _HEADER.split(",")
    assert [c.value for c in page[3]] == [
        "変更",
        "1.生きがいづくりの推進",
        "（１）講座開催の充実",
        "1-1-01",
        "生涯学習推進事業",
        "事業名",
        "社会教育推進事業",
        "生涯学習推進事業",
    ]
    assert page.max_row == 2 + 6
    assert page.freeze_panes == "A3"
    assert page.print_title_rows == "$2:$2"
    assert page.page_setup.orientation == "landscape"
    assert str(page.page_setup.paperSize) == page.PAPERSIZE_A4
    assert page.page_setup.fitToWidth == 1
    assert page.column_dimensions["E"].width > page.column_dimensions["A"].width


def test_a_workbook_keeps_numbers_numbers_and_says_when_nothing_changed(
    run: Run, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    text = SHIPPED.read_text(encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(
        text.replace("        target: 30\n", "        target: 35\n", 1), encoding="utf-8"
    )
    target = tmp_path / "d.xlsx"
    assert run("diff", str(SHIPPED), str(new), "-o", str(target)).exit_code == 1
    row = [c.value for c in load_workbook(target)["変更点"][3]]
    assert row[5:] == ["指標 目標値", 30, 35]  # numbers, as a council's sheet sums them
    assert run("diff", str(SHIPPED), str(SHIPPED), "-o", str(target)).exit_code == 0
    assert load_workbook(target)["変更点"]["A1"].value.endswith("（差分なし）")


def test_names_from_the_data_are_never_formulas(run: Run, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        measure(data, "1-1-01")["name"] = "=1+1"

    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", edit)
    csv_result = run("diff", str(old), str(new), "-f", "csv")
    assert csv_result.stdout.splitlines()[1].endswith(",事業名,社会教育推進事業,'=1+1")
    from openpyxl import load_workbook

    target = tmp_path / "x.xlsx"
    run("diff", str(old), str(new), "-o", str(target))
    cell = load_workbook(target)["変更点"]["H3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_help_names_only_what_diff_writes(run: Run) -> None:
    result = run("diff", "--help")
    assert result.exit_code == 0
    assert "table, json, csv, tsv, markdown, xlsx" in result.stdout
    for other in ("svg", "html"):
        assert other not in result.stdout


def test_survey_flags_series_years_relative_targets_and_revisions_are_compared(
    run: Run, tmp_path: Path
) -> None:
    def edit(data: dict[str, Any]) -> None:
        one = indicator(data, "I1")
        one["series"][0]["tested"] = True
        one["series"][0]["target"] = "10% 増加"
        one["history"] = [
            {
                "revised": {"year": "R4", "western_year": 2022},
                "target": "28％以上",
                "note": "中間評価",
            }
        ]
        groups = indicator(data, "I3")["series"][0]
        groups["baseline_year"] = {"year": "H30", "western_year": 2018}

    old, new = edition(tmp_path, "a.yaml"), edition(tmp_path, "b.yaml", edit)
    result = run("diff", str(old), str(new), "-f", "json")
    assert result.exit_code == 1
    changed = {c["id"]: c["changes"] for c in json.loads(result.stdout)["indicators"]["changed"]}
    assert changed["I1"] == [
        {"field": "history", "old": [], "new": ["R4: 目標値 28％以上（中間評価）"]},
        {"field": "series.target", "old": 30, "new": 28.16},
        {"field": "series.target_change", "old": None, "new": 10.0},
        {"field": "series.tested", "old": False, "new": True},
    ]
    assert changed["I3"] == [
        {"field": "series[groups].baseline_year", "old": None, "new": "H30"},
    ]
    report = run("diff", str(old), str(new)).stdout
    assert "見直しの経過: [-（なし）-] → {+R4: 目標値 28％以上（中間評価）+}" in report
    assert "有意差検定: [-なし-] → {+あり+}" in report
    assert "目標値（基準値からの増減%）: [-（なし）-] → {+10+}" in report
    assert "系列 groups 基準年: [-（なし）-] → {+H30+}" in report
