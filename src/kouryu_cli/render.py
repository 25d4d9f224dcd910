"""Every output format of a listing: table (Rich, drawn in richview), json, csv, tsv, markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from kouryu_cli.textnorm import strip_controls

FORMATS = ("table", "json", "csv", "tsv", "markdown")
JOIN = "・"


@dataclass(frozen=True)
class Listing:
    """Rows for the text formats and records for JSON: the same result, two shapes."""

    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    records: list[dict[str, Any]]
    title: str = ""
    # (row, column) → spans to highlight in that cell (search matches).
    highlights: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    # Columns that are numbers: right-aligned in tables, numbers in Excel.
    numeric: frozenset[int] = frozenset()
    footer: str = ""
    # The columns a terminal table shows (all when empty); files get every column.
    table_columns: tuple[int, ...] = ()

    def narrowed(self) -> Listing:
        """The listing with only the terminal table's columns."""
        if not self.table_columns:
            return self
        keep = self.table_columns
        return Listing(
            columns=tuple(self.columns[i] for i in keep),
            rows=[tuple(row[i] for i in keep) for row in self.rows],
            records=self.records,
            title=self.title,
            highlights={
                (r, keep.index(c)): v for (r, c), v in self.highlights.items() if c in keep
            },
            numeric=frozenset(keep.index(i) for i in self.numeric if i in keep),
            footer=self.footer,
        )


def to_json(records: Any) -> str:
    """Indented JSON, Japanese kept readable, a newline at the end."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    """A cell for line-based formats: one line, no control characters."""
    return strip_controls(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def to_csv(listing: Listing) -> str:
    """CSV with a header row (the BOM is added when the text is encoded)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(listing.columns)
    # Line breaks are kept (quoted) but escape sequences never reach a terminal or Excel raw.
    writer.writerows(
        ["\n".join(strip_controls(part) for part in cell.split("\n")) for cell in row]
        for row in listing.rows
    )
    return buffer.getvalue()


def to_tsv(listing: Listing, *, header: bool = True) -> str:
    """Tab-separated lines; without a header, one line per record for grep, cut and wc -l."""
    lines = ["\t".join(_cell(c) for c in listing.columns)] if header else []
    lines += ["\t".join(_cell(c) for c in row) for row in listing.rows]
    return "".join(line + "\n" for line in lines)


def to_markdown(listing: Listing) -> str:
    """A GitHub-flavoured Markdown table."""

    def escape(text: str) -> str:
        return _cell(text).replace("\\", "\\\\").replace("|", "\\|")

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(escape(c) for c in cells) + " |"

    align = tuple("---:" if i in listing.numeric else "---" for i in range(len(listing.columns)))
    out = [line(listing.columns), "| " + " | ".join(align) + " |"]
    out += [line(row) for row in listing.rows]
    return "\n".join(out) + "\n"


def format_number(value: float | None) -> str:
    """5480 → 5,480; 25.6 → 25.6; None → ''."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.10g}" if abs(value) < 1e15 else f"{value:g}"
