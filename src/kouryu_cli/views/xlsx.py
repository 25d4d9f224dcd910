"""Excel workbooks through openpyxl (the optional `excel` extra)."""

from __future__ import annotations

import io
import unicodedata

from kouryu_cli.errors import UsageError
from kouryu_cli.views.formats import Listing


def workbook_bytes(listing: Listing, sheet: str = "kouryu") -> bytes:
    """A workbook with the header row frozen and columns sized to their text."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise UsageError(
            "writing .xlsx needs openpyxl: pip install 'kouryu[excel]' (or pip install openpyxl)"
        ) from None
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(list(listing.columns))
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in listing.rows:
        page.append([_value(v, i in listing.numeric) for i, v in enumerate(row)])
    page.freeze_panes = "A2"
    for index, column in enumerate(listing.columns):
        cells = [column, *(row[index] for row in listing.rows)]
        width = max((_display_width(c) for c in cells), default=8)
        page.column_dimensions[page.cell(1, index + 1).column_letter].width = min(width + 2, 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _value(text: str, numeric: bool) -> str | int | float:
    if numeric:
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return _safe(text)
        return int(number) if number.is_integer() else number
    return _safe(text)


def _safe(text: str) -> str:
    # Control characters are illegal in XML; show them escaped instead of failing the save.
    from kouryu_cli.textnorm import strip_controls

    return strip_controls(text)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
