"""Display width and Japanese line breaking: one rule for the terminal, help, charts and sheets.

A character's width comes from its Unicode East Asian width (unicodedata): wide (W) and
full-width (F) characters take two columns, combining marks and invisible format and control
characters none, every other character one. Ambiguous ones (○, ※, ―) are narrow on a
terminal and wide in a Japanese font, so a chart asks for them wide.

Lines break by kinsoku (禁則): never before a closing mark, a small kana or ー (NO_START),
never after an opening bracket (NO_END). A text is cut into units that never break; the
kind of a text says how big they are: ids, grades, numbers and marks are one unit (ATOM);
values such as 25.6% (Ｈ29/2017) break only at spaces (WORDS); names and sentences break
between any two characters, but never inside a run of letters and digits or a protected word
(PROSE). Nothing here needs Rich: the terminal, help and the charts all break lines with it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from enum import Enum

# Never the first character of a line: closing marks, small kana, the prolonged sound mark.
NO_START = frozenset(
    "、。，．）」』】〕〉》］｝)]}・：；？！ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜～"
    "’”%％"
)
# Never the last character of a line: opening brackets and quotes.
NO_END = frozenset("（「『【〔〈《［｛([{‘“")
SPACES = frozenset(" \u3000")
# Combining marks, zero-width format characters and control characters take no column.
_ZERO = frozenset(("Mn", "Me", "Cf", "Cc"))


@functools.lru_cache(maxsize=4096)
def char_width(char: str, ambiguous: int = 1) -> int:
    """Columns one character takes: 2 wide or full-width, 0 combining or invisible, else 1.

    An ambiguous character (○, ※) takes `ambiguous` columns: 1 on a terminal, 2 in a font.
    """
    if unicodedata.category(char) in _ZERO:
        return 0
    east_asian = unicodedata.east_asian_width(char)
    if east_asian in ("W", "F"):
        return 2
    return ambiguous if east_asian == "A" else 1


def width(text: str, ambiguous: int = 1) -> int:
    """Columns a line of text takes (on a terminal unless ambiguous=2)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(char, ambiguous) for char in text)


def natural(value: str) -> int:
    """The columns of value's longest line."""
    return max(width(line) for line in value.split("\n"))


class Kind(Enum):
    """Where the text of a column may break across lines."""

    ATOM = "atom"  # ids (2-1-20, I3), grades (B*), numbers, marks (○): never
    WORDS = "words"  # values with their year, 25.6% (Ｈ29/2017): at spaces only
    PROSE = "prose"  # names and sentences: between characters, never inside an atom


# A run of ASCII or full-width letters, digits and signs is one unit: 2-1-20, I3, 5,480, 25.6%,
# B*, Ｈ29/2017, R8=2026; full-width brackets （）［］｛｝ are not part of it, they keep to their
# neighbour by NO_START and NO_END. Spaces are where WORDS break; any other character is a unit
# of its own.
_UNIT = r"[!-~\uff01-\uff07\uff0a-\uff3a\uff3c\uff3e-\uff5a\uff5c\uff5e]+|[ \u3000]+|."


def _closes(marks: str) -> bool:
    return any(c in ")]}" for c in marks)


def _opens(marks: str) -> bool:
    return any(c in "([{" for c in marks)


@functools.lru_cache(maxsize=32)
def _unit_pattern(keep: tuple[str, ...]) -> re.Pattern[str]:
    protected = "|".join(re.escape(word) for word in sorted(keep, key=len, reverse=True) if word)
    return re.compile(f"{protected}|{_UNIT}" if protected else _UNIT, re.S)


