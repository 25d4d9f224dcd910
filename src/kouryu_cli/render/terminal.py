"""Tables, trees and panels for the terminal, drawn with Rich (imported only here).

Every screen is laid out here, once. A column is of one kind, which says where its text may
break: ids, grades, numbers and marks never (ATOM); values such as 25.6% (Ｈ29/2017) only at
spaces (WORDS); names and sentences between any two characters, but never inside an id, a
number or a protected word (PROSE). The kinds give each column its narrowest readable width;
when a table cannot have those, its records are stacked instead: one block a record, one
line a field. Every cell is broken into lines here, by the rule of render/textwidth.py, so
Rich never folds one by itself.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal

from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render import textwidth
from kouryu_cli.render.document import Document
from kouryu_cli.render.listing import Listing
from kouryu_cli.render.textwidth import Kind, break_line, narrowest, natural

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# The width of a screen whose width is not known (COLUMNS unset, 0 or not a number; no tty).
UNKNOWN_WIDTH = 80
# A name narrower than five Japanese characters a line is deciphered, not read.
PROSE_MIN = 10
# A heading may wrap to two Japanese characters a line (18歳 / 未満), not to one.
HEADING_MIN = 4
# Between two columns: a space either side of the divider.
GAP = 3
# A stacked field's value is given at least this many cells beside its label, else a line below.
FIELD_MIN = 12


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its heading, the kind of its text and its alignment."""

    heading: str
    kind: Kind = Kind.PROSE
    justify: Literal["left", "center", "right"] = "left"
    # Shown in the table only while the terminal has room; always in the stacked layout.
    optional: bool = False


