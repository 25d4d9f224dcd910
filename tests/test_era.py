"""Era years: labels as written → Western years."""

from __future__ import annotations

import pytest

from kouryu_cli.era import EraError, parse_year, short_label


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
    ],
)
def test_parse_year(label: str, year: int) -> None:
    parsed = parse_year(label)
    assert parsed.year == year
    assert parsed.label == label  # kept exactly as written


@pytest.mark.parametrize(
    "label", ["", "R", "H32", "S65", "R0", "X5", "令和", "1:30", "R5.5", "99999", "1800"]
)
def test_parse_year_rejects(label: str) -> None:
    with pytest.raises(EraError):
        parse_year(label)


@pytest.mark.parametrize(
    ("year", "label"), [(2025, "R7"), (2019, "R1"), (2017, "H29"), (1989, "H1"), (1988, "S63")]
)
def test_short_label(year: int, label: str) -> None:
    assert short_label(year) == label
