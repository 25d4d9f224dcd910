"""Tables as offices save them: the bytes of a CSV, TSV, YAML or .xlsx file, recognised by content.

A file's name says little (実績値.txt, /dev/stdin, a process substitution), so the kind is
read from the bytes: an .xlsx workbook is a zip archive; YAML starts with a key such as
``actuals:``; anything else is a delimited table, split on tabs when its first line has more
tabs than commas. Text is decoded by yamlfile.decode, the one decoder of every text file:
UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text") or cp932 (Excel's
CSV on Japanese Windows); any other encoding gets a message with an iconv command for it.
A workbook kouryu cannot read (an old .xls, an .ods), or no table at all (a PDF), is said
so by kinds.py before any reading.
A workbook's cells are read as Excel shows them: a percentage, a date, the value of a merged
cell on every row it spans; a formula Excel never calculated is marked as such, not empty.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial
from typing import IO, Any

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.files import kinds
from kouryu_cli.files.problems import DataFileError, Problem


@dataclass(frozen=True, slots=True)
class DateCell:
    """A date in a workbook's cell (shown 2024/4/1), and whether it shows its year alone."""

    day: date
    year_only: bool = False

    def __str__(self) -> str:
        return f"{self.day.year}/{self.day.month}/{self.day.day}"


@dataclass(frozen=True, slots=True)
class Uncalculated:
    """A formula without a saved result (a script wrote it): read for one, it looks empty."""

    def __str__(self) -> str:
        return ""


