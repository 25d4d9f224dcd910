"""Numbers as clerks type them: one parser for plans and actuals files."""

from __future__ import annotations

import re

import pytest

from kouryu_cli.core.textnorm import format_number
from kouryu_cli.core.values import (
    NumberError,
    canonical_unit,
    parse_number,
    plain_number,
)


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


@pytest.mark.parametrize(
    ("written", "number"),
    [("12", 12), ("1,234", 1234), ("１，２３４", 1234), ("2.5", 2.5), ("2.50", 2.5), ("-3", -3)],
)
def test_plain_number_is_whole_unless_written_with_a_point(written: str, number: float) -> None:
    parsed = plain_number(written)
    assert parsed == number
    assert type(parsed) is type(number)


@pytest.mark.parametrize("written", ["12回", "1,23", "010", "", "many", "1.2.3"])
def test_plain_number_refuses(written: str) -> None:
    with pytest.raises(NumberError, match=re.escape(f"expected a number, got '{written}'")):
        plain_number(written)


@pytest.mark.parametrize("written", ["9" * 5000, "1,000,000,000,000,000", "△12345678901234567.5"])
def test_a_number_too_long_for_a_figure_is_refused_in_words(written: str) -> None:
    """Python's own message (Exceeds the limit (4300 digits) …) or inf never reaches a user."""
    for parse in (parse_number, plain_number):
        with pytest.raises(NumberError, match="more than 15 digits before the point: not a figure"):
            parse(written)
    assert plain_number("999,999,999,999,999") == 999_999_999_999_999


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234, "1,234"),
        (1234.0, "1,234"),
        (2.5, "2.5"),
        (-3, "-3"),
        (0, "0"),
        (123456789012.5, "123,456,789,012.5"),  # every digit a clerk may write
        (1.23456789012, "1.23456789012"),
        (0.00005, "0.00005"),  # never 5e-05
        (0.1 + 0.2, "0.3"),  # a computed figure without its float noise
        (None, ""),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    "written", ["99999999999999.99", "0.1234567890123456789", "1,234,567,890.123456"]
)
def test_a_number_with_more_digits_than_a_figure_keeps_is_refused(written: str) -> None:
    """A float keeps 15 significant digits: a 16th would be changed without a word."""
    for parse in (parse_number, plain_number):
        with pytest.raises(NumberError, match="has more than 15 digits: a number kept exactly"):
            parse(written)
    assert plain_number("27.123456789012") == 27.123456789012
    assert plain_number("0.000000000000000001") == 1e-18  # leading zeros are not digits kept