def prose_units(line: str, keep: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """The spans of line that never break, spaces as units of their own."""
    units: list[list[int]] = []
    glue_next = False
    after_space = False
    for match in _unit_pattern(keep).finditer(line):
        start, end = match.span()
        piece = match.group()
        space = piece[0] in SPACES
        marks = not space and not any(c.isalnum() for c in piece)  # -] or {+ of a diff
        if (
            units
            and not space
            and not after_space
            and (glue_next or piece[0] in NO_START or (marks and _closes(piece)))
        ):
            units[-1][1] = end
        else:
            units.append([start, end])
        glue_next = not space and (piece[-1] in NO_END or (marks and _opens(piece)))
        after_space = space
    return [(start, end) for start, end in units]


def units(line: str, kind: Kind = Kind.PROSE, keep: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """The spans of line that never break, for its kind; spaces are spans of their own."""
    if kind is Kind.PROSE:
        return prose_units(line, keep)
    if kind is Kind.WORDS:
        return [m.span() for m in re.finditer(r"[ \u3000]+|[^ \u3000]+", line)]
    return [(0, len(line))] if line else []


def narrowest(value: str, kind: Kind, keep: tuple[str, ...] = ()) -> int:
    """The fewest columns a line of value can have without breaking what its kind keeps whole."""
    widest = 0
    for line in value.split("\n"):
        for start, end in units(line, kind, keep):
            if line[start] not in SPACES:
                widest = max(widest, width(line[start:end]))
    return widest


def _fold(line: str, start: int, end: int, limit: int, ambiguous: int) -> Iterator[tuple[int, int]]:
    """A unit wider than the line (a long path): cut after a slash, else where it must."""
    while width(line[start:end], ambiguous) > limit:
        cut = start + 1
        while cut < end and width(line[start : cut + 1], ambiguous) <= limit:
            cut += 1
        slash = line.rfind("/", start, cut - 1)
        if slash >= start:
            cut = slash + 1
        back = cut  # never inside a number, unless the number alone is too wide
        while back > start and line[back - 1].isdigit() and line[back].isdigit():
            back -= 1
        if back > start:
            cut = back
        yield start, cut
        start = cut
    yield start, end


def break_line(
    line: str,
    limit: int,
    kind: Kind = Kind.PROSE,
    keep: tuple[str, ...] = (),
    first: int = 0,
    ambiguous: int = 1,
) -> list[tuple[int, int]]:
    """(start, end) of each line of line: the first `first` columns wide (0: `limit`), the
    others `limit`; the spaces where it breaks are left out."""
    first = first or limit
    if width(line, ambiguous) <= first:
        return [(0, len(line))]
    lines: list[tuple[int, int]] = []
    current: list[int] | None = None  # [start, end, columns]
    pending = 0  # the columns of the spaces since the last unit

    def room() -> int:
        return max(1, first if not lines else limit)

    def pieces() -> Iterator[tuple[int, int]]:
        for start, end in units(line, kind, keep):
            if width(line[start:end], ambiguous) <= limit or line[start] in SPACES:
                yield start, end
            elif kind is not Kind.PROSE:
                # A word too wide for any line breaks as prose would: never inside a number.
                for a, b in prose_units(line[start:end], keep):
                    yield start + a, start + b
            else:
                yield start, end

    for start, end in pieces():
        columns = width(line[start:end], ambiguous)
        if line[start] in SPACES:
            if current is not None:
                pending += columns
            elif not lines:
                current = [start, end, columns]  # the first line's indentation stays
            continue
        if current is None:
            current = [start, end, columns]
        elif current[2] + pending + columns <= room():
            current[1], current[2] = end, current[2] + pending + columns
        else:
            lines.append((current[0], current[1]))
            current = [start, end, columns]
        pending = 0
        if current[2] > room():
            *done, last = _fold(line, current[0], current[1], room(), ambiguous)
            lines += done
            current = [last[0], last[1], width(line[last[0] : last[1]], ambiguous)]
    if current is not None:
        lines.append((current[0], current[1]))
    if kind is Kind.PROSE:
        _no_orphan(line, lines, limit, keep, ambiguous)
    return lines or [(0, 0)]


def _no_orphan(
    line: str, lines: list[tuple[int, int]], limit: int, keep: tuple[str, ...], ambiguous: int
) -> None:
    """A last line of one character takes a unit from above: 推進 / 事業, not 推進事 / 業."""
    if len(lines) < 2:
        return
    (start, end), (last, stop) = lines[-2], lines[-1]
    if stop - last != 1 or line[last - 1] in SPACES:
        return
    above = prose_units(line[start:end], keep)
    if len(above) < 3:
        return  # the line above would be left with one unit itself
    moved = start + above[-1][0]
    if width(line[moved:stop], ambiguous) <= limit:
        lines[-2:] = [(start, moved), (moved, stop)]


def wrap(text: str, limit: int, kind: Kind = Kind.PROSE, ambiguous: int = 1) -> list[str]:
    """A line of text broken into lines of at most `limit` columns (a unit wider is cut)."""
    return [text[start:end] for start, end in break_line(text, limit, kind, ambiguous=ambiguous)]
