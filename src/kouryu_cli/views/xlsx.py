"""Excel workbooks through openpyxl (the optional `excel` extra).

Every workbook the tool writes prints: A4 landscape, fitted to the page width, the header
row repeated on every page, and a title row that says what the sheet holds. Text cells are
always strings: a measure named `=1+1` is shown, never calculated.
"""

from __future__ import annotations

import io
import unicodedata
from typing import TYPE_CHECKING, Any

from kouryu_cli.errors import UsageError
from kouryu_cli.textnorm import strip_controls
from kouryu_cli.views.formats import Cell, Listing

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

NEED_OPENPYXL = (
    "writing .xlsx needs openpyxl: pip install 'kouryu[excel]' (or pip install openpyxl)"
)
# Excel refuses sheet names over 31 characters and with any of these.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def workbook_bytes(listing: Listing) -> bytes:
    """A one-sheet workbook: title row, frozen header, sized columns, print setup."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise UsageError(NEED_OPENPYXL) from None
    book = Workbook()
    fill_sheet(book.active, listing)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_sheet(page: Worksheet, listing: Listing) -> None:
    """Write listing into page, with the title row, header and print setup."""
    from openpyxl.styles import Alignment, Font

    page.title = sheet_name(listing.sheet)
    header_row = 1
    if listing.title:
        put(page, 1, 1, listing.title).font = Font(bold=True, size=12)
        header_row = 2
    for index, column in enumerate(listing.columns, 1):
        cell = put(page, header_row, index, column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(listing.rows, header_row + 1):
        for index, value in enumerate(row, 1):
            put(page, offset, index, value, numeric=index - 1 in listing.numeric)
    page.freeze_panes = page.cell(header_row + 1, 1).coordinate
    widths = []
    for index, column in enumerate(listing.columns):
        cells = [column, *(row[index] for row in listing.text_rows)]
        width = min(max((display_width(c) for c in cells), default=8) + 2, 60)
        widths.append(width)
        letter = page.cell(1, index + 1).column_letter
        page.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, 1):
        if width >= 60:  # long texts (説明) wrap inside their column instead of running on
            for (cell,) in page.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.alignment = wrap
    print_setup(page, header_row)


def print_setup(page: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every printed page."""
    page.page_setup.orientation = "landscape"
    page.page_setup.paperSize = page.PAPERSIZE_A4
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0
    page.sheet_properties.pageSetUpPr.fitToPage = True
    page.print_title_rows = f"{header_row}:{header_row}"
    page.print_options.gridLines = True
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


def display_width(value: Cell) -> int:
    """The width of a cell's text in Excel's units (a Japanese character counts two)."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)
