"""Excel workbooks through openpyxl (the optional `excel` extra).

Every workbook the tool writes prints alike (print_setup): A4, never smaller than 8 pt type,
fitted to the page width when that is legible and else across pages with the id columns
repeated, the header rows repeated on every page, page numbers below. A listing's sheet is
landscape, its columns narrowed to fit the page, with a title row that says what it holds;
a listing with a printed summary (Listing.print_columns) has that sheet first and every
column on a second. Numbers show separators and the decimals they were written with
(146,828 and 25.3). Text cells are always strings (text_cell): a measure named `=1+1` is
shown, never calculated.
"""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render.listing import Cell, Listing
from kouryu_cli.render.textwidth import char_width

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def need_openpyxl() -> str:
    """The message for a missing openpyxl, in the user's language."""
    return _(
        "writing .xlsx needs openpyxl: pip install openpyxl "
        "(or pip install '.[excel]' in kouryu's checkout)"
    )


# Excel refuses sheet names over 31 characters and with any of these.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def workbook_bytes(listing: Listing) -> bytes:
    """A workbook of one sheet, or of the printed summary and then every column."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise UsageError(need_openpyxl()) from None
    book = Workbook()
    if listing.print_columns:
        fill_sheet(book.active, listing.narrowed(listing.print_columns))
        whole = book.create_sheet()
        fill_sheet(whole, listing, across=True)
        whole.title = sheet_name(f"{listing.sheet}（全項目）")
    else:
        fill_sheet(book.active, listing)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Column widths in Excel's units (about one Latin character): a column of prose wraps at
# PROSE, any other at NARROW, so that a sheet printed one page wide stays legible.
NARROW = 28
PROSE = 48
LINE_HEIGHT = 16  # points per wrapped line (11 pt text, Japanese glyphs included)
# A column narrowed to fit the page keeps this width (or its own, when narrower): eight
# Japanese characters, so that a grade such as ベースラインのみ stays on one line.
FLOOR = 14

# The smallest print scale: 11 pt type prints at 8.25 pt, the least a reader takes in on paper.
SMALLEST_SCALE = 75
# How wide a width unit prints at 100 %, in points: measured in LibreOffice, whose stand-in
# for Calibri is wider than Calibri itself (Excel prints a unit about 5.7 pt wide).
UNIT_POINTS = 7.2
MARGIN = 0.4  # inches, left and right


def page_units(*, portrait: bool = False) -> float:
    """How many width units fit across an A4 page printed at the smallest scale."""
    paper = 595.3 if portrait else 841.9  # points
    return (paper - 2 * 72 * MARGIN) / (UNIT_POINTS * SMALLEST_SCALE / 100)


def fill_sheet(page: Worksheet, listing: Listing, *, across: bool = False) -> None:
    """Write listing into page, with the title row, header and print setup.

    The columns are narrowed (their text wrapped) to fit one page wide, unless across: then
    they keep their width and print across pages, the columns that name a row repeated.
    """
    from openpyxl.styles import Alignment

    page.title = sheet_name(listing.sheet)
    header_row = 1
    if listing.title:
        put(page, 1, 1, listing.title).font = bold(12)
        header_row = 2
    texts = listing.text_rows
    widths: list[float] = [
        _column_width(column, [row[i] for row in texts]) for i, column in enumerate(listing.columns)
    ]
    if not across:
        widths = fit_widths(widths, page_units())
    marks = [bool(texts) and all(len(row[i]) <= 1 for row in texts) for i in range(len(widths))]
    for index, column in enumerate(listing.columns, 1):
        cell = put(page, header_row, index, column)
        cell.font = bold()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    page.row_dimensions[header_row].height = LINE_HEIGHT * row_lines(listing.columns, widths)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    centred = Alignment(vertical="top", horizontal="center")
    for offset, (row, shown) in enumerate(zip(listing.rows, texts, strict=True), header_row + 1):
        for index, value in enumerate(row):
            cell = put(page, offset, index + 1, value, numeric=index in listing.numeric)
            if marks[index]:
                cell.alignment = centred
            elif display_width(shown[index]) > widths[index]:
                cell.alignment = wrapped
            else:
                cell.alignment = top
        page.row_dimensions[offset].height = LINE_HEIGHT * row_lines(shown, widths)
    for index, width in enumerate(widths, 1):
        page.column_dimensions[page.cell(1, index).column_letter].width = width
    page.freeze_panes = page.cell(header_row + 1, 1).coordinate
    first, last = (
        page.cell(1, i + 1).column_letter for i in (min(listing.names), max(listing.names))
    )
    print_setup(
        page, f"{header_row}:{header_row}", grid_lines=True, title_columns=f"{first}:{last}"
    )


def bold(size: int = 11) -> Any:
    """A heading's font: the workbook's own face (Calibri, 11 pt), bold.

    A Font without a name falls back to the application's default face, a serif one in
    LibreOffice: headings would print unlike the cells under them.
    """
    from openpyxl.styles import Font

    return Font(name="Calibri", family=2, scheme="minor", bold=True, size=size)


def fit_widths(widths: list[float], room: float) -> list[float]:
    """Widths narrowed to add up to room: what each has over FLOOR shrinks in proportion."""
    floors = [min(width, FLOOR) for width in widths]
    spare = sum(widths) - sum(floors)
    if sum(widths) <= room or not spare:
        return [float(width) for width in widths]
    keep = max(room - sum(floors), 0) / spare
    return [
        floor + int((width - floor) * keep * 10) / 10
        for width, floor in zip(widths, floors, strict=True)
    ]


def _column_width(heading: str, cells: list[str]) -> int:
    natural = max([display_width(c) for c in cells] + [4]) + 1
    heading_words = max(display_width(w) for w in heading.split() or [""]) + 1
    cap = PROSE if natural > 2 * NARROW else NARROW
    return max(min(natural, cap), min(heading_words, NARROW), 4)


def row_lines(cells: tuple[str, ...], widths: list[float]) -> int:
    """How many lines the tallest cell of a row takes once wrapped."""
    return max([1, *(cell_lines(text, width) for text, width in zip(cells, widths, strict=True))])


def cell_lines(text: str, width: float) -> int:
    """How many lines a text takes in a wrapped cell `width` units wide."""
    room = max(int(width) - 1, 1)
    return sum(-(-display_width(part) // room) or 1 for part in text.split("\n"))


def print_setup(
    page: Worksheet,
    title_rows: str = "",
    *,
    portrait: bool = False,
    grid_lines: bool = False,
    area: str = "",
    title_columns: str = "",
) -> None:
    """How every sheet prints: A4, title rows on every page, page numbers below.

    One page wide when the type stays legible (SMALLEST_SCALE); a wider sheet prints across
    pages at that scale, each row's pages one after the other, with title_columns (A:B, the
    columns that name a row) repeated on each. Landscape unless portrait; grid_lines for a
    sheet whose cells have no borders of their own.
    """
    from openpyxl.utils import get_column_letter

    setup = page.page_setup
    setup.orientation = "portrait" if portrait else "landscape"
    setup.paperSize = page.PAPERSIZE_A4
    dimensions = page.column_dimensions
    letters = [get_column_letter(i) for i in range(1, page.max_column + 1)]
    # An unsized column is Excel's default, 8.43 units.
    width = sum(dimensions[c].width if c in dimensions else 8.43 for c in letters)
    if width <= page_units(portrait=portrait):
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        page.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        setup.scale = SMALLEST_SCALE
        setup.pageOrder = "overThenDown"
        if title_columns:
            page.print_title_cols = title_columns
    page.page_margins.left = page.page_margins.right = MARGIN
    page.oddFooter.center.text = "&P / &N"
    if title_rows:
        page.print_title_rows = title_rows
    if grid_lines:
        page.print_options.gridLines = True
        page.print_options.horizontalCentered = True
    if area:
        page.print_area = area


def put(page: Worksheet, row: int, column: int, value: Cell, *, numeric: bool = False) -> Any:
    """Set one cell: numbers as numbers, text always as a string (never a formula)."""
    cell = page.cell(row, column)
    if value is None:
        return cell
    if isinstance(value, str):
        if numeric:
            number = _number(value)
            if number is not None:
                cell.value = number
                cell.number_format = number_format(value.strip())
                return cell
        return text_cell(cell, value)
    cell.value = value
    if isinstance(value, date):
        cell.number_format = "yyyy/m/d"  # as Japanese Excel shows a date
        return cell
    if numeric:
        cell.number_format = number_format(repr(value))
    return cell


def number_format(written: str) -> str:
    """Separators and the decimals a number was written with: 25.3 → #,##0.0, 5480 → #,##0."""
    if "e" in written.lower():  # 1e-07: too small or large for a fixed format
        return "General"
    decimals = min(len(written.partition(".")[2]), 6)
    return "#,##0." + "0" * decimals if decimals else "#,##0"


def text_cell(cell: Any, value: str) -> Any:
    """Text into a cell: always a string, never a formula; line breaks kept, empty left empty."""
    if not value:
        cell.value = None
        return cell
    # Control characters are illegal in XML; show them escaped instead of failing the save.
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cell.value = "\n".join(strip_controls(part) for part in lines)
    cell.data_type = "s"  # openpyxl would take a leading = as a formula
    return cell


def _number(text: str) -> int | float | None:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def sheet_name(name: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return (name.translate(_SHEET_FORBIDDEN) or "Sheet")[:31]


# A Japanese character takes about 1.6 of Excel's width units (measured: LibreOffice prints
# 37 of them on a line of a column 48 units wide).
_WIDE = 1.6


def display_width(value: Cell) -> int:
    """The width of a cell's longest line in Excel's units."""
    text = "" if value is None else str(value)
    widest = max(
        (
            sum(_WIDE if columns == 2 else columns for columns in map(char_width, line))
            for line in text.split("\n")
        ),
        default=0.0,
    )
    return int(widest + 0.999)
