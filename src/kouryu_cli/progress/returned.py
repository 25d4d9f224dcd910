"""Returned forms read back: workbooks and CSV in any encoding Excel saves, as rows of cells.

One form at a time, bytes to cells named by their place (``file:sheet!F7``); what the cells
say is checked by collect, against the plan and the other forms of the round.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files import kinds, tables
from kouryu_cli.files.problems import DataFileError, Problem, column_letter
from kouryu_cli.files.yamlfile import decode
from kouryu_cli.progress import forms

_HEADER_SCAN = 20  # rows searched for the headings, should a row have been inserted above
# One list for every blank row: a sheet used down to row 1048576 costs a pointer a row.


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
    notices: tuple[tuple[str, str], ...] = ()  # (place, message): warnings about the file
    is_csv: bool = False
    record_cells: tuple[tuple[str, str], ...] = ()  # (key, the place of its value)
    # The note of a form pre-filled with last year's answers (its value that year: R5), when
    # a sheet saved as CSV still says so; None when the sheet does not.
    prefill_note: FormCell | None = None

    def place(self, cell: str = "") -> str:
        """file:sheet!cell (or file:sheet)."""
        return f"{self.file}:{self.sheet}!{cell}" if cell else f"{self.file}:{self.sheet}"

    def record_at(self, key: str) -> str:
        """The place of a key's value in the record (kouryu!B5), else of the record itself."""
        return dict(self.record_cells).get(key, self.record_place)


def read_form(path: Path, label: str | None = None) -> ReturnedForm:
    """Read a returned form (.xlsx, or CSV / tab-separated text); DataFileError when unreadable."""
    from kouryu_cli.files.yamlfile import read_bytes

    name = label or str(path)
    raw = read_bytes(path, name, _("a form"))
    kinds.refuse_other_workbooks(raw, name)  # and a PDF, a picture, an empty file …
    if kinds.is_workbook(raw):
        return _read_workbook(raw, name)
    return _read_csv(raw, name, path.stem)


def bystander(path: Path) -> str | None:
    """What a file is that programs leave beside the forms (an owner file, desktop.ini), by name.

    `returned/*` names them too: the command skips such a file, saying what it is, when it
    cannot be read as a form, and never otherwise.
    """
    name = path.name
    if name.startswith("~$") and path.with_name(name[2:]).is_file():
        return _(
            "Excel's owner file, there while {workbook} is open in Excel (changes not yet "
            "saved in it are not collected)"
        ).format(workbook=name[2:])
    key = name.casefold()
    if key.startswith(("~$", "._")):
        key = key[:2]
    elif key.startswith(".~lock.") and key.endswith("#"):
        key = ".~lock"
    return {
        "~$": _("an owner file that Excel or Word keeps while a document is open"),
        ".~lock": _("LibreOffice's lock file, there while a document is open"),
        "desktop.ini": _("a file of Windows' folder settings"),
        "thumbs.db": _("Windows' cache of thumbnails"),
        "ehthumbs.db": _("Windows' cache of thumbnails"),
        ".ds_store": _("a file of macOS's folder settings"),
        "._": _("macOS's record of another file's attributes (AppleDouble)"),
    }.get(key)


# ------------------------------------------------------------------ workbooks


def _read_workbook(raw: bytes, name: str) -> ReturnedForm:
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise DataFileError.single(
            name, _("reading .xlsx needs openpyxl: pip install openpyxl")
        ) from None
    try:
        # Read-only: cells are read as they stream by, so memory follows the cells written,
        # not the sheet's dimension (a stray note far down costs nothing).
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=kinds.unreadable(error))
        ) from None
    try:
        return _workbook_form(book, name)
    finally:
        book.close()


def _workbook_form(book: Any, name: str) -> ReturnedForm:
    record: list[tuple[str, str]] = []
    cells: list[tuple[str, str]] = []
    if forms.META_SHEET in book.sheetnames:
        for number, (key, value) in _filled_rows(book[forms.META_SHEET], 2):
            if key:
                record.append((key, value))
                cells.append((key, f"{name}:{forms.META_SHEET}!B{number}"))
    candidates = [forms.MAIN_SHEET] if forms.MAIN_SHEET in book.sheetnames else []
    candidates += [s for s in book.sheetnames if s not in (forms.META_SHEET, forms.HELP_SHEET)]
    for sheet_name in candidates:
        grid, far = _answer_grid(book[sheet_name])
        form = _from_grid(
            grid, name, sheet_name, tuple(record), f"{name}:{forms.META_SHEET}!B1", far
        )
        if form is not None:
            others = [s for s in book.sheetnames if s not in (sheet_name, forms.META_SHEET)]
            help_cells = dict(record).get(forms.HELP_KEY, "")
            notices = [_stray_text(book[s], name, s, help_cells) for s in others]
            return replace(
                form,
                notices=(*form.notices, *(n for n in notices if n is not None)),
                record_cells=tuple(cells),
            )
    raise DataFileError.single(
        name,
        _("no sheet with the form's headings ({value})").format(
            value=", ".join(c.label for c in forms.COLUMNS)
        ),
    )


