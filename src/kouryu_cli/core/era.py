"""Japanese era years: Ｈ29, R7, 令和5年度, 平成32年度, R6/2024 → Western years, and back.

Plans written before 2019 state their targets in projected Heisei years (平成32年度 = 2020 =
令和2年度): a year number past its era's end is read as that many years after the era
began, and the reader can be told so. A label may give the Western year too, as the tool
prints it (R6/2024, 令和6年度（2024年度）); both must then name the same year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import EraYear

# Offset to add to an era's year number, and the last year number the era reached.
_ERAS: dict[str, tuple[int, int | None]] = {
    "S": (1925, 64),  # 昭和 1926–1989
    "H": (1988, 31),  # 平成 1989–2019
    "R": (2018, None),  # 令和 2019–
}
_ERA_NAMES = {"昭和": "S", "平成": "H", "令和": "R"}
_ERA_WORDS = {"S": "昭和", "H": "平成", "R": "令和"}
_FISCAL = r"\s*(?:年度|年)?"
_ERA = rf"(?P<era>昭和|平成|令和|[SHR])\.?\s*(?P<num>元|\d{{1,2}})(?!\d){_FISCAL}"
_WESTERN = rf"(?P<western>\d{{4}}){_FISCAL}"
_PATTERN = re.compile(
    rf"(?:{_ERA}(?:\s*[/(]\s*(?P<also>\d{{4}}){_FISCAL}\s*\)?)?|{_WESTERN})",
    re.IGNORECASE,
)
_WESTERN_FIRST = re.compile(
    rf"(?P<year>\d{{4}}){_FISCAL}\s*[/(]\s*(?P<label>(?:昭和|平成|令和|[SHR])[^)]*?)\s*\)?",
    re.IGNORECASE,
)
EARLIEST, LATEST = 1900, 2200


class EraError(ValueError):
    """A year label that is not an era year the plan could mean."""


def parse_year(label: str, notes: list[str] | None = None) -> EraYear:
    """Read a year label as written (R5, Ｒ１２, 令和5年度, 平成32年度, R6/2024, 2023).

    The label is kept exactly as written beside the Western year. A projected era year
    (平成32年度) adds a sentence saying so to notes, when given.
    """
    folded = unicodedata.normalize("NFKC", label).strip()
    # (Ｈ29/2017) as the tool prints it, and 令和6年度(2024年度) as a table writes it.
    if folded.startswith("(") and folded.endswith(")"):
        folded = folded[1:-1].strip()
    # The Western year first is the same year: 2019年度（令和元年度）, 2024/R6.
    western_first = _WESTERN_FIRST.fullmatch(folded)
    if western_first is not None:
        folded = f"{western_first['label']}({western_first['year']})"
    match = _PATTERN.fullmatch(folded)
    if match is None:
        raise EraError(
            _(
                "not a year: {label!r} (expected an era year such as R5, H29,"
                " 令和5年度, R6/2024, or 2023)"
            ).format(label=label)
        )
    if match["western"] is not None:
        return EraYear(label, _western(int(match["western"])))
    era = _ERA_NAMES.get(match["era"], match["era"].upper())
    number = 1 if match["num"] == "元" else int(match["num"])
    offset, last = _ERAS[era]
    if number < 1:
        raise EraError(
            _("{label!r}: the era {era} has no year {number}").format(
                label=label, era=era, number=number
            )
        )
    year = offset + number
    if match["also"] is not None and int(match["also"]) != year:
        raise EraError(
            _("{label!r}: {era}{number}年 is {year}, not {also}").format(
                label=label, era=_ERA_WORDS[era], number=number, year=year, also=int(match["also"])
            )
        )
    if last is not None and number > last and notes is not None:
        notes.append(
            _("{label} is a projected {era} year: {era}{number}年度 = {year} = {short}").format(
                label=label, era=_ERA_WORDS[era], number=number, year=year, short=short_label(year)
            )
        )
    return EraYear(label, _western(year))


def _western(year: int) -> int:
    if not EARLIEST <= year <= LATEST:
        raise EraError(_("year {year} is out of range").format(year=year))
    return year


def short_label(year: int) -> str:
    """The era label a Japanese plan would print for a Western year: 2025 → R7."""
    if year >= 2019:
        return f"R{year - 2018}"
    if year >= 1989:
        return f"H{year - 1988}"
    return f"S{year - 1925}"


def shows_western(year: EraYear) -> bool:
    """Whether the label already states the Western year (2024, R6/2024, 2024年度)."""
    return str(year.year) in unicodedata.normalize("NFKC", year.label)


# An actual this long after the plan's last target year is a typo (R66 for R6), not data.
YEARS_AFTER_TARGET = 20


def beyond_plan(year: EraYear, last_target: int) -> str | None:
    """Why year cannot be an actual of a plan whose last target year is last_target, or None."""
    if year.year <= last_target + YEARS_AFTER_TARGET:
        return None
    return _(
        "year '{label}' is {year}, more than {YEARS_AFTER_TARGET} "
        "years after the plan's last target year {last_target} (a "
        "typo?)"
    ).format(
        label=year.label,
        year=year.year,
        YEARS_AFTER_TARGET=YEARS_AFTER_TARGET,
        last_target=last_target,
    )


def before_plan(year: EraYear, first: EraYear | None) -> str | None:
    """Why year is too early to evaluate a plan whose earliest baseline is first, or None."""
    if first is None or year.year >= first.year:
        return None
    return _("{year} is before every baseline of the plan (the earliest is {first})").format(
        year=year.shown, first=first.shown
    )


def projection_notes(years: Iterable[EraYear]) -> list[str]:
    """What parse_year notes of each label once: the projected era years among them."""
    notes: list[str] = []
    for label in dict.fromkeys(y.label for y in years):
        try:
            parse_year(label, notes)
        except EraError:  # a label the loader already accepted; nothing to note
            continue
    return notes
