"""Tables as offices save them: the bytes of a CSV, TSV, YAML or .xlsx file, recognised by content.

A file's name says little (実績値.txt, /dev/stdin, a process substitution), so the kind is
read from the bytes: an .xlsx workbook is a zip archive; YAML starts with a key such as
``actuals:``; anything else is a delimited table, split on tabs when its first line has more
tabs than commas. Text is decoded by yamlfile.decode, the one decoder of every text file:
UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text") or cp932 (Excel's
CSV on Japanese Windows); any other encoding gets a message with an iconv command for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kouryu_cli.core.errors import DataFileError, Problem, UsageError
from kouryu_cli.core.i18n import _

Cell = str | float | None
_YAML_START = re.compile(r"\s*(---|%YAML|\{|-\s|[A-Za-z_]+\s*:(\s|$))")
_ZIP = b"PK\x03\x04"
# A workbook's sheet that holds the actuals, when there are several (the template's name).
SHEET = "実績値"


@dataclass(frozen=True, slots=True)
class Table:
    """A table's rows as read, each with its row number in the file (1 = first line/row)."""

    name: str
    kind: str  # CSV, TSV or xlsx
    rows: list[tuple[int, list[Cell]]]
    sheet: str = ""
    guesses: list[str] = field(default_factory=list)

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


def kind_of(text: str) -> str:
    """YAML, TSV or CSV, from the first line that is not blank or a # comment."""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if _YAML_START.match(line) and "," not in line and "\t" not in line:
            return "YAML"
        return "TSV" if line.count("\t") > line.count(",") else "CSV"
    return "CSV"


def read_delimited(text: str, name: str, kind: str) -> Table:
    """The rows of a CSV or TSV text (quoted fields may hold commas and line breaks)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if kind == "TSV" else ",")
    rows: list[tuple[int, list[Cell]]] = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, list(cells)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise DataFileError.single(
            name, _("CSV syntax error: {error}").format(error=error), reader.line_num
        ) from None
    return Table(name, kind, rows)


def read_workbook(raw: bytes, name: str) -> Table:
    """The rows of the workbook's 実績値 sheet (or its first sheet), values as Excel keeps them."""
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
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            rows.append((number, [_cell(v) for v in values]))
        guesses = [
            _("{name}: an .xlsx workbook; read its sheet '{title}'").format(
                name=name, title=sheet.title
            )
        ]
        return Table(name, "xlsx", rows, sheet=sheet.title, guesses=guesses)
    finally:
        book.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return float(value)
    return str(value)  # a date, a time: shown as written, then refused as a value or year
