"""Tables as offices save them: the bytes of a CSV, TSV, YAML or .xlsx file, recognised by content.

A file's name says little (実績値.txt, /dev/stdin, a process substitution), so the kind is
read from the bytes: an .xlsx workbook is a zip archive; YAML starts with a key such as
``actuals:``; anything else is a delimited table, split on tabs when its first line has more
tabs than commas. Text is decoded by yamlfile.decode, the one decoder of every text file:
UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text") or cp932 (Excel's
CSV on Japanese Windows); any other encoding gets a message with an iconv command for it.
A workbook kouryu cannot read (an old .xls, an .ods) gets one message, whichever reader meets it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.files.problems import DataFileError, Problem

TableValue = str | float | None
# A row's number in the file (1 = the first line or row) and its values.
Row = tuple[int, Sequence[TableValue]]
_YAML_START = re.compile(r"\s*(---|%YAML|\{|-\s|[A-Za-z_]+\s*:(\s|$))")
# The top-level key of an actuals file, whatever comes before it (a note:, a comment, JSON's {).
_ACTUALS_KEY = re.compile(r"^\{?\s*[\"']?actuals[\"']?\s*:", re.MULTILINE)
_ZIP = b"PK\x03\x04"
# An OLE2 compound file: an old .xls workbook, or an .xlsx saved with a password.
_OLE2 = b"\xd0\xcf\x11\xe0"  # of D0 CF 11 E0 A1 B1 1A E1: the first four suffice
_OPENDOCUMENT = "application/vnd.oasis.opendocument"
# A workbook's sheet that holds the actuals, when there are several (the template's name).
SHEET = "実績値"


@dataclass(frozen=True, slots=True)
class Table:
    """A table's rows, read once as the file is read: only the rows holding something.

    Rows are not kept: a file near the size limit, or a sheet with one cell at its far
    corner, costs the memory of the row being read, not of the whole grid.
    """

    name: str
    kind: str  # CSV, TSV or xlsx
    rows: Iterator[Row]
    sheet: str = ""
    guesses: tuple[str, ...] = ()

    def problem(self, row: int, column: int | None, path: str, message: str) -> Problem:
        """A Problem at a cell: file:line:column, or file:sheet!C5 in a workbook."""
        if self.kind == "xlsx":
            cell = f"{column_letter(column)}{row}" if column is not None else f"{row}:{row}"
            return Problem(f"{self.name}:{self.sheet}!{cell}", None, None, path, message)
        return Problem(self.name, row, column, path, message)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA: as a spreadsheet names its columns.

    The one helper for every place that names a cell. openpyxl's get_column_letter does the
    same, but openpyxl is optional (the `excel` extra) and a CSV form's problems name cells
    too; writers that have loaded openpyxl use its own.
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_workbook(raw: bytes) -> bool:
    """Whether the bytes are a zip archive (an .xlsx workbook)."""
    return raw.startswith(_ZIP)


def refuse_other_workbooks(raw: bytes, name: str) -> None:
    """A DataFileError for a workbook kouryu cannot read, saying how to save it instead.

    An old .xls (and an .xlsx saved with a password) is an OLE2 compound file; an .ods is a
    zip archive like an .xlsx, told apart by its first member, mimetype. Every reader of
    tables asks here first, so that each says the same thing of such a file.
    """
    if raw.startswith(_OLE2):
        raise DataFileError.single(
            name,
            _(
                "an old .xls workbook or a password-protected one: save it as"
                " .xlsx (Excel ブック) without a password"
            ),
        )
    if is_workbook(raw) and _mimetype(raw).startswith(_OPENDOCUMENT):
        raise DataFileError.single(
            name,
            _(
                "an OpenDocument spreadsheet (.ods, LibreOffice's own format): save it as"
                " .xlsx (Excel 2007-365)"
            ),
        )


def _mimetype(raw: bytes) -> str:
    """The mimetype member of an OpenDocument zip ('' for an .xlsx or a broken archive)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "mimetype" not in archive.namelist():
                return ""
            return archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return ""


def kind_of(text: str) -> str:
    """YAML, TSV or CSV: YAML when a line starts with actuals:, else from the first line.

    The first line that is not blank or a # comment decides a file without an actuals: key
    at the start of a line.
    """
    if _ACTUALS_KEY.search(text):
        return "YAML"
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _YAML_START.match(line) and "," not in line and "\t" not in line:
            return "YAML"
        return "TSV" if line.count("\t") > line.count(",") else "CSV"
    return "CSV"


def read_delimited(text: str, name: str, kind: str) -> Table:
    """The rows of a CSV or TSV text (quoted fields may hold commas and line breaks)."""
    return Table(name, kind, _delimited_rows(text, name, kind))


def _delimited_rows(text: str, name: str, kind: str) -> Iterator[Row]:
    import csv

    reader = csv.reader(_lines(text), delimiter="\t" if kind == "TSV" else ",")
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise DataFileError.single(
            name, _("CSV syntax error: {error}").format(error=error), reader.line_num
        ) from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their line breaks (\\r\\n, \\n or \\r), as csv wants them.

    One line at a time: io.StringIO would hold a second copy of the text, four bytes a
    character.
    """
    for match in _LINE.finditer(text):
        yield match.group()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def read_workbook(raw: bytes, name: str) -> Table:
    """The rows of the workbook's 実績値 sheet (or its first sheet), values as Excel keeps them.

    A number in a percent-formatted cell is the percentage shown (27.3% is kept as 0.273
    and read as '27.3%'); rows without a value are not read into memory, whatever
    the sheet's recorded dimension says.
    """
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise UsageError(
            _(
                "{name} is an .xlsx workbook: reading it needs openpyxl (pip install "
                "openpyxl, or pip install '.[excel]' in kouryu's checkout)"
            ).format(name=name)
        ) from None
    import io
    import zipfile

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=error)
        ) from None
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    guess = _("{name}: an .xlsx workbook; read its sheet '{title}'").format(
        name=name, title=sheet.title
    )
    return Table(name, "xlsx", _sheet_rows(book, sheet), sheet=sheet.title, guesses=(guess,))


def _sheet_rows(book: Any, sheet: Any) -> Iterator[Row]:
    # A sheet's recorded dimension reaches its farthest cell ever touched (XFD1048576 after
    # Ctrl+End and a note): forgotten, so that rows are as long as their last cell.
    sheet.reset_dimensions()
    try:
        for number, cells in enumerate(sheet.iter_rows(), 1):
            if any(cell.value is not None for cell in cells):
                yield number, [_cell(cell.value, cell.number_format) for cell in cells]
    finally:
        book.close()


def percentage(value: object, number_format: str | None) -> str | None:
    """'27.3%' for a number in a percent-formatted cell (Excel keeps 27.3% as 0.273), else None.

    A clerk who types 27.3% into a cell means 27.3 per cent; Excel and LibreOffice store
    0.273 and show it through the cell's number format.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if "%" not in (number_format or ""):
        return None
    percent = round(value * 100, 10)  # 0.273 * 100 is 27.300000000000004
    return f"{int(percent) if percent.is_integer() else percent}%"


def _cell(value: object, number_format: str | None) -> TableValue:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return percentage(value, number_format) or float(value)
    return str(value)  # a date, a time: shown as written, then refused as a value or year
