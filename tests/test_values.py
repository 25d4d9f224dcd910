"""Numbers as clerks type them: one parser for plans and actuals files."""

from __future__ import annotations

import re

import pytest

from kouryu_cli.core.values import NumberError, canonical_unit, parse_number


@pytest.mark.parametrize(
    ("written", "unit", "number"),
    [
        ("5480", "人", 5480),
        ("５４８０", "人", 5480),
        ("5,480", "人", 5480),
        ("５，４８０", "人", 5480),
        ("27.1", "%", 27.1),
        ("27.1%", "%", 27.1),
        ("２７．１％", "%", 27.1),
        ("150,000人", "人/年", 150000),
        ("150,000人/年", "人/年", 150000),
        ("90か所", "か所", 90),
        ("90箇所", "か所", 90),
        ("90ヶ所", "か所", 90),
        ("65 団体", "団体", 65),
        ("△5", "", -5),
        ("▲5.5", "", -5.5),
        ("−3", "", -3),
        ("－3", "", -3),
        ("-3", "", -3),
        ("0", "", 0),
        ("0.5", "", 0.5),
        (12.5, "", 12.5),
    ],
)
def test_parse_number(written: str | float, unit: str, number: float) -> None:
    assert parse_number(written, unit) == number


@pytest.mark.parametrize(
    ("written", "unit", "message"),
    [
        ("90人", "か所", "'90人' is in 人, but this series is counted in か所"),
        ("27.1%", "人", "'27.1%' is in %, but this series is counted in 人"),
        ("5人", "", "'5人' has the unit 人, but this series has no unit"),
        ("many", "人", "expected a number, got 'many'"),
        ("", "人", "expected a number, got ''"),
        ("1:30", "", "expected a number, got '1:30'"),
        ("1,00", "", "expected a number, got '1,00'"),
        ("010", "", "expected a number, got '010'"),
        ("5kg", "人", "expected a number, got '5kg'"),
        ("nan", "", "expected a number, got 'nan'"),
    ],
)
def test_parse_number_refuses(written: str, unit: str, message: str) -> None:
    with pytest.raises(NumberError, match=re.escape(message)):
        parse_number(written, unit)


def test_unit_spellings() -> None:
    assert {canonical_unit(u) for u in ("か所", "箇所", "ヶ所", "カ所", "ｶ所")} == {"か所"}
    assert canonical_unit("％") == "%"