_MAX_COLUMNS = 40  # the form has 12; a few inserted columns are still read
_HELP_CELLS = re.compile(r"A1:B(\d+)")


def _cell_text(cell: Any) -> str:
    # A percent-formatted cell holds 0.273 for a typed 27.3%: read as the clerk typed it.
    return tables.percentage(cell.value, cell.number_format) or _text(cell.value)


def _filled_rows(sheet: Any, columns: int | None) -> Iterable[tuple[int, list[str]]]:
    """(row number, texts) of each row that holds something, up to columns columns."""
    sheet.reset_dimensions()  # the stored dimension may be wrong, or far too large
    for number, cells in enumerate(sheet.iter_rows(max_col=columns), 1):
        if any(c.value is not None for c in cells):
            yield number, [_cell_text(c) for c in cells]


def _answer_grid(sheet: Any) -> tuple[dict[int, list[str]], list[tuple[int, int]]]:
    """The rows' texts up to _MAX_COLUMNS, and (row, column) of each text beyond: a far note.

    A row is as long as its last cell, so a note at XFD1048576 costs one row, not the grid.
    """
    sheet.reset_dimensions()
    grid: dict[int, list[str]] = {}
    far: list[tuple[int, int]] = []
    for number, cells in enumerate(sheet.iter_rows(), 1):
        near = cells[:_MAX_COLUMNS]
        if any(c.value is not None for c in near):
            grid[number] = [_cell_text(c) for c in near]
        far.extend(
            (number, column)
            for column, c in enumerate(cells[_MAX_COLUMNS:], _MAX_COLUMNS + 1)
            if c.value is not None and _text(c.value).strip()
        )
    return grid, far


def _stray_text(sheet: Any, name: str, sheet_name: str, help_cells: str) -> tuple[str, str] | None:
    """A notice when a sheet other than the answers holds text: answers typed in the wrong place.

    On the instruction sheet, the cells kouryu wrote (A:B, down to the row the form records)
    are its own text, not the department's.
    """
    own = _HELP_CELLS.fullmatch(help_cells)
    last_own = int(own[1]) if own else 0
    if sheet_name != forms.HELP_SHEET:
        last_own = -1
    elif not own:
        last_own = 1 << 20  # a form that does not record them: only columns C onwards count
    found: list[str] = []
    for number, values in _filled_rows(sheet, None):
        for column, text in enumerate(values, 1):
            if text.strip() and not (column <= 2 and number <= last_own):
                found.append(f"{column_letter(column)}{number}")
    if not found:
        return None
    return (
        f"{name}:{sheet_name}!{found[0]}",
        _(
            "the sheet '{sheet}' holds text in {count} cell(s) ({cells}); it is not read: "
            "answers belong on the sheet {main}"
        ).format(
            sheet=sheet_name,
            count=len(found),
            cells=", ".join(found[:5]) + (" …" if len(found) > 5 else ""),
            main=forms.MAIN_SHEET,
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
    notices: tuple[tuple[str, str], ...] = ()
    places: tuple[tuple[str, str], ...] = ()
    if grid and grid[0] and _unquote(grid[0][0]) == forms.MARKER:
        cells = [_unquote(c) for c in grid[0]]
        record = (("form", forms.MARKER), *zip(cells[1::2], cells[2::2], strict=False))
        # A key in column B, D, F …, its value beside it in C, E, G …
        places = tuple(
            (key, f"{name}:{sheet}!{column_letter(3 + 2 * index)}1")
            for index, key in enumerate(cells[1::2])
        )
    elif grid and grid[0] and (titled := _title_record(grid[0][0])):
        # The workbook's 取組状況 sheet saved as CSV: its title row says the year and department.
        record = titled
        notices = (
            (
                f"{name}:{sheet}!A1",
                _(
                    "the form's sheet saved as CSV: read by its title row and IDs (the .xlsx "
                    "form itself is checked more closely: send it next time)"
                ),
            ),
        )
    form = _from_grid(dict(enumerate(grid, 1)), name, sheet, record, f"{name}:{sheet}!A1")
    if form is None:
        raise DataFileError.single(
            name,
            _("no row with the form's headings ({value})").format(
                value=", ".join(c.label for c in forms.COLUMNS)
            ),
        )
    return replace(form, notices=(*notices, *form.notices), is_csv=True, record_cells=places)


# R6（2024年度）取組状況調査票　高齢福祉課, as forms.title writes it (read after NFKC).
_TITLE = re.compile(
    rf"(?P<year>\S+?)\((?P<western>\d{{4}})年度\){forms.MAIN_SHEET}調査票\s*(?P<department>\S.*)"
)


def _title_record(text: str) -> tuple[tuple[str, str], ...]:
    """The record a form's title row gives: its year and department; () for another title."""
    match = _TITLE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return ()
    return (
        ("form", forms.MARKER),
        ("year", match["year"]),
        ("western_year", match["western"]),
        ("department", match["department"].strip()),
    )


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
    grid: dict[int, list[str]],
    name: str,
    sheet: str,
    record: tuple[tuple[str, str], ...],
    record_place: str,
    far: Iterable[tuple[int, int]] = (),
) -> ReturnedForm | None:
    def place(row: int, column: int) -> str:
        return f"{name}:{sheet}!{column_letter(column)}{row}"

    header = next(
        (
            index
            for index, row in sorted(grid.items())
            if index <= _HEADER_SCAN
            and row
            and fold(row[0]) == "id"
            and forms.COLUMNS[-1].label in row
        ),
        None,
    )
    if header is None:
        return None
    headings = [fold(c) for c in grid[header]]
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
    for number, row in sorted((n, r) for n, r in grid.items() if n > header):
        cells = tuple(
            FormCell(key, _clean(row[col - 1]) if col <= len(row) else "", place(number, col))
            for key, col in columns.items()
        )
        if any(c.value for c in cells):
            rows.append(FormRow(number, cells))

    def at(key: str, row: int, column: int) -> FormCell:
        values = grid.get(row, [])
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
        notices=_outside(grid, header, set(columns.values()), far, place),
        prefill_note=_prefill_note(grid, header, place),
    )


