"""Returned forms read back: workbooks and CSV in any encoding Excel saves, as rows of cells.

One form at a time, bytes to cells named by their place (``file:sheet!F7``); what the cells
say is checked by collect, against the plan and the other forms of the round.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kouryu_cli.core.errors import DataFileError, Problem
from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files import tables
from kouryu_cli.files.tables import column_letter
from kouryu_cli.files.yamlfile import decode
from kouryu_cli.progress import forms

_HEADER_SCAN = 20  # rows searched for the headings, should a row have been inserted above
# One list for every blank row: a sheet used down to row 1048576 costs a pointer a row.
_BLANK: list[str] = []


@dataclass(frozen=True, slots=True)
class FormCell:
    """A cell of a returned form: its column's key, its text, and where it is (file:sheet!F7)."""

    key: str
    value: str
    place: str


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row under the headings: its number and its cells, in the form's column order."""

    number: int
    cells: tuple[FormCell, ...]

    def has(self, key: str) -> bool:
        """Whether the form has the column."""
        return any(cell.key == key for cell in self.cells)

    def cell(self, key: str) -> FormCell:
        """The cell of a column; KeyError when the form lacks the column."""
        for cell in self.cells:
            if cell.key == key:
                return cell
        raise KeyError(key)

    def text(self, key: str) -> str:
        """The cell's text, '' when the column is missing."""
        return self.cell(key).value if self.has(key) else ""


@dataclass(frozen=True, slots=True)
class ReturnedForm:
    """A form as a department sent it back, before any checking."""

    file: str
    sheet: str
    record: tuple[tuple[str, str], ...]  # (key, value) as on the hidden sheet or the CSV's row 1
    record_place: str
    person: FormCell
    date: FormCell
    header_place: str
    rows: tuple[FormRow, ...] = ()
    problems: tuple[Problem, ...] = ()

    def place(self, cell: str = "") -> str:
        """file:sheet!cell (or file:sheet)."""
        return f"{self.file}:{self.sheet}!{cell}" if cell else f"{self.file}:{self.sheet}"


def read_form(path: Path, label: str | None = None) -> ReturnedForm:
    """Read a returned form (.xlsx, or CSV / tab-separated text); DataFileError when unreadable."""
    from kouryu_cli.files.yamlfile import read_bytes

    name = label or str(path)
    raw = read_bytes(path, name, _("a form"))
    tables.refuse_other_workbooks(raw, name)
    if tables.is_workbook(raw):
        return _read_workbook(raw, name)
    return _read_csv(raw, name, path.stem)


# ------------------------------------------------------------------ workbooks


def _read_workbook(raw: bytes, name: str) -> ReturnedForm:
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise DataFileError.single(
            name, _("reading .xlsx needs openpyxl: pip install 'kouryu[excel]'")
        ) from None
    try:
        # Read-only: cells are read as the rows go by, and only those the file holds.
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=error)
        ) from None
    try:
        return _read_sheets(book, name)
    finally:
        book.close()


def _read_sheets(book: Any, name: str) -> ReturnedForm:
    record: list[tuple[str, str]] = []
    if forms.META_SHEET in book.sheetnames:
        meta = book[forms.META_SHEET]
        meta.reset_dimensions()
        for key, value, *_rest in meta.iter_rows(min_col=1, max_col=2, values_only=True):
            if key:
                record.append((str(key), _text(value)))
    candidates = [forms.MAIN_SHEET] if forms.MAIN_SHEET in book.sheetnames else []
    candidates += [s for s in book.sheetnames if s not in (forms.META_SHEET, forms.HELP_SHEET)]
    for sheet_name in candidates:
        sheet = book[sheet_name]
        # The recorded dimension reaches the farthest cell ever touched (XFD1048576 after
        # Ctrl+End and a note): forgotten, so that only the rows the file holds are read.
        sheet.reset_dimensions()
        grid = [
            [tables.percentage(c.value, c.number_format) or _text(c.value) for c in row]
            if any(c.value is not None for c in row)
            else _BLANK
            for row in sheet.iter_rows(max_col=40)
        ]
        form = _from_grid(grid, name, sheet_name, tuple(record), f"{name}:{forms.META_SHEET}!B1")
        if form is not None:
            return form
    raise DataFileError.single(
        name,
        _("no sheet with the form's headings ({value})").format(
            value=", ".join(c.label for c in forms.COLUMNS)
        ),
    )


def _text(value: Any) -> str:
    """A cell's value as the text a department meant: 12.0 → 12, a date → 2025-05-12."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ CSV


def _read_csv(raw: bytes, name: str, stem: str) -> ReturnedForm:
    text = decode(raw, name)[0]
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise DataFileError.single(
            name, _("not readable as CSV: {error}").format(error=error)
        ) from None
    # Excel names a CSV's only sheet after the file: the place names it that way too.
    sheet = stem[:31]
    record: tuple[tuple[str, str], ...] = ()
    if grid and grid[0] and _unquote(grid[0][0]) == forms.MARKER:
        cells = [_unquote(c) for c in grid[0]]
        record = (("form", forms.MARKER), *zip(cells[1::2], cells[2::2], strict=False))
    form = _from_grid(grid, name, sheet, record, f"{name}:{sheet}!A1")
    if form is None:
        raise DataFileError.single(
            name,
            _("no row with the form's headings ({value})").format(
                value=", ".join(c.label for c in forms.COLUMNS)
            ),
        )
    return form


def _clean(text: str) -> str:
    """A cell's text with Windows line breaks made plain and the formula guard removed."""
    return _unquote(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _unquote(text: str) -> str:
    """The text without the ' that keeps Excel from reading = + - @ as a formula."""
    return (
        text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text
    )


# ------------------------------------------------------------------ the grid


def _from_grid(
    grid: list[list[str]],
    name: str,
    sheet: str,
    record: tuple[tuple[str, str], ...],
    record_place: str,
) -> ReturnedForm | None:
    def place(row: int, column: int) -> str:
        return f"{name}:{sheet}!{column_letter(column)}{row}"

    header = next(
        (
            index
            for index, row in enumerate(grid[:_HEADER_SCAN], 1)
            if row and fold(row[0]) == "id" and forms.COLUMNS[-1].label in row
        ),
        None,
    )
    if header is None:
        return None
    headings = [fold(c) for c in grid[header - 1]]
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for column in forms.COLUMNS:
        folded = fold(column.label)
        if folded in headings:
            columns[column.key] = headings.index(folded) + 1
        else:
            problems.append(
                problem(
                    place(header, 1),
                    _("the column '{label}' is missing from the headings").format(
                        label=column.label
                    ),
                )
            )
    rows = []
    for number, row in enumerate(grid[header:], header + 1):
        if not any(row):
            continue
        cells = tuple(
            FormCell(key, _clean(row[col - 1]) if col <= len(row) else "", place(number, col))
            for key, col in columns.items()
        )
        if any(c.value for c in cells):
            rows.append(FormRow(number, cells))

    def at(key: str, row: int, column: int) -> FormCell:
        values = grid[row - 1] if row <= len(grid) else []
        text = values[column - 1].strip() if column <= len(values) else ""
        return FormCell(key, text, place(row, column))

    return ReturnedForm(
        file=name,
        sheet=sheet,
        record=record,
        record_place=record_place,
        person=at("answered_by", 2, 2),
        date=at("answered_on", 2, 5),
        header_place=place(header, 1),
        rows=tuple(rows),
        problems=tuple(problems),
    )


def problem(place: str, message: str) -> Problem:
    """A problem named by its cell (file:sheet!F7), with no line and column."""
    return Problem(place, None, None, "", message)
