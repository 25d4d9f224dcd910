"""Japanese era years: Ｈ29, R7, 令和5年度, 平成元年 → Western years, and back."""

from __future__ import annotations

import re
import unicodedata

from kouryu_cli.model import EraYear

# Offset to add to an era's year number, and the last year number the era reached.
_ERAS: dict[str, tuple[int, int | None]] = {
    "S": (1925, 64),  # 昭和 1926–1989
    "H": (1988, 31),  # 平成 1989–2019
    "R": (2018, None),  # 令和 2019–
}
_ERA_NAMES = {"昭和": "S", "平成": "H", "令和": "R"}
_PATTERN = re.compile(
    r"(?P<era>昭和|平成|令和|[SHR])\s*(?P<num>元|\d{1,2})\s*(?:年度|年)?|(?P<western>\d{4})\s*(?:年度|年)?",
    re.IGNORECASE,
)


class EraError(ValueError):
    """A year label that is not an era year the plan could mean."""


def parse_year(label: str) -> EraYear:
    """Read a year label as written (R5, Ｒ１２, 令和5年度, 平成元年, 2023) into an EraYear.

    The label is kept exactly as written beside the Western year.
    """
    folded = unicodedata.normalize("NFKC", label).strip()
    match = _PATTERN.fullmatch(folded)
    if match is None:
        raise EraError(
            f"not a year: {label!r} (expected an era year such as R5, H29, 令和5年度, or 2023)"
        )
    if match["western"] is not None:
        year = int(match["western"])
        if not 1900 <= year <= 2200:
            raise EraError(f"year {year} is out of range")
        return EraYear(label, year)
    era = _ERA_NAMES.get(match["era"], match["era"].upper())
    number = 1 if match["num"] == "元" else int(match["num"])
    offset, last = _ERAS[era]
    if number < 1 or (last is not None and number > last):
        raise EraError(f"{label!r}: the era {era} has no year {number}")
    return EraYear(label, offset + number)


def short_label(year: int) -> str:
    """The era label a Japanese plan would print for a Western year: 2025 → R7."""
    if year >= 2019:
        return f"R{year - 2018}"
    if year >= 1989:
        return f"H{year - 1988}"
    return f"S{year - 1925}"