def columns_setting() -> int | None:
    """COLUMNS when it is a positive whole number; None (unknown) for unset, 0 or anything else."""
    value = os.environ.get("COLUMNS", "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


def screen_width() -> int:
    """The terminal's width: COLUMNS, else what the terminal says, else 80."""
    setting = columns_setting()
    if setting is not None:
        return setting
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            continue
        if columns > 0:
            return columns
    return UNKNOWN_WIDTH


def console(*, into: IO[str] | None = None, width: int | None = None) -> Console:
    """The one Console factory: every table, tree and panel is drawn on one of these.

    On the terminal (into=None) it honours NO_COLOR, TERM=dumb, FORCE_COLOR and
    CLICOLOR_FORCE, and is screen_width() wide unless told; into a file it draws plain
    text, `width` columns wide.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit with status 1 ("nothing found"); the CLI exits quietly.
            self.quiet = True
            raise BrokenPipeError

    common: dict[str, Any] = {"highlight": False, "emoji": False, "markup": False}
    if into is not None:
        return _Console(file=into, width=width, color_system=None, force_terminal=False, **common)
    environ = os.environ
    # Rich drops colours for NO_COLOR but keeps bold and dim; NO_COLOR means no escapes at all.
    plain = environ.get("NO_COLOR", "") != ""
    forced = environ.get("CLICOLOR_FORCE", "0") not in ("", "0") and not plain
    # Rich would take COLUMNS=0 at its word and draw nothing at all.
    width = width or screen_width()
    screen = _Console(
        width=width,
        soft_wrap=False,
        color_system=None if plain else "auto",
        force_terminal=True if forced else None,
        **common,
    )
    if screen.legacy_windows:
        screen.width = width - 1  # as Rich does: the old console wraps at its last column
    return screen


def text(value: str, style: str = "", spans: Sequence[tuple[int, int]] | None = None) -> Text:
    """Data as a Rich Text: never parsed as markup, control characters made visible."""
    from rich.text import Text

    # Line breaks are layout; every other control character is shown, not sent.
    safe = "\n".join(strip_controls(part) for part in value.split("\n"))
    out = Text(safe, style=style)
    if spans and safe == value:
        for start, end in spans:
            out.stylize("bold reverse", start, end)
    return out


# Breaking text into lines (where: render/textwidth.py) ------------------------------------


def wrap(
    value: Text, width: int, kind: Kind = Kind.PROSE, keep: tuple[str, ...] = (), first: int = 0
) -> list[Text]:
    """value broken into lines of at most `width` cells (`first` for the first), styles kept."""
    plain = value.plain
    if "\n" not in plain and textwidth.width(plain) <= (first or width):
        return [value]  # most cells: nothing to break
    out: list[Text] = []
    offset = 0
    for line in plain.split("\n"):
        spans = break_line(line, width, kind, keep, (first or width) if not out else width)
        out += [value[offset + start : offset + end] for start, end in spans]
        offset += len(line) + 1
    return out


def paragraph(target: Console, value: Text, *, hang: int = 2, keep: tuple[str, ...] = ()) -> None:
    """A line of text as prose within the screen; lines after the first indented by `hang`.

    The leading spaces of value are its indentation, kept on every line.
    """
    _print(target, paragraph_lines(value, target.width, hang, keep))


def paragraph_lines(value: Text, width: int, hang: int, keep: tuple[str, ...]) -> list[Text]:
    """The lines of paragraph(), for a screen `width` cells wide."""
    from rich.text import Text

    plain = value.plain
    indent = len(plain) - len(plain.lstrip(" "))
    rest = " " * (indent + hang)
    lines = wrap(value[indent:], max(1, width - len(rest)), keep=keep, first=max(1, width - indent))
    return [Text(" " * indent if i == 0 else rest) + line for i, line in enumerate(lines)]


def _print(target: Console, lines: list[Text]) -> None:
    """Lines already broken to the screen's width, printed in one go (none is folded again)."""
    from rich.text import Text

    if lines:
        target.print(Text("\n").join(lines), no_wrap=True, crop=False)


def fit_widths(
    naturals: list[int], minimums: list[int], available: int, first: tuple[int, ...] = ()
) -> list[int]:
    """Column widths that fit: the widest columns give way first, none below its minimum.

    Rich narrows only the single widest column and gives up when two tie, then crops;
    setting the widths here keeps every column visible on any terminal.
    """
    widths = list(naturals)
    excess = sum(widths) - available
    # Columns that wrap at little cost (a heading, a value at its space) give way first.
    for i in first:
        if excess > 0:
            cut = min(excess, widths[i] - minimums[i])
            widths[i] -= cut
            excess -= cut
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > minimums[i]]
        if not shrinkable:
            break
        widest = max(widths[i] for i in shrinkable)
        tops = [i for i in shrinkable if widths[i] == widest]
        below = max([widths[i] for i in shrinkable if widths[i] < widest] or [0])
        for i in tops:
            step = min(widest - max(below, minimums[i]), -(-excess // len(tops)), excess)
            widths[i] -= max(step, 1)
            excess -= max(step, 1)
            if excess <= 0:
                break
    return widths


# Tables and their stacked layout ------------------------------------------------------------


def minimum_width(column: Column, cells: Sequence[str], keep: tuple[str, ...] = ()) -> int:
    """The narrowest a column can be and stay readable: what its kind keeps whole, and more."""
    heading = max(min(natural(column.heading), HEADING_MIN), narrowest(column.heading, Kind.PROSE))
    if column.kind is not Kind.PROSE:
        return max([heading, *(narrowest(cell, column.kind, keep) for cell in cells)])
    longests = [natural(cell) for cell in cells]
    # A name of PROSE_MIN cells or fewer has no unit wider than PROSE_MIN: no need to look.
    units = [
        narrowest(c, Kind.PROSE, keep)
        for c, n in zip(cells, longests, strict=True)
        if n > PROSE_MIN
    ]
    return max([heading, min(max(longests, default=0), PROSE_MIN), *units])


@dataclass(frozen=True, slots=True)
class Grid:
    """What a table shows: its columns and a row of cells a record."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Text]]
    # The columns that name a record: the first line of its block when stacked.
    names: tuple[int, ...] = (0,)
    # Words that never break, even in prose (grades such as ベースラインのみ).
    keep: tuple[str, ...] = ()


def draw_table(target: Console, grid: Grid) -> None:
    """A grid as a table that fits the screen, or stacked when a table would not be readable."""
    columns, rows, keep = grid.columns, grid.rows, grid.keep
    width = target.width
    cells = [[row[i].plain for row in rows] for i in range(len(columns))]
    minimums = [minimum_width(c, cells[i], keep) for i, c in enumerate(columns)]
    widest = [max([natural(c.heading), *map(natural, cells[i])]) for i, c in enumerate(columns)]
    shown = [i for i, c in enumerate(columns) if not c.optional]
    used = sum(minimums[i] for i in shown) + GAP * (len(shown) - 1)
    if used > width:
        draw_stacked(target, grid)
        return

    # The others at ease: values on one line, names ten characters a line, headings wrapped.
    def at_ease(i: int) -> int:
        longest = widest[i]
        if columns[i].kind is Kind.ATOM:
            return minimums[i]
        return max(
            minimums[i], min(longest, 2 * PROSE_MIN) if columns[i].kind is Kind.PROSE else longest
        )

    # An optional column is added only while the others can be at ease beside it.
    roomy = sum(at_ease(i) for i in shown) + GAP * (len(shown) - 1)
    for i, column in enumerate(columns):
        if column.optional and roomy + GAP + minimums[i] <= width:
            shown.append(i)
            roomy += GAP + minimums[i]
    shown.sort()
    left_out = [columns[i].heading for i in range(len(columns)) if i not in shown]
    available = width - GAP * (len(shown) - 1)
    # The headings of ids and numbers wrap first (the widest first), then names down to ten
    # characters a line, then values at their space, then names further.
    widths = [widest[i] for i in shown]
    headings = [at_ease(i) if columns[i].kind is Kind.ATOM else widest[i] for i in shown]
    widths = fit_widths(widths, headings, available)
    widths = fit_widths(widths, [at_ease(i) for i in shown], available)
    words = tuple(p for p, i in enumerate(shown) if columns[i].kind is Kind.WORDS)
    widths = fit_widths(widths, [minimums[i] for i in shown], available, words)
    _table(
        target, [columns[i] for i in shown], [[row[i] for i in shown] for row in rows], widths, keep
    )
    if left_out:  # never dropped in silence: the reader learns where they are
        note = _("Not shown for want of width: {columns} (a wider window, or -f csv, has them)")
        said = text(note.format(columns=_(", ").join(left_out)), "dim")
        _print(target, wrap(said, target.width, Kind.PROSE))


def _table(
    target: Console,
    columns: list[Column],
    rows: list[list[Text]],
    widths: list[int],
    keep: tuple[str, ...],
) -> None:
    from rich.text import Text

    def lines(value: Text, width: int, kind: Kind) -> Text:
        broken = wrap(value, width, kind, keep)
        return broken[0] if len(broken) == 1 else Text("\n").join(broken)

    def heading(value: Text, width: int) -> Text:
        # Narrowed while that gives no more lines and no longer last line than first line:
        # 65歳 / 以上, not 65歳以 / 上; 評価 / A, not 評 / 価A.
        count = len(wrap(value, width))
        while width > 1:
            narrower = [textwidth.width(line.plain) for line in wrap(value, width - 1)]
            if len(narrower) != count or narrower[-1] > narrower[0]:
                break
            width -= 1
        return lines(value, width, Kind.PROSE)

    # Every cell is already broken to its column's width, so the table is laid out here
    # line by line (as Rich's SIMPLE_HEAD box draws it) instead of by Rich's table engine,
    # which would measure every cell again: most of the cost of drawing a table.
    headings = [
        list(heading(text(column.heading, "bold"), width).split("\n"))
        for column, width in zip(columns, widths, strict=True)
    ]
    out = _rows(headings, columns, widths, bottom=True)
    out.append(Text("─" * (sum(widths) + GAP * (len(widths) - 1))))
    for row in rows:
        cells = [
            list(lines(cell, width, column.kind).split("\n"))
            for cell, width, column in zip(row, widths, columns, strict=True)
        ]
        out += _rows(cells, columns, widths, bottom=False)
    _print(target, out)


def _rows(
    cells: list[list[Text]], columns: list[Column], widths: list[int], *, bottom: bool
) -> list[Text]:
    """The screen lines of one table row: its cells' lines side by side, padded to width."""
    from rich.text import Text

    height = max(len(lines) for lines in cells)
    if bottom:  # headings sit on the rule: 18歳 / 未満 beside ID
        cells = [[Text()] * (height - len(lines)) + lines for lines in cells]
    out = []
    for index in range(height):
        line = Text()
        for number, (lines, column, width) in enumerate(zip(cells, columns, widths, strict=True)):
            piece = lines[index] if index < len(lines) else Text()
            room = width - textwidth.width(piece.plain)
            left = (
                room
                if column.justify == "right"
                else room // 2
                if column.justify == "center"
                else 0
            )
            if number:
                line.append(" " * GAP)
            line.append(" " * left)
            line.append_text(piece)
            line.append(" " * (room - left))
        line.rstrip()
        out.append(line)
    return out


def draw_stacked(target: Console, grid: Grid) -> None:
    """One block a record: its name in bold, then one line a field (empty fields left out)."""
    from rich.text import Text

    columns, names, keep, width = grid.columns, grid.names, grid.keep, target.width
    fields = [i for i in range(len(columns)) if i not in names]
    out: list[Text] = []
    for number, row in enumerate(grid.rows):
        if number:
            out.append(Text())
        name = Text(" ").join(row[i] for i in names if row[i].plain.strip())
        name.stylize("bold")
        out += paragraph_lines(name, width, 2, keep)
        shown = [(columns[i].heading, row[i], columns[i].kind) for i in fields]
        out += field_lines([f for f in shown if f[1].plain.strip()], width, 2, keep)
    _print(target, out)


def draw_fields(target: Console, fields: Sequence[tuple[str, Text, Kind]]) -> None:
    """Labelled values, the values in one aligned column; a value with no room goes below."""
    _print(target, field_lines(fields, target.width, 0, ()))


def field_lines(
    fields: Sequence[tuple[str, Text, Kind]], width: int, indent: int, keep: tuple[str, ...]
) -> list[Text]:
    """The lines of draw_fields(), indented, for a screen `width` cells wide."""
    from rich.text import Text

    if not fields:
        return []
    label_width = min(max(textwidth.width(label) for label, _, _ in fields), max(6, width // 3))
    beside = width - indent - label_width - 2
    out: list[Text] = []
    for label, value, kind in fields:
        head = text(label, "bold")
        if textwidth.width(label) <= label_width and beside >= min(
            max(FIELD_MIN, narrowest(value.plain, kind, keep)), natural(value.plain)
        ):
            pad = " " * (label_width - textwidth.width(label) + 2)
            first, *rest = wrap(value, beside, kind, keep)
            out.append(Text(" " * indent) + head + pad + first)
            out += [Text(" " * (width - beside)) + line for line in rest]
            continue
        out += paragraph_lines(Text(" " * indent) + head, width, 2, keep)
        lines = wrap(value, max(1, width - indent - 2), kind, keep)
        out += [Text(" " * (indent + 2)) + line for line in lines]
    return out


# Listings and documents ---------------------------------------------------------------------

_ATOM_CELL = re.compile(r"[!-~\uff01-\uff5e]+")


def listing_column(heading: str, cells: Sequence[str], numeric: bool) -> Column:
    """A listing's column, its kind read from what it holds: numbers, marks, ids or prose."""
    if numeric:
        return Column(heading, Kind.ATOM, "right")
    filled = [cell for cell in cells if cell]
    if filled and all(len(cell) <= 1 for cell in filled):
        return Column(heading, Kind.ATOM, "center")  # a column of marks (○)
    if filled and all(_ATOM_CELL.fullmatch(cell) for cell in filled):
        return Column(heading, Kind.ATOM)  # ids, years, units
    return Column(heading, Kind.PROSE)


def draw_listing(listing: Listing, target: Console) -> None:
    """A listing as a Rich table, or stacked when the screen is too narrow for one."""
    listing = listing.narrowed()
    rows = [
        [text(cell, spans=listing.spans_at(index, col)) for col, cell in enumerate(row)]
        for index, row in enumerate(listing.text_rows)
    ]
    columns = [
        listing_column(heading, [row[i] for row in listing.text_rows], i in listing.numeric)
        for i, heading in enumerate(listing.columns)
    ]
    draw_table(target, Grid(columns, rows, listing.names))


def draw_document(document: Document, target: Console) -> None:
    """A document (show, outline): headings in bold, facts as labelled lines, items indented."""
    from rich.text import Text

    facts: list[tuple[str, Text, Kind]] = []

    def flush() -> None:
        draw_fields(target, facts)
        facts.clear()

    for line in document:
        if line.kind == "fact":
            facts.append((line.label, text(line.text), Kind.PROSE))
            continue
        flush()
        indent = 2 * max(0, line.level - 2)
        if line.kind == "heading":
            target.print()
            style = "bold underline" if line.level == 1 else "bold"
            paragraph(target, Text(" " * indent) + text(line.text, style))
        elif line.kind == "item":
            paragraph(target, Text(" " * (2 * max(1, line.level - 1))) + text(line.text))
        else:
            style = "dim" if line.kind == "caption" else ""
            paragraph(target, Text(" " * indent) + text(line.text, style), hang=0)
    flush()
