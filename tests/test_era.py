"""Era years: labels as written → Western years."""

from __future__ import annotations

import re

import pytest

from kouryu_cli.core.era import EraError, beyond_plan, parse_year, short_label, shows_western


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("H29", 2017),
        ("Ｈ29", 2017),
        ("h29", 2017),
        ("R1", 2019),
        ("R7", 2025),
        ("Ｒ７", 2025),
        ("Ｒ１２", 2030),
        ("令和5年度", 2023),
        ("令和元年", 2019),
        ("平成元年度", 1989),
        ("平成31年", 2019),
        ("S64", 1989),
        ("昭和40年", 1965),
        ("R 5", 2023),
        ("2023", 2023),
        ("2023年度", 2023),
        ("２０２４", 2024),
        # The tool's own display, and a table's 令和6年度（2024年度）.
        ("R6/2024", 2024),
        ("(Ｈ29/2017)", 2017),
        ("令和6年度（2024年度）", 2024),
        ("R6(2024)", 2024),
        ("2024年度", 2024),
        # Projected years past an era's end: plans written before 2019 (H32 = R2).
        ("平成32年度", 2020),
        ("H32", 2020),
        ("Ｈ34", 2022),
        ("S65", 1990),
    ],
)
def test_parse_year(label: str, year: int) -> None:
    parsed = parse_year(label)
    assert parsed.year == year
    assert parsed.label == label  # kept exactly as written


@pytest.mark.parametrize(
    "label", ["", "R", "R0", "X5", "令和", "1:30", "R5.5", "99999", "1800", "R123", "H32x"]
)
def test_parse_year_rejects(label: str) -> None:
    with pytest.raises(EraError):
        parse_year(label)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("R6/2025", "'R6/2025': 令和6年 is 2024, not 2025"),
        ("令和6年度（2023年度）", "'令和6年度（2023年度）': 令和6年 is 2024, not 2023"),
    ],
)
def test_era_and_western_year_must_agree(label: str, message: str) -> None:
    with pytest.raises(EraError, match=re.escape(message)):
        parse_year(label)


def test_a_projected_year_is_noted() -> None:
    notes: list[str] = []
    assert parse_year("平成32年度", notes).year == 2020
    assert parse_year("R2", notes).year == 2020
    assert notes == ["平成32年度 is a projected 平成 year: 平成32年度 = 2020 = R2"]


@pytest.mark.parametrize(
    ("label", "last_target", "beyond"),
    [("R32", 2030, False), ("R33", 2030, True), ("R66", 2030, True), ("2050", 2030, False)],
)
def test_a_year_far_past_the_plan_is_refused(label: str, last_target: int, beyond: bool) -> None:
    why = beyond_plan(parse_year(label), last_target)
    assert (why is not None) == beyond


@pytest.mark.parametrize(
    ("label", "shown"),
    [("2024", True), ("２０２４年度", True), ("R6/2024", True), ("R6", False), ("Ｈ29", False)],
)
def test_shows_western(label: str, shown: bool) -> None:
    assert shows_western(parse_year(label)) is shown


@pytest.mark.parametrize(
    ("year", "label"), [(2025, "R7"), (2019, "R1"), (2017, "H29"), (1989, "H1"), (1988, "S63")]
)
def test_short_label(year: int, label: str) -> None:
    assert short_label(year) == label


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("2019年度（令和元年度）", 2019),
        ("2024/R6", 2024),
        ("2024(R6)", 2024),
        ("２０２４年度（令和６年度）", 2024),
        ("2020年度(平成32年度)", 2020),
        ("2017年度（Ｈ29年度）", 2017),
    ],
)
def test_the_western_year_may_come_first(label: str, year: int) -> None:
    parsed = parse_year(label)
    assert (parsed.label, parsed.year) == (label, year)


@pytest.mark.parametrize("label", ["2024年度（令和5年度）", "2020/R1"])
def test_a_western_year_first_must_agree_with_its_era(label: str) -> None:
    with pytest.raises(EraError):
        parse_year(label)