# Above the headings the form fills column A (title, 記入者, note), B2, D2 (回答日) and E2.
_OWN_ABOVE = {(2, 2), (2, 4), (2, 5)}


def _outside(
    grid: dict[int, list[str]],
    header: int,
    used: set[int],
    far: Iterable[tuple[int, int]],
    place: Callable[[int, int], str],
) -> tuple[tuple[str, str], ...]:
    """A notice naming the answer sheet's cells with text not read (a note in M5 or G2).

    Read are the title rows, the headings and their columns; a CSV's first row is its record.
    """
    labels = {fold(c.label) for c in forms.COLUMNS}
    record_row = bool(grid.get(1)) and _unquote(grid[1][0]) == forms.MARKER
    found = list(far)
    for number, values in grid.items():
        for column, text in enumerate(values, 1):
            if not text.strip():
                continue
            if number < header:
                own = column == 1 or (number, column) in _OWN_ABOVE or (number == 1 and record_row)
            elif number == header:
                own = fold(text) in labels
            else:
                own = column in used
            if not own:
                found.append((number, column))
    if not found:
        return ()
    found.sort()
    cells = [f"{column_letter(c)}{r}" for r, c in found]
    inputs = [c.label for c in forms.COLUMNS if c.is_input]
    return (
        (
            place(*found[0]),
            ngettext(
                "text in {count} cell outside the form's cells ({cells}); it is not read: "
                "answers belong in the columns {first} to {last} of each measure's row",
                "text in {count} cells outside the form's cells ({cells}); it is not read: "
                "answers belong in the columns {first} to {last} of each measure's row",
                len(cells),
            ).format(
                count=len(cells),
                cells=", ".join(cells[:5]) + (" …" if len(cells) > 5 else ""),
                first=inputs[0],
                last=inputs[-1],
            ),
        ),
    )


# 前年度（R5）の回答を記入してあります, as forms._answer_sheet writes its note (read after NFKC).
_PREFILL_NOTE = re.compile(r"前年度\((?P<year>[^)]+)\)の回答を記入してあります")


def _prefill_note(
    grid: dict[int, list[str]], header: int, place: Callable[[int, int], str]
) -> FormCell | None:
    """The note above the headings saying the form was pre-filled, with last year's label."""
    for number in range(1, header):
        for column, text in enumerate(grid.get(number, ()), 1):
            match = _PREFILL_NOTE.search(unicodedata.normalize("NFKC", text))
            if match is not None:
                return FormCell("prefilled_from", match["year"], place(number, column))
    return None


def problem(place: str, message: str) -> Problem:
    """A problem named by its cell (file:sheet!F7), with no line and column."""
    return Problem(place, None, None, "", message)
