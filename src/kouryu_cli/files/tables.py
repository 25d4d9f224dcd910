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
    sheet: str = ""  # a workbook's sheet

    def problem(self, row: int | None, column: int | None, path: str, message: str) -> Problem:
        """A Problem at a cell: file:line:column, or file:sheet!C5 in a workbook."""
        return Problem(self.name, row, column, path, message, self.sheet)


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

    delimiter = "\t" if kind == "TSV" else ","
    record: list[str] = []  # the lines of the record being read
    at_end = False

    def lines() -> Iterator[str]:
        nonlocal at_end
        for each in _lines(text):
            record.append(each)
            yield each
        at_end = True

    reader = csv.reader(lines(), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            # A record of several lines holds a quoted line break; one that reached the end
            # of the text was still inside quotes there.
            if len(record) > 1 or at_end:
                _check_quotes("".join(record), line, delimiter, name)
            record.clear()
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise DataFileError.single(
            name, _("CSV syntax error: {error}").format(error=error), reader.line_num
        ) from None


def _check_quotes(record: str, first: int, delimiter: str, name: str) -> None:
    """A DataFileError at the quote that swallows the lines after it, if one does.

    A quoted field may hold line breaks (Alt+Enter in a cell saved as CSV). A quote left
    open instead reads every line after it into its field, up to the end of the file or to
    the next quote: the end reached inside quotes, or a quote after line breaks followed by
    more text (that quote opened a field of its own), is refused where the quote opens.
    """
    index = 0
    field_start = True
    while index < len(record):
        if not field_start or record[index] != '"':
            field_start = record[index] == delimiter
            index += 1
            continue
        close = index + 1
        while (close := record.find('"', close)) >= 0 and record.startswith('""', close):
            close += 2
        if close < 0:
            raise _open_quote(
                _(
                    "a quote opened here is never closed: every line after it would be read"
                    " into this field"
                ),
                record,
                index,
                first,
                name,
            )
        if record[close + 1 : close + 2] not in (delimiter, "\r", "\n", "") and _BREAK.search(
            record[index:close]
        ):
            raise _open_quote(
                _(
                    "a quote opened here runs on to a quote on line {line} that is followed"
                    " by more text: is a closing quote missing here? (The lines between"
                    " would be read into this field.)"
                ),
                record,
                index,
                first,
                name,
                _position(record, close, first)[0],
            )
        index = close + 1
        field_start = False


def _open_quote(
    message: str, record: str, at: int, first: int, name: str, line: int = 0
) -> DataFileError:
    where, column = _position(record, at, first)
    return DataFileError.single(name, message.format(line=line), where, column)


def _position(record: str, at: int, first: int) -> tuple[int, int]:
    """The line and column (in characters) of offset at in a record starting on line first."""
    breaks = list(_BREAK.finditer(record, 0, at))
    return first + len(breaks), at - (breaks[-1].end() if breaks else 0) + 1


_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their line breaks (\\r\\n, \\n or \\r), as csv wants them.

    One line at a time: io.StringIO would hold a second copy of the text, four bytes a
    character.
    """
    for match in _LINE.finditer(text):
        yield match.group()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def read_workbook(raw: bytes, name: str) -> tuple[Table, ...]:
    """The workbook's worksheets, its 実績値 sheet first, then the others in their order.

    Each table's rows are read when asked for, values as Excel keeps them: a number in a
    percent-formatted cell is the percentage shown (27.3% is kept as 0.273 and read as
    '27.3%'); rows without a value are not read into memory, whatever the sheet's recorded
    dimension says. Chart sheets hold no cells and are not among them. The workbook is read
    from memory (raw): nothing is left open when its tables are dropped.
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
        # zipfile's and openpyxl's own words are English: say which case it is instead.
        why = {
            zipfile.BadZipFile: _("damaged: it is not a complete zip archive"),
            KeyError: _("a zip archive, but not an Excel workbook"),
        }.get(type(error), str(error))
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=why)
        ) from None
    sheets = sorted(book.worksheets, key=lambda sheet: sheet.title != SHEET)
    return tuple(Table(name, "xlsx", _sheet_rows(s), sheet=s.title) for s in sheets)


def _sheet_rows(sheet: Any) -> Iterator[Row]:
    # A sheet's recorded dimension reaches its farthest cell ever touched (XFD1048576 after
    # Ctrl+End and a note): forgotten, so that rows are as long as their last cell.
    sheet.reset_dimensions()
    for number, cells in enumerate(sheet.iter_rows(), 1):
        if any(cell.value is not None for cell in cells):
            yield number, [_cell(cell.value, cell.number_format) for cell in cells]


def percentage(value: object, number_format: str | None) -> str | None:
    """'27.3%' for a number in a percent-formatted cell (Excel keeps 27.3% as 0.273), else None.

    A clerk who types 27.3% into a cell means 27.3 per cent; Excel and LibreOffice store
    0.273 and show it through the cell's number format, rounded to the decimals the format
    shows: =408/1400 formatted 0.0% is 29.1%, as on the screen. As in Excel, only a % that
    is neither quoted nor escaped scales by 100: 0.0"%" and 0.0\\% show a literal % sign,
    and such a cell is a plain number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    section = _format_section(number_format or "", value)
    if "%" not in section:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    # Excel holds 15 significant digits and rounds half away from zero, as Decimal does here.
    percent = Decimal(f"{value:.15g}") * 100
    if "general" in section.lower():
        percent = percent.normalize()  # General shows the digits there are
    else:
        shown, required = _decimals(section)
        percent = percent.quantize(Decimal(1).scaleb(-shown), ROUND_HALF_UP)
        while shown > required and percent == percent.quantize(Decimal(1).scaleb(1 - shown)):
            shown -= 1  # a trailing 0 that a # placeholder does not show
            percent = percent.quantize(Decimal(1).scaleb(-shown))
    return f"{abs(percent) if percent.is_zero() else percent:f}%"


def _format_section(number_format: str, value: float) -> str:
    """The section of a number format that shows value, without its literal text.

    Sections are split by ';' (positive;negative;zero;text); quoted text ("%"), an escaped
    character (\\%), the space the width of a character (_%), a fill character (*%) and
    brackets ([Red], [>=100], [$-411]) are literal and left out.
    """
    sections = [""]
    index = 0
    while index < len(number_format):
        char = number_format[index]
        if char in '"[':
            close = number_format.find('"' if char == '"' else "]", index + 1)
            index = len(number_format) if close < 0 else close + 1
        elif char in "\\_*":
            index += 2
        else:
            if char == ";":
                sections.append("")
            else:
                sections[-1] += char
            index += 1
    if value < 0 and len(sections) > 1:
        return sections[1]
    if value == 0 and len(sections) > 2:
        return sections[2]
    return sections[0]


def _decimals(section: str) -> tuple[int, int]:
    """The decimals a format section shows at most (0, # and ?) and at least (0 and ?)."""
    after = re.split(r"[Ee]", section.partition(".")[2])[0]
    return sum(map(after.count, "0#?")), sum(map(after.count, "0?"))


def _cell(value: object, number_format: str | None) -> TableValue:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return percentage(value, number_format) or float(value)
    return str(value)  # a date, a time: shown as written, then refused as a value or year
