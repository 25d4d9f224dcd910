"""Excel workbooks through openpyxl (the optional `excel` extra).

Every workbook the tool writes prints: A4 landscape, fitted to the page width, the header
row repeated on every page, and a title row that says what the sheet holds. Text cells are
always strings: a measure named `=1+1` is shown, never calculated.
"""

from __future__ import annotations

import io
import unicodedata
from typing import TYPE_CHECKING, Any

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import strip_controls
from kouryu_cli.render.listing import Cell, Listing

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def need_openpyxl() -> str:
    """The message for a missing openpyxl, in the user's language."""
    return _("writing .xlsx needs openpyxl: pip install 'kouryu[excel]' (or pip install openpyxl)")


# Excel refuses sheet names over 31 characters and with any of these.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def workbook_bytes(listing: Listing) -> bytes:
    """A one-sheet workbook: title row, frozen header, sized columns, print setup."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise UsageError(need_openpyxl()) from None
    book = Workbook()
    fill_sheet(book.active, listing)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Column widths in Excel's units (about one Latin character): a column of prose wraps at
# PROSE, any other at NARROW, so that a sheet printed one page wide stays legible.
NARROW = 28
PROSE = 48
LINE_HEIGHT = 16  # points per wrapped line (11 pt text, Japanese glyphs included)


def fill_sheet(page: Worksheet, listing: Listing) -> None:
    """Write listing into page, with the title row, header and print setup."""
    from openpyxl.styles import Alignment, Font

    page.title = sheet_name(listing.sheet)
    header_row = 1
    if listing.title:
        put(page, 1, 1, listing.title).font = Font(bold=True, size=12)
        header_row = 2
    texts = listing.text_rows
    widths = [
        _column_width(column, [row[i] for row in texts]) for i, column in enumerate(listing.columns)
    ]
    marks = [bool(texts) and all(len(row[i]) <= 1 for row in texts) for i in range(len(widths))]
    for index, column in enumerate(listing.columns, 1):
        cell = put(page, header_row, index, column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    page.row_dimensions[header_row].height = LINE_HEIGHT * _lines(listing.columns, widths)
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
        page.row_dimensions[offset].height = LINE_HEIGHT * _lines(shown, widths)
    for index, width in enumerate(widths, 1):
        page.column_dimensions[page.cell(1, index).column_letter].width = width
    page.freeze_panes = page.cell(header_row + 1, 1).coordinate
    print_setup(page, header_row)


def _column_width(heading: str, cells: list[str]) -> int:
    natural = max([display_width(c) for c in cells] + [4]) + 1
    heading_words = max(display_width(w) for w in heading.split() or [""]) + 1
    cap = PROSE if natural > 2 * NARROW else NARROW
    return max(min(natural, cap), min(heading_words, NARROW), 4)


def _lines(cells: tuple[str, ...], widths: list[int]) -> int:
    """How many lines the tallest cell of a row takes once wrapped."""
    lines = 1
    for text, width in zip(cells, widths, strict=True):
        count = sum(-(-display_width(part) // max(width - 1, 1)) or 1 for part in text.split("\n"))
        lines = max(lines, count)
    return lines


def print_setup(page: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every printed page."""
    page.page_setup.orientation = "landscape"
    page.page_setup.paperSize = page.PAPERSIZE_A4
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0
    page.sheet_properties.pageSetUpPr.fitToPage = True
    page.print_title_rows = f"{header_row}:{header_row}"
    page.print_options.gridLines = True
    page.print_options.horizontalCentered = True
    page.page_margins.left = page.page_margins.right = 0.4


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
                return cell
        # Control characters are illegal in XML; show them escaped instead of failing the save.
        cell.value = strip_controls(value)
        cell.data_type = "s"  # openpyxl would take a leading = as a formula
        return cell
    cell.value = value
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
            sum(_WIDE if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in line)
            for line in text.split("\n")
        ),
        default=0.0,
    )
    return int(widest + 0.999)
