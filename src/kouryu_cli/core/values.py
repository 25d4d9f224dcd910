"""Numbers as people write them in plans and clerks' tables: 27.1%, 150,000人, △5, ５４８０.

One parser for the plan, actuals files and the yearly round's figures, so that a value
accepted in one is accepted in the others. A unit written after the number must be the
series' unit (or its head: 人 for 人/年); any other unit is an error that names both.
"""

from __future__ import annotations

import re
import unicodedata

from kouryu_cli.core.i18n import _

# After NFKC: full-width digits, ％ and ， are ASCII; these minus signs are not.
MINUS_SIGNS = "△▲−－-‐‑‒–—―➖"
# A number's digits as written: 1,234 (a comma every three digits), 1234, 0.5, .5 (no 010).
DIGITS = r"(?:[1-9]\d{0,2}(?:,\d{3})+|0|[1-9]\d*)(?:\.\d+)?|\.\d+"
_NUMBER = re.compile(rf"(?P<sign>[-+]?)\s*(?P<digits>{DIGITS})")
# Spellings of the same counter: 90か所 = 90箇所 = 90ヶ所 = 90カ所.
_UNIT_SPELLINGS = {
    "箇所": "か所",
    "ヶ所": "か所",
    "ケ所": "か所",
    "カ所": "か所",
    "ヵ所": "か所",
    "ｹ所": "か所",
    "パーセント": "%",
    "percent": "%",
}
# Units a clerk may type; a number followed by one of these that is not the series' unit
# contradicts it (rather than being "not a number").
KNOWN_UNITS = ("%", "人", "団体", "か所", "件", "回", "人/年", "円", "世帯", "施設", "歳")


class NumberError(ValueError):
    """A value that is not a number in the series' unit."""


def parse_number(written: str | float, unit: str = "") -> float:
    """The number in a value as written; NumberError says what is wrong with it.

    >>> parse_number("△5"), parse_number("150,000人", "人/年"), parse_number("２７．１％", "%")
    (-5.0, 150000.0, 27.1)
    """
    if isinstance(written, bool):
        raise NumberError(_("expected a number, got '{written}'").format(written=written))
    if isinstance(written, int | float):
        return float(written)
    signed, rest = _split(written)
    if rest:
        _check_unit(written, rest, unit)
    return float(signed)


def plain_number(written: str) -> int | float:
    """A number without a unit, whole unless written with a decimal point; NumberError otherwise.

    >>> plain_number("1,234"), plain_number("２．５"), plain_number("△3")
    (1234, 2.5, -3)
    """
    signed, rest = _split(written)
    if rest:
        raise NumberError(_("expected a number, got '{written}'").format(written=written))
    return float(signed) if "." in signed else int(signed)


def decimals(written: str) -> int:
    """How many decimals a number was written with: 26.0% → 1, 5,480人 → 0.

    >>> decimals("26.0%"), decimals("５，４８０人"), decimals("△0.25")
    (1, 0, 2)
    """
    return len(_split(written)[0].partition(".")[2])


def decimal_text(value: float) -> str:
    """A number in plain digits, as a file keeps it: 0.00005 (not 5e-05), 1234.5."""
    from decimal import Decimal

    return f"{Decimal(repr(float(value))):f}"


def _split(written: str) -> tuple[str, str]:
    """The number at the start of a value (signed, without commas: -1234.5) and what follows."""
    folded = unicodedata.normalize("NFKC", written).strip()
    for minus in MINUS_SIGNS:
        if folded.startswith(minus):
            folded = "-" + folded[len(minus) :].lstrip()
            break
    match = _NUMBER.match(folded)
    if match is None or not written.strip():
        raise NumberError(_("expected a number, got '{written}'").format(written=written))
    sign = "-" if match["sign"] == "-" else ""
    digits = match["digits"].replace(",", "")
    whole, _point, fraction = digits.partition(".")
    if len(whole) > _MOST_DIGITS:
        raise NumberError(
            _("'{written}' has more than {most} digits before the point: not a figure").format(
                written=written if len(written) <= 40 else written[:40] + "…", most=_MOST_DIGITS
            )
        )
    if len((whole + fraction).lstrip("0")) > _MOST_DIGITS:
        raise NumberError(
            _(
                "'{written}' has more than {most} digits: a number kept exactly has {most} at "
                "most (round it)"
            ).format(
                written=written if len(written) <= 40 else written[:40] + "…", most=_MOST_DIGITS
            )
        )
    return sign + digits, folded[match.end() :].strip()


# More whole digits than a float holds exactly (and than any count or budget of a city).
_MOST_DIGITS = 15


def _check_unit(written: str, rest: str, unit: str) -> None:
    given = canonical_unit(rest)
    expected = canonical_unit(unit)
    if expected and given in {expected, expected.split("/")[0]}:
        return
    if given in {canonical_unit(u) for u in KNOWN_UNITS}:
        if expected:
            raise NumberError(
                _("'{written}' is in {rest}, but this series is counted in {unit}").format(
                    written=written, rest=rest, unit=unit
                )
            )
        raise NumberError(
            _("'{written}' has the unit {rest}, but this series has no unit").format(
                written=written, rest=rest
            )
        )
    raise NumberError(_("expected a number, got '{written}'").format(written=written))


def canonical_unit(unit: str) -> str:
    """A unit in one spelling: ヶ所 → か所, ％ → %, spaces dropped."""
    folded = unicodedata.normalize("NFKC", unit).replace(" ", "").replace("\u3000", "")
    return _UNIT_SPELLINGS.get(folded, _UNIT_SPELLINGS.get(folded.casefold(), folded))
