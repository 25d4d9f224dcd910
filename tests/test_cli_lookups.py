"""Lookups as people type them: ids with IME dashes, readings for --dept, misplaced options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kouryu_cli.measures.query import id_key
from tests.conftest import Run


@pytest.mark.parametrize(
    "typed",
    [
        "2-1-07",
        "2-1-7",
        "２－１－０７",
        "2ー1ー07",
        "２ー１ー７",
        "2−1−07",
        "2‐1‐7",
        "2–1–07",
        "2—1—7",
    ],
)
def test_show_finds_an_id_typed_with_any_dash_and_no_leading_zero(run: Run, typed: str) -> None:
    result = run("show", typed, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "2-1-07"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("2-1-07", ("2", "1", "7")),
        ("1-1-01", ("1", "1", "1")),
        ("3-1-10", ("3", "1", "10")),
        ("0-0-00", ("0", "0", "0")),
        ("I3", ("i3",)),
    ],
)
def test_id_key(typed: str, key: tuple[str, ...]) -> None:
    assert id_key(typed) == key


def test_an_unknown_id_suggests_the_nearest_ids(run: Run) -> None:
    result = run("show", "2-1-99")
    assert result.exit_code == 2
    assert result.stderr.startswith("kouryu: no measure '2-1-99'. Did you mean 2-1-19 or 2-1-09")


@pytest.mark.parametrize(
    ("typed", "department"),
    [("こうれい", "高齢福祉課"), ("コウレイ", "高齢福祉課"), ("こそだて", "子育て支援課")],
)
def test_measures_dept_accepts_readings_and_parts_of_them(
    run: Run, typed: str, department: str
) -> None:
    result = run("measures", "--dept", typed, "-f", "json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(found) == 8
    assert all(department in m["departments"] for m in found)
    assert found == json.loads(run("measures", "--dept", department, "-f", "json").stdout)


@pytest.mark.parametrize(
    ("args", "corrected"),
    [
        (
            ("measures", "--data", "my plan.yaml", "--age", "65+"),
            "kouryu --data 'my plan.yaml' measures --age 65+",
        ),
        (("measures", "-q"), "kouryu -q measures"),
        (("dept", "--no-cache", "高齢"), "kouryu --no-cache dept 高齢"),
        (("measures", "--data=x.yaml"), "kouryu --data=x.yaml measures"),
    ],
)
def test_a_global_option_after_the_command_shows_where_it_goes(
    run: Run, args: tuple[str, ...], corrected: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    name = args[1].split("=")[0]
    assert result.stderr == (
        f"kouryu: {name} is an option of kouryu itself and goes before the command: {corrected}\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "a"), "missing argument NEW"),
        (("measures", "--age"), "--age needs a value"),
        (
            ("measures", "--agee", "65+"),
            "no such option: --agee (did you mean --age, --only-age, --tag?)",
        ),
        (("show", "a", "b"), "unexpected extra argument: b"),
        (("indicators", "--threshold", "x"), "--threshold: 'x' is not a number"),
        (("measures", "--policy", "x"), "--policy: 'x' is not a whole number"),
        (("nosuch",), "no such command: nosuch (kouryu --help lists them)"),
        (("measures", "--only-age=x"), "--only-age takes no value"),
    ],
)
def test_click_usage_errors_are_one_line_of_ours(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"kouryu: {message}\n"


def test_a_department_without_measures_exits_as_measures_does(run: Run, tmp_path: Path) -> None:
    """dept NAME that matches no measure: exit 1 and the message `measures` gives."""
    from tests.test_robust_files import MINIMAL

    plan = tmp_path / "plan.yaml"
    plan.write_text(
        MINIMAL.replace("  - name: 高齢福祉課\n", "  - name: 高齢福祉課\n  - name: 商工労働課\n"),
        encoding="utf-8",
    )
    by_dept = run("--data", str(plan), "dept", "商工労働課")
    by_filter = run("--data", str(plan), "measures", "--dept", "商工労働課")
    assert (by_dept.exit_code, by_filter.exit_code) == (1, 1)
    assert by_dept.stdout == by_filter.stdout == ""
    assert by_dept.stderr.startswith("no measure matches (")
    assert by_filter.stderr.startswith("no measure matches (")


def test_a_year_written_as_a_western_year_displays_once() -> None:
    from kouryu_cli.core.era import parse_year
    from kouryu_cli.indicators.views import year_label, year_text

    year = parse_year("2024")
    assert year_label(year) == "2024"
    assert year_text(year) == "(2024)"
    assert year_label(parse_year("R6")) == "R6/2024"


PLAN = Path(__file__).parents[1] / "data" / "plan.yaml"
PROGRESS = Path(__file__).parent / "fixtures" / "progress-R6-example.yaml"
ACTUALS_YAML = Path(__file__).parent / "fixtures" / "actuals-example.yaml"


@pytest.mark.parametrize(
    ("args", "found", "wanted"),
    [
        (("indicators", "--actuals", str(PLAN)), "a plan file", "an actuals file (実績値)"),
        (("progress", "check", str(PLAN)), "a plan file", "a progress file (進行管理)"),
        (("--data", str(PROGRESS), "measures"), "a progress file (進行管理)", "a plan file"),
        (("--data", str(ACTUALS_YAML), "measures"), "an actuals file (実績値)", "a plan file"),
        (
            ("progress", "check", str(ACTUALS_YAML)),
            "an actuals file (実績値)",
            "a progress file (進行管理)",
        ),
    ],
)
def test_a_file_of_another_kind_is_named_as_such(
    run: Run, args: tuple[str, ...], found: str, wanted: str
) -> None:
    """The plan given where the answers go: one message, not a dozen key errors."""
    result = run(*args)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.endswith(f": this is {found}, not {wanted}\n")
