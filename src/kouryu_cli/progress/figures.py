"""活動実績: the figures of an answer (開催回数 12回), as a department types them and as stored.

A figure is a name, a number and a unit, one a line on a form. A line that could be read as
one only by taking part of another figure, or part of the number, into the name is refused
rather than misread: two figures on one line, 1万2千人, a bracket that does not close,
1e309, 約100人. In a progress file each is a mapping {name, value, unit} (read_figures).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kouryu_cli.core import values
from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.textnorm import format_number
from kouryu_cli.files.checker import Checker
from kouryu_cli.files.checker import Path as NodePath


@dataclass(frozen=True, slots=True)
class Figure:
    """活動実績: one activity figure of an answer (開催回数 12 回)."""

    name: str
    value: int | float
    unit: str

    def __str__(self) -> str:
        return f"{self.name} {format_number(self.value)}{self.unit}"


# The minus as people type it (△5, ▲5, −5) is the value's, never the end of the name.
_SIGN = re.escape(values.MINUS_SIGNS)
_FIGURE = re.compile(
    rf"(?P<name>.*?[^\d\s,.:={_SIGN}])\s*[:=]?\s*"
    rf"(?P<value>(?:[{_SIGN}]\s*)?(?:{values.DIGITS}))\s*(?P<unit>[^\d\s,.]*)"
)
_FIGURE_SEPARATORS = re.compile(r"[\n;；]")
# A number in a name, and the rest of its word: up to a space or a list mark (、, ， as NFKC).
_NUMBER_IN_NAME = re.compile(r"\d[\d,.]*[^\s、,]*")
_BREAKS = " \t、,"
# 1万2千人, 3百5十: a number written with Japanese numeral words between its digits.
_MIXED_NUMERAL = re.compile(r"\d\s*[十百千万億兆]\s*\d")
# A name that ends inside a number written another way: 1e309, 0x1F, 1/2, 10^3.
_NUMBER_NOTATION = re.compile(r"\d[A-Za-z+*/^]+$")
# A number said to be approximate: 約100人, およそ100人. 契約, 予約 … are words, not 約.
_APPROXIMATE = re.compile(r"(?:約|およそ|凡そ|概ね|おおむね|ほぼ|大体|だいたい)$")
_WORD_ENDING_IN_YAKU = re.compile(r"[契予解成集要節規条制特協公誓確違婚先盟]約$")
# A dash that is no minus sign, just before the number: ▼5, ─5, or ー5 after a space (an IME's
# dash; センター5回 is a name that ends in ー). Read as a name, the figure would lose its sign.
_DASH_BEFORE_NUMBER = re.compile(r"(?:(?:^|\s)ー|[─━▼▽∸⁃])$")
_BRACKETS = dict(zip("([{「『【〔〈《", ")]}」』】〕〉》", strict=True))


def parse_figures(text: str) -> tuple[Figure, ...]:
    """Figures as a department writes them, one a line: 開催回数 12回 / 参加者数：1,234人.

    Raises ValueError naming every piece that is not 'name number unit', so that one
    reply to the department can correct them all.
    """
    pieces = (p.strip() for p in _FIGURE_SEPARATORS.split(unicodedata.normalize("NFKC", text)))
    read = [(piece, _FIGURE.fullmatch(piece)) for piece in pieces if piece]
    wrong = [f"'{piece}'" for piece, match in read if match is None or _misread(match)]
    if wrong:
        raise ValueError(
            ngettext(
                "{pieces} is not a figure: write a name, a number and a unit, one a line"
                " (開催回数 12回)",
                "{pieces} are not figures: write a name, a number and a unit, one a line"
                " (開催回数 12回)",
                len(wrong),
            ).format(pieces=", ".join(wrong))
        )
    return tuple(
        Figure(m["name"], values.plain_number(m["value"]), m["unit"]) for _p, m in read if m
    )


def format_figures(figures: Iterable[Figure]) -> str:
    """Figures one a line, as parse_figures reads them back."""
    return "\n".join(str(f) for f in figures)


def read_figures(check: Checker, path: NodePath, value: Any) -> tuple[Figure, ...]:
    """The figures of an answer in a progress file: a list of {name, value, unit}."""
    out: list[Figure] = []
    for index, item in enumerate(check.items(path, value)):
        here: NodePath = (*path, index)
        data = check.mapping(here, item, ("name", "value"), ("unit",))
        if data is None:
            continue
        name = check.text((*here, "name"), data.get("name"))
        raw = data.get("value")
        number: int | float = 0
        if isinstance(raw, str):
            try:
                number = values.plain_number(raw)
            except values.NumberError:
                check.fail(
                    (*here, "value"),
                    _("expected a number (12, 1,234 or 2.5), got '{raw}'").format(raw=raw),
                )
        elif "value" in data:
            check.fail((*here, "value"), _("expected a number (12, 1,234 or 2.5)"))
        unit = check.text((*here, "unit"), data.get("unit"), required=False)
        out.append(Figure(name, number, unit))
    return tuple(out)


def _misread(match: re.Match[str]) -> bool:
    """Whether 'name number unit' was found only by reading too much into the name."""
    name, unit = match["name"], match["unit"]
    touching = match.end("name") == match.start("value")
    return (
        _holds_a_figure(name)
        or _MIXED_NUMERAL.search(match.string) is not None
        or not (_balanced(name) and _balanced(unit))
        or (touching and _NUMBER_NOTATION.search(name) is not None)
        or _approximate(name)
        or _DASH_BEFORE_NUMBER.search(name) is not None
    )


def _holds_a_figure(name: str) -> bool:
    """Whether the name holds a figure of its own: 開催回数 12回 参加者数, 開催回数12回、参加者数.

    A number may start a name (65歳以上の参加者) or be part of a word in it (第2回参加者数,
    参加者数（65歳以上）). One that starts a later word (after a space or ':'), or whose word
    a space or 、 separates from more text, is a figure's number.
    """
    for number in _NUMBER_IN_NAME.finditer(name):
        start = number.start()
        if start == 0:
            continue
        if name[start - 1].isspace() or name[start - 1] in ":=":
            return True
        if name[number.end() :].strip(_BREAKS):
            return True
    return False


def _balanced(text: str) -> bool:
    """Whether every bracket in text closes, in order: 参加者数(延べ) is, 12回(前年度 is not."""
    open_: list[str] = []
    closing = set(_BRACKETS.values())
    for char in text:
        if char in _BRACKETS:
            open_.append(_BRACKETS[char])
        elif char in closing and (not open_ or open_.pop() != char):
            return False
    return not open_


def _approximate(name: str) -> bool:
    """Whether the name ends in a word saying the number is approximate: 参加者数 約."""
    end = name.rstrip()
    return _APPROXIMATE.search(end) is not None and _WORD_ENDING_IN_YAKU.search(end) is None
