"""Every text format of a listing: json, csv, tsv, markdown, plain lines (render() picks one).

The table is drawn by render.terminal and the .xlsx built by render.xlsx. json and csv are
imported by the functions that write them: a table needs neither.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from kouryu_cli.core.textnorm import format_number, strip_controls

if TYPE_CHECKING:
    import json

# Escaped in JSON although JSON allows them raw: C1 controls (U+009B is a one-byte CSI) must
# not reach a terminal, and U+2028/U+2029 end lines for many readers (one record per line).
# A pattern, compiled by re on first use: most runs never meet one.
_C1 = "[\x7f-\x9f\u2028\u2029]"


# A date (回答日) is a date in a workbook, YYYY-MM-DD in text.
class Year(int):
    """A year in a cell: a number in a workbook, written 2017 (not 2,017) as text."""

    __slots__ = ()


Cell = str | int | float | date | None


# Not slots: the two shapes are cached_property values, kept in the instance's __dict__.
# Not compared: two listings made by two closures are never equal in any useful sense.
@dataclass(frozen=True, eq=False)
class Listing:
    """Rows for the text formats and records for JSON: the same result, two shapes.

    Each shape is built only when a format asks for it (JSON never builds the rows):
    on a plan of 49,000 measures that is a tenth of a second and 20 MB saved. A cell is
    text, or a number that stays a number in CSV, TSV and .xlsx (None is an empty cell).
    """

    columns: tuple[str, ...]
    make_rows: Callable[[], list[tuple[Cell, ...]]]
    make_records: Callable[[], list[dict[str, Any]]]
    # The .xlsx sheet's name (what it holds: 事務事業, 指標 …) and its title row (what was asked).
    sheet: str = "一覧"
    title: str = ""
    # (row, column) → spans to highlight in that cell (search matches).
    highlights: tuple[tuple[tuple[int, int], tuple[tuple[int, int], ...]], ...] = ()
    # Columns that are numbers: right-aligned in tables, numbers in Excel.
    numeric: frozenset[int] = frozenset()
    # The columns a terminal table shows (all when empty); files get every column.
    table_columns: tuple[int, ...] = ()
    # The columns of a workbook's printed sheet (all when empty): a summary a reader takes
    # in on one page, before a second sheet of every column.
    print_columns: tuple[int, ...] = ()
    # The columns that name a record: the first line of its block when a screen stacks them.
    names: tuple[int, ...] = (0,)

    @classmethod
    def of(
        cls,
        columns: tuple[str, ...],
        rows: list[tuple[Cell, ...]],
        records: list[dict[str, Any]],
        **options: Any,
    ) -> Listing:
        """A listing from rows and records already built."""
        return cls(columns, lambda: rows, lambda: records, **options)

    @cached_property
    def rows(self) -> list[tuple[Cell, ...]]:
        """One tuple of cells per record, in column order."""
        return self.make_rows()

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """One JSON object per row."""
        return self.make_records()

    @cached_property
    def text_rows(self) -> list[tuple[str, ...]]:
        """The rows with every cell as the text a table shows (numbers with separators)."""
        return [tuple(cell_text(cell) for cell in row) for row in self.rows]

    @cached_property
    def _spans(self) -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
        return dict(self.highlights)

    def spans_at(self, row: int, column: int) -> tuple[tuple[int, int], ...] | None:
        """The spans to highlight in a cell (search matches), if any."""
        return self._spans.get((row, column))

    def narrowed(self, keep: tuple[int, ...] | None = None) -> Listing:
        """The listing with only the columns keep (the terminal table's when None)."""
        keep = self.table_columns if keep is None else keep
        if not keep:
            return self
        return replace(
            self,
            columns=tuple(self.columns[i] for i in keep),
            make_rows=lambda: [tuple(row[i] for i in keep) for row in self.rows],
            highlights=tuple(
                ((r, keep.index(c)), spans) for (r, c), spans in self.highlights if c in keep
            ),
            numeric=frozenset(keep.index(i) for i in self.numeric if i in keep),
            table_columns=(),
            print_columns=(),
            names=tuple(keep.index(i) for i in self.names if i in keep) or (0,),
        )


def cell_text(cell: Cell) -> str:
    """A cell as a table shows it: 5,480 for a number, '' for None."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, Year):
        return str(int(cell))
    return format_number(cell)


def render(listing: Listing, fmt: str, *, raw: bool = False) -> str:
    """A listing as the text of one format: json, csv, tsv, markdown or plain (lines for a pipe).

    raw leaves CSV and TSV fields that look like formulas as they are.
    """
    if fmt == "json":
        return to_json(listing.records)
    if fmt == "csv":
        return to_csv(listing, raw=raw)
    if fmt == "tsv":
        return to_tsv(listing, raw=raw)
    if fmt == "markdown":
        return to_markdown(listing)
    return to_plain(listing)


def to_json(value: Any) -> str:
    """JSON text, Japanese kept readable, a newline at the end.

    A list of records (a listing) is an array with one record per line, as the table has
    one row per line: grep and diff work on it. Anything else is indented.
    """
    import json

    if type(value) is list and value and all(type(item) is dict for item in value):
        encode = _record_encoder().encode
        # A record's line is printable unless it holds one of the characters escaped below:
        # the check is far cheaper than a search of the whole text.
        lines = [encode(record) for record in value]
        lines = [line if line.isprintable() else _escape_c1(line) for line in lines]
        # The brackets join the first and last lines: the text is built in one piece, not
        # copied again for each (on a 1,000× plan it is 14 MB).
        lines[0] = "[\n" + lines[0]
        lines[-1] += "\n]\n"
        return ",\n".join(lines)
    return _escape_c1(json.dumps(value, ensure_ascii=False, indent=2)) + "\n"


def _escape_c1(text: str) -> str:
    """DEL, C1 controls and the line separators as \\u escapes: no terminal acts on them."""
    return re.sub(_C1, lambda m: f"\\u{ord(m.group()):04x}", text)


@cache
def _record_encoder() -> json.JSONEncoder:
    """One encoder for every record: the one json.dumps(ensure_ascii=False) would make each time."""
    import json

    return json.JSONEncoder(ensure_ascii=False)


def _cell(text: str) -> str:
    """A cell for line-based formats: one line, no control characters."""
    return strip_controls(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def markdown_literal(text: str) -> str:
    """Text that Markdown shows as it is, on one line: a line break becomes a space, a control
    character a visible escape (\\x1b), & an entity, and Markdown's and HTML's characters are
    escaped (\\*, \\<, \\|). Every Markdown kouryu writes puts its text through this.
    """
    return re.sub(r"[\\`*_{}\[\]<>|#~!]", r"\\\g<0>", _cell(text).replace("&", "&amp;"))


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…)):
# the usual guard is a leading apostrophe, which Excel and LibreOffice show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"-?\d+(\.\d+)?"


def guard_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert with a leading '."""
    if text.startswith(_FORMULA_START) and not re.fullmatch(_PLAIN_NUMBER, text):
        return "'" + text
    return text


def _spreadsheet_cell(cell: Cell, raw: bool) -> str:
    """A CSV or TSV field: numbers as plain digits (Excel computes with them), text guarded."""
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    if not isinstance(cell, str):
        return str(int(cell)) if float(cell).is_integer() else repr(float(cell))
    return cell if raw else guard_formula(cell)


def to_csv(listing: Listing, *, raw: bool = False) -> str:
    """CSV with a header row (the BOM is added when the text is encoded)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(listing.columns)
    # Line breaks are kept (quoted) but escape sequences never reach a terminal or Excel raw.
    writer.writerows(
        [
            "\n".join(strip_controls(part) for part in _spreadsheet_cell(cell, raw).split("\n"))
            for cell in row
        ]
        for row in listing.rows
    )
    return buffer.getvalue()


def to_tsv(listing: Listing, *, raw: bool = False) -> str:
    """Tab-separated lines with a header, for a spreadsheet (formulas guarded unless raw)."""
    lines = ["\t".join(_cell(c) for c in listing.columns)]
    lines += ["\t".join(_cell(_spreadsheet_cell(c, raw)) for c in row) for row in listing.rows]
    return "".join(line + "\n" for line in lines)


def to_plain(listing: Listing, *, header: bool = False) -> str:
    """One tab-separated line per record, as in a pipe: for grep, cut and wc -l."""
    lines = ["\t".join(_cell(c) for c in listing.columns)] if header else []
    lines += ["\t".join(_cell(c) for c in row) for row in listing.text_rows]
    return "".join(line + "\n" for line in lines)


def to_markdown(listing: Listing) -> str:
    """A GitHub-flavoured Markdown table."""

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(markdown_literal(c) for c in cells) + " |"

    align = tuple("---:" if i in listing.numeric else "---" for i in range(len(listing.columns)))
    out = [line(listing.columns), "| " + " | ".join(align) + " |"]
    out += [line(row) for row in listing.text_rows]
    return "\n".join(out) + "\n"
