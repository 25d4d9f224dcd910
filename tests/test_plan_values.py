"""Plan files read values and years with the actuals' parser: older editions load too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import load_plan
from tests.conftest import Run
from tests.test_loader import MINIMAL

Write = Callable[[str, str], Path]


def edited(*pairs: tuple[str, str]) -> str:
    text = MINIMAL
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_numbers_as_written_in_a_plan(write: Write) -> None:
    plan = load_plan(
        write(
            "plan.yaml",
            edited(
                ("baseline: 90", "baseline: ９０か所"),
                ("target: 107", 'target: "１０７"'),
                ("value: 95", 'value: "95箇所"'),
            ),
        )
    )
    series = plan.indicators[0].series[0]
    assert (series.baseline, series.target, series.actuals[0].value) == (90, 107, 95)


def test_a_plan_written_in_heisei_years_loads(write: Write) -> None:
    # A plan from 2017 states its target year as 平成32年度 (= 令和2年度 = 2020).
    plan = load_plan(
        write(
            "plan.yaml",
            edited(
                (
                    "baseline: {year: R3, western_year: 2021}",
                    "baseline: {year: H29, western_year: 2017}",
                ),
                (
                    "target: {year: Ｒ5, western_year: 2023, kind: reach}",
                    "target: {year: 平成32年度, western_year: 2020, kind: reach}",
                ),
                ("{year: 令和4年度, value: 95}", "{year: Ｈ30, value: 95}"),
            ),
        )
    )
    indicator = plan.indicators[0]
    assert (indicator.target_year.label, indicator.target_year.year) == ("平成32年度", 2020)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("baseline: 90", "baseline: 90人", "'90人' is in 人, but this series is counted in か所"),
        (
            "target: {year: Ｒ5, western_year: 2023, kind: reach}",
            "target: {year: 平成32年度, western_year: 2023, kind: reach}",
            "western_year 2023 does not match '平成32年度' (which is 2020)",
        ),
        (
            "{year: 令和4年度, value: 95}",
            "{year: R66, value: 95}",
            "year 'R66' is 2084, more than 20 years after the plan's last target year 2023",
        ),
    ],
)
def test_contradictions_are_errors(write: Write, old: str, new: str, message: str) -> None:
    with pytest.raises(DataFileError) as caught:
        load_plan(write("plan.yaml", edited((old, new))))
    assert message in str(caught.value)


def test_verbose_says_a_plan_year_is_projected(run: Run, write: Write) -> None:
    path = write(
        "plan.yaml",
        edited(
            (
                "target: {year: Ｒ5, western_year: 2023, kind: reach}",
                "target: {year: 平成32年度, western_year: 2020, kind: reach}",
            ),
            ("{year: 令和4年度, value: 95}", "{year: R1, value: 95}"),
        ),
    )
    result = run("--data", str(path), "-v", "indicators", "--as-of", "R3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"{path}: read as YAML, encoding UTF-8",
        f"{path}: 平成32年度 is a projected 平成 year: 平成32年度 = 2020 = R2",
    ]
