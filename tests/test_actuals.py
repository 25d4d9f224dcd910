"""Actuals files (実績値): YAML and CSV, merged into the plan, every problem with its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.errors import PlanError
from kouryu_cli.model import EraYear, Observation, Plan
from kouryu_cli.planfile.actuals import load_actuals

FIXTURES = Path(__file__).parent / "fixtures"
Write = Callable[[str, str], Path]


def actuals_of(plan: Plan, indicator: str, key: str = "") -> tuple[Observation, ...]:
    found = next(i for i in plan.indicators if i.id == indicator)
    return next(s for s in found.series if s.key == key).actuals


def problems(path: Path, plan: Plan) -> list[str]:
    with pytest.raises(PlanError) as caught:
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
        "I2,,,\n",  # line 10
    )
    assert problems(path, plan) == [
        "a.csv:2:1: indicator: unknown indicator 'I9' (expected I1, I2, I3, I4, I5, I6, I7)",
        "a.csv:3:2: component: I3 has components: give one of groups (団体数), people (人数)",
        "a.csv:4:2: component: unknown component 'teams' of I3 "
        "(expected groups (団体数), people (人数))",
        "a.csv:5:2: component: I1 has no components: leave component empty (got 'groups')",
        "a.csv:6:3: year: not a year: 'R99x' (expected an era year such as R5, H29, "
        "令和5年度, or 2023)",
        "a.csv:7:4: value: expected a number, got 'many'",
        "a.csv:9:3: year: year '2023' (2023) of I1 is given twice (first on line 8)",
        "a.csv:10:3: year: must not be empty",
        "a.csv:10:4: value: must not be empty",
    ]


def test_csv_header_problems(plan: Plan, write: Write) -> None:
    path = write("h.csv", "# comment\nindicator,when,value\nI1,R5,1\n")
    assert problems(path, plan) == [
        "h.csv:2: missing column year",
        "h.csv:2:2: unknown column 'when' (expected indicator, component, year, value, source)",
    ]


def test_csv_without_a_header(plan: Plan, write: Write) -> None:
    assert problems(write("e.csv", "# nothing\n\n"), plan) == [
        "e.csv: no header row (indicator,year,value …)"
    ]


def test_csv_row_with_too_many_fields(plan: Plan, write: Write) -> None:
    path = write("w.csv", "indicator,year,value\nI1,R5,1,extra\n")
    assert problems(path, plan) == ["w.csv:2: 4 fields, but the header has 3"]


def test_yaml_problems_have_line_numbers(plan: Plan, write: Write) -> None:
    path = write(
        "a.yaml",
        "actuals:\n"
        "  - {indicator: I1, year: R5, value: 27}\n"
        "  - {indicator: I1, year: 令和5年度, value: 28}\n"
        "  - {indicator: I3, component: groups, year: R5, value: x}\n"
        "  - {indicator: I4, year: R5, value: 1, when: now}\n",
    )
    assert problems(path, plan) == [
        "a.yaml:3:27: actuals[1].year: year '令和5年度' (2023) of I1 is given twice "
        "(first on line 2)",
        "a.yaml:4:57: actuals[2].value: expected a number, got 'x'",
        "a.yaml:5:41: actuals[3].when: unknown key 'when' "
        "(allowed: component, indicator, source, value, year)",
    ]


def test_duplicate_against_actuals_already_in_the_plan(plan: Plan, write: Write) -> None:
    first = load_actuals(write("one.csv", "indicator,year,value\nI5,R5,100\n"), plan)
    path = write("two.yaml", "actuals:\n  - {indicator: I5, year: '2023', value: 101}\n")
    assert problems(path, first) == [
        "two.yaml:2:27: actuals[0].year: year '2023' (2023) of I5 is given twice "
        "(first in the plan as 'R5')"
    ]


def test_yaml_must_have_an_actuals_list(plan: Plan, write: Write) -> None:
    assert problems(write("x.yaml", "- I1\n"), plan) == [
        "x.yaml:1:1: expected a mapping (key: value), got a list"
    ]


def test_missing_file_is_a_plan_error(plan: Plan, tmp_path: Path) -> None:
    assert problems(tmp_path / "none.csv", plan) == ["none.csv: no such file"]