TableValue = str | float | DateCell | Uncalculated | None
# A row's number in the file (1 = the first line or row) and its values.
Row = tuple[int, Sequence[TableValue]]
_YAML_START = re.compile(r"\s*(---|%YAML|\{|-\s|[A-Za-z_]+\s*:(\s|$))")
# The top-level key of an actuals file, whatever comes before it (a note:, a comment, JSON's {).
_ACTUALS_KEY = re.compile(r"^\{?\s*[\"']?actuals[\"']?\s*:", re.MULTILINE)
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
    hidden: bool = False  # a hidden (or very hidden) sheet: Excel does not show it
    again: Callable[[], Iterator[Row]] | None = None  # a sheet's rows once more, from its first

    def problem(self, row: int | None, column: int | None, path: str, message: str) -> Problem:
        """A Problem at a cell: file:line:column, or file:sheet!C5 in a workbook."""
        return Problem(self.name, row, column, path, message, self.sheet)


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

    Each table's rows are read when asked for, cells as Excel shows them: a number in a
    percent-formatted cell is the percentage shown (27.3% is kept as 0.273 and read as
    '27.3%'), a date a DateCell, a formula without a saved result Uncalculated, and the cells
    a merged range spans downwards hold its value. Rows without a value are not read into
    memory, whatever the sheet's recorded dimension says. Chart sheets hold no cells and
    are not among them. The workbook is read from memory (raw): nothing is left open.
    """
    try:
        from openpyxl import reader as readers  # the package itself: where a missing one fails
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
        # load_workbook's own reader, kept: its parser names each sheet's part of the zip.
        reader = readers.excel.ExcelReader(io.BytesIO(raw), read_only=True, data_only=True)
        reader.read()
        parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        # zipfile's and openpyxl's own words are English: say which case it is instead.
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=kinds.unreadable(error))
        ) from None
    tables = []
    for sheet in sorted(reader.wb.worksheets, key=lambda sheet: sheet.title != SHEET):
        part = parts.get(sheet.title, "")
        read = _SheetReader(sheet, reader.archive, part, reader.wb.epoch)
        hidden = sheet.sheet_state != "visible"
        tables.append(Table(name, "xlsx", read(), sheet.title, hidden, again=read))
    return tuple(tables)


class _SheetReader:
    """A sheet's rows, read from the first each time it is called.

    The sheet's XML is scanned once, at the first read, for its merged ranges (written after
    the cells) and for a formula without a saved result; only a sheet that has one is parsed
    a second time, beside openpyxl's reading, a row at a time.
    """

    def __init__(self, sheet: Any, archive: Any, part: str, epoch: Any) -> None:
        self.sheet, self.epoch, self.found = sheet, epoch, part in archive.namelist()
        self.open: Callable[[], IO[bytes]] = partial(archive.open, part)
        self.scanned: tuple[list[tuple[int, int, int]], bool] | None = None

    def __call__(self) -> Iterator[Row]:
        if self.scanned is None:
            self.scanned = _scan(self.open) if self.found else ([], False)
        merges, unsaved = self.scanned
        # A sheet's recorded dimension reaches its farthest cell ever touched (XFD1048576
        # after Ctrl+End and a note): forgotten, so that rows are as long as their last cell.
        self.sheet.reset_dimensions()
        formulas = _unsaved_cells(self.open) if unsaved else iter(())
        pending: tuple[int, frozenset[int]] = (0, frozenset())
        waiting = sorted(merges, reverse=True)  # (first row, last row, column), popped in order
        spread: dict[int, tuple[int, TableValue]] = {}  # column → (last row, value)
        for number, cells in enumerate(self.sheet.iter_rows(), 1):
            while pending[0] < number:
                pending = next(formulas, (sys.maxsize, frozenset()))
            here = pending[1] if pending[0] == number else frozenset()
            if not here and all(cell.value is None for cell in cells):
                continue
            row: list[TableValue] = [_cell(c.value, c.number_format, self.epoch) for c in cells]
            for column in here:
                if column <= len(row) and row[column - 1] is None:
                    row[column - 1] = Uncalculated()
            while waiting and waiting[-1][0] <= number:
                first, last, column = waiting.pop()
                if first == number and column <= len(row) and row[column - 1] is not None:
                    spread[column] = (last, row[column - 1])
            for column, (last, value) in list(spread.items()):
                if last < number:
                    del spread[column]
                    continue
                row.extend([None] * (column - len(row)))
                row[column - 1] = value  # the merge's value on each row it spans, as Excel shows
            yield number, row


# A merged range (<mergeCell ref="A2:A3"/>), and a formula not followed by a result (<v>
# absent, or empty where the result is not a text): found in the XML's bytes, where no text
# or value holds a '<'.
_MERGE = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]+)(\d+):([A-Za-z]+)(\d+)[\"']"
)
_NO_RESULT = re.compile(
    rb"<(?:[\w.-]+:)?c\b(?![^>]*\bt\s*=\s*[\"']str[\"'])[^>]*>\s*<(?:[\w.-]+:)?f\b[^>]*"
    rb"(?:/>|>[^<]*</(?:[\w.-]+:)?f>)(?=(\s*))\1(?!<(?:[\w.-]+:)?v\b[^>]*>[^<])"
)


def _scan(open_part: Callable[[], IO[bytes]]) -> tuple[list[tuple[int, int, int]], bool]:
    """The sheet's merges that span rows (first row, last row, first column), and whether
    it may hold a formula without a saved result; read a megabyte at a time."""
    from openpyxl.utils import column_index_from_string as column

    merges: set[tuple[int, int, int]] = set()
    unsaved = False
    rest = b""  # the end of the last megabyte, longer than any element matched
    with open_part() as stream:
        while chunk := stream.read(1 << 20):
            buffer = rest + chunk
            if not unsaved and (b"f>" in buffer or b"f " in buffer):  # </f>, <f t="shared"/>
                unsaved = _NO_RESULT.search(buffer) is not None
            for match in _MERGE.finditer(buffer) if b"mergeCell" in buffer else ():
                if int(match[4]) > int(match[2]):
                    merges.add((int(match[2]), int(match[4]), column(match[1].decode())))
            rest = buffer[-4096:]
    return sorted(merges), unsaved


def _unsaved_cells(open_part: Callable[[], IO[bytes]]) -> Iterator[tuple[int, frozenset[int]]]:
    """The rows holding a formula without a saved result, and its columns (an empty text,
    t="str", is a result)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_to_tuple

    with open_part() as stream:
        number, parent = 0, None
        # The part openpyxl has just parsed with the same parser: expat expands no entity bomb.
        for event, element in iterparse(stream, ("start", "end")):  # noqa: S314 - see above
            tag = element.tag.rpartition("}")[2]
            if event == "start" or tag != "row":
                parent = element if tag == "sheetData" else parent
                continue
            number = int(float(element.get("r") or number + 1))
            columns: set[int] = set()
            column = 0
            for cell in element:
                ref = cell.get("r")
                column = coordinate_to_tuple(ref)[1] if ref else column + 1
                parts = {child.tag.rpartition("}")[2]: child.text for child in cell}
                if "f" in parts and not parts.get("v") and cell.get("t") != "str":
                    columns.add(column)
            if parent is not None:
                parent.remove(element)  # a row read is dropped: memory stays that of a row
            if columns:
                yield number, frozenset(columns)


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


def _cell(value: object, number_format: str | None, epoch: Any) -> TableValue:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and not _date_letters(number_format).isdisjoint("eg"):
        # A date in a format of the Japanese era (ggge"年度": 令和6年度), which openpyxl does
        # not know for a date's; a day of Excel's calendar (1900/1/1 to 9999/12/31).
        from openpyxl.utils.datetime import from_excel

        value = from_excel(value, epoch) if 1 <= value < 2958466 else value
    if isinstance(value, date):  # a datetime too
        day = value.date() if isinstance(value, datetime) else value
        return DateCell(day, _date_letters(number_format).isdisjoint("mdhs"))
    if isinstance(value, int | float):
        return percentage(value, number_format) or float(value)
    return str(value)  # a time: shown as written, then refused as a value or year


@lru_cache(maxsize=256)  # a sheet has a few formats, and many cells
def _date_letters(number_format: str | None) -> frozenset[str]:
    """The date and time letters a format shows: y m d h s, and e g (the era's year, name)."""
    section = re.sub(r"general|e[+-]", "", _format_section(number_format or "", 1).lower())
    return frozenset(section).intersection("ymdhseg")
