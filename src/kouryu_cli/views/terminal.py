"""Tables, trees and panels for the terminal, drawn with Rich (imported only here)."""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any

from kouryu_cli.textnorm import strip_controls
from kouryu_cli.views.formats import Document, Listing

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def console(*, into: IO[str] | None = None, width: int | None = None) -> Console:
    """The one Console factory: every table, tree and panel is drawn on one of these.

    On the terminal (into=None) it honours NO_COLOR, TERM=dumb, FORCE_COLOR and
    CLICOLOR_FORCE; into a file it draws plain text, `width` columns wide.
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
    return _Console(
        width=width,
        soft_wrap=False,
        color_system=None if plain else "auto",
        force_terminal=True if forced else None,
        **common,
    )


def text(value: str, style: str = "", spans: list[tuple[int, int]] | None = None) -> Text:
    """Data as a Rich Text: never parsed as markup, control characters made visible."""
    from rich.text import Text

    # Line breaks are layout; every other control character is shown, not sent.
    safe = "\n".join(strip_controls(part) for part in value.split("\n"))
    out = Text(safe, style=style)
    if spans and safe == value:
        for start, end in spans:
            out.stylize("bold reverse", start, end)
    return out


def fit_widths(
    naturals: list[int], minimums: list[int], available: int, first: tuple[int, ...] = ()
) -> list[int]:
    """Column widths that fit: the widest columns give way first, none below its minimum.

    Rich narrows only the single widest column and gives up when two tie, then crops;
    setting the widths here keeps every column visible on any terminal.
    """
    widths = list(naturals)
    excess = sum(widths) - available
    # Columns of marks give way first: their headings wrap at no cost to the data.
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


def _width(value: str) -> int:
    from rich.cells import cell_len

    return max(cell_len(line) for line in value.split("\n"))


def draw_listing(listing: Listing, target: Console) -> None:
    """A listing as a Rich table."""
    listing = listing.narrowed()
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    naturals, minimums, justify, marks_columns = [], [], [], set()
    for index, column in enumerate(listing.columns):
        cells = [row[index] for row in listing.text_rows]
        # A column of marks (○) is centred and its heading may wrap (18歳 / 未満).
        marks = bool(cells) and all(len(cell) <= 1 for cell in cells)
        natural = (
            max(_width(column), *(_width(cell) for cell in cells)) if cells else _width(column)
        )
        naturals.append(natural)
        fixed = index == 0 or index in listing.numeric  # ids and numbers never wrap
        minimums.append(4 if marks else natural if fixed else min(natural, 6))
        if marks:
            marks_columns.add(index)
        justify.append("center" if marks else "right" if index in listing.numeric else "left")
    widths = fit_widths(
        naturals, minimums, target.width - 3 * len(naturals), tuple(sorted(marks_columns))
    )
    for column, width, align in zip(listing.columns, widths, justify, strict=True):
        table.add_column(text(column, "bold"), justify=align, overflow="fold", width=width)  # type: ignore[arg-type]
    for row_index, row in enumerate(listing.text_rows):
        table.add_row(
            *(
                text(cell, spans=listing.highlights.get((row_index, col)))
                for col, cell in enumerate(row)
            )
        )
    target.print(table)


def draw_document(document: Document, target: Console) -> None:
    """A document (show, outline): headings in bold, facts as a grid, items indented."""
    from rich.padding import Padding
    from rich.table import Table

    facts: list[tuple[str, str]] = []

    def flush() -> None:
        if facts:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for label, value in facts:
                grid.add_row(text(label), text(value))
            target.print(grid)
            facts.clear()

    for line in document:
        if line.kind == "fact":
            facts.append((line.label, line.text))
            continue
        flush()
        indent = 2 * max(0, line.level - 2)
        if line.kind == "heading":
            target.print()
            style = "bold underline" if line.level == 1 else "bold"
            target.print(Padding(text(line.text, style), (0, 0, 0, indent)))
        elif line.kind == "item":
            target.print(Padding(text(line.text), (0, 0, 0, 2 * max(1, line.level - 1))))
        else:
            style = "dim" if line.kind == "caption" else ""
            target.print(Padding(text(line.text, style), (0, 0, 0, indent)))
    flush()
