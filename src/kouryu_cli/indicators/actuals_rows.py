"""Actuals files as written (実績値): the rows of a table or a YAML list, before any matching.

A table (CSV, TSV or an .xlsx workbook, recognised by content) has a header row, found among
the first rows and named in English or as a Japanese office writes it (指標ID, 年度, 実績値 …);
title lines above it, and a workbook's sheets without one (a cover sheet) or without figures
(a blank form), are read past and said so; a hidden sheet is never read, and figures on two
sheets are an error. A row without a value is a blank line of the form and is skipped;
unknown columns are ignored and listed. Each row keeps how to report a problem with each of
its fields, at file:line:column (file:sheet!C5 in a workbook).
indicators/actuals.py matches the rows to the plan's series and merges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files import kinds, tables, yamlfile
from kouryu_cli.files.checker import Checker
from kouryu_cli.files.checker import Path as NodePath
from kouryu_cli.files.problems import Problem, one_line

# Column names a header may use, in English or as a Japanese office writes them.
_COLUMNS = {
    **dict.fromkeys(("indicator", "indicator_id", "id", "指標", "指標id", "指標番号"), "indicator"),
    **dict.fromkeys(("name", "indicator_name", "指標名"), "name"),
    **dict.fromkeys(("component", "series", "内訳"), "component"),
    **dict.fromkeys(("year", "年度"), "year"),
    **dict.fromkeys(("value", "値", "実績値", "実績"), "value"),
    **dict.fromkeys(("source", "出典"), "source"),
    **dict.fromkeys(("unit", "単位"), "unit"),
    **dict.fromkeys(("significance", "有意差"), "significance"),
    **dict.fromkeys(("checked", "確認", "確認済", "確認済み"), "checked"),
}
# Columns of the template that help the person filling it in; read past without a word.
_INFORMATION = {"基準値", "目標値", "基準年度", "目標年度", "備考", "baseline", "target", "note"}
# Rows read in search of the header before the file is taken to have none.
_HEADER_SCAN = 10
# Problems (and guesses) kept per file; the rest are counted.
MAX_KEPT = 200
# The keys of a YAML entry: the fields of the columns.
_YAML_KEYS = tuple(dict.fromkeys(_COLUMNS.values()))


@dataclass(frozen=True, slots=True)
class FilePlace:
    """Where a value was written: a file and its line and column, or a workbook cell.

    In a workbook, sheet names the sheet and line is the row number, as in a Problem.
    """

    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""  # actuals[3].year in YAML, the column's field in a table
    sheet: str = ""

    def __str__(self) -> str:
        """file:line in a text file; file:sheet!C5 (file:sheet!5:5 for a row) in a workbook."""
        if self.sheet:
            return self.problem("").place
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def problem(self, message: str) -> Problem:
        """A Problem here."""
        return Problem(self.file, self.line, self.column, self.path, message, self.sheet)


@dataclass
class WrittenRow:
    """One row as written, and how to report a problem with each of its fields."""

    cells: dict[str, Any]  # field → str (or a number from a workbook)
    fail: Callable[[str, str], None]
    place: Callable[[str], FilePlace]

    def text(self, key: str) -> str:
        value = self.cells.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


@dataclass
class FileReading:
    """The state of reading one file: problems, guesses and ignored columns.

    Problems and guesses are kept up to MAX_KEPT each and the rest counted: a file wrong on
    every one of its 400,000 lines is told in a screenful, in the memory of one.
    """

    name: str
    problems: list[Problem] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    more_problems: int = 0
    more_guesses: int = 0

    def report(self, problem: Problem) -> None:
        """Note a problem of the file."""
        if len(self.problems) < MAX_KEPT:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    def guess(self, text: str) -> None:
        """Note what the reader had to guess (shown with -v), on one line."""
        if len(self.guesses) < MAX_KEPT:
            self.guesses.append(one_line(text))
        else:
            self.more_guesses += 1

    def all_problems(self, ordered: list[Problem]) -> list[Problem]:
        """The problems kept, in the order given, and a last line counting the others."""
        if not self.more_problems:
            return ordered
        more = _("… and {count:,} more problems").format(count=self.more_problems)
        return [*ordered, Problem(self.name, None, None, "", more)]

    def all_guesses(self) -> tuple[str, ...]:
        """The guesses kept, and a last line counting the others."""
        if not self.more_guesses:
            return tuple(self.guesses)
        more = _("{name}: … and {count:,} more notes").format(
            name=self.name, count=self.more_guesses
        )
        return (*self.guesses, more)


def read_rows(path: Path, reading: FileReading) -> tuple[str, Iterable[WrittenRow]]:
    """The kind of an actuals file (CSV, TSV, YAML or xlsx, by content) and its rows as written.

    A file that cannot be read or is empty raises DataFileError; the problems of its rows
    are collected in reading as the rows are read (a table's rows are read one at a time,
    so that memory follows the rows that hold something, not the file's size).
    """
    name = reading.name
    raw = yamlfile.read_bytes(path, name, _("an actuals file"))
    kinds.refuse_other_workbooks(raw, name)  # and a PDF, a picture, an empty file …
    if kinds.is_workbook(raw):
        return "xlsx", _workbook_rows(tables.read_workbook(raw, name), reading)
    text, encoding = yamlfile.decode(raw, name)
    kind = tables.kind_of(text)
    reading.guess(
        _("{name}: read as {kind}, encoding {encoding}").format(
            name=name, kind=kind, encoding=encoding
        )
    )
    if kind == "YAML":
        return kind, _yaml_rows(yamlfile.parse(text, name), reading)
    return kind, _table_rows(tables.read_delimited(text, name, kind), reading)


# --- rows from YAML --------------------------------------------------------------------------


def _yaml_rows(document: yamlfile.Document, reading: FileReading) -> list[WrittenRow]:
    check = Checker(document)
    top = check.top(document.data, "actuals", ("actuals",), ("note",))
    rows: list[WrittenRow] = []
    if top is not None:
        check.text(("note",), top.get("note"), required=False)
        for index, item in enumerate(check.items(("actuals",), top.get("actuals"))):
            path: NodePath = ("actuals", index)
            data = check.mapping(path, item, ("year", "value"), _YAML_KEYS)
            if data is None:
                continue
            cells: dict[str, Any] = {}
            said = set(check.missing)  # keys said missing, or not text: not also said empty
            for key in data:
                before = len(check.problems)
                cells[key] = check.text((*path, key), data.get(key), required=False)
                if len(check.problems) > before:
                    said.add((*path, key))
            rows.append(
                WrittenRow(
                    cells, _yaml_fail(document, path, reading, said), _yaml_place(document, path)
                )
            )
    for problem in check.problems:
        reading.report(problem)
    return rows


def _yaml_fail(
    document: yamlfile.Document, path: NodePath, reading: FileReading, said: set[NodePath]
) -> Callable[[str, str], None]:
    def fail(key: str, message: str) -> None:
        if (*path, key) not in said:
            reading.report(document.problem((*path, key), message))

    return fail


def _yaml_place(document: yamlfile.Document, path: NodePath) -> Callable[[str], FilePlace]:
    def place(key: str) -> FilePlace:
        problem = document.problem((*path, key), "")
        return FilePlace(document.file, problem.line, problem.column, problem.path)

    return place


# --- rows from tables ------------------------------------------------------------------------


def _header(table: tables.Table) -> tuple[tables.Row | None, list[int]]:
    """The header row, read from the table, and the numbers of the title rows above it."""
    titles: list[int] = []
    for row in table.rows:
        if _is_header(row[1]):
            return row, titles
        if _filled(row[1]) and not _comment(row[1]):
            titles.append(row[0])
            if len(titles) > _HEADER_SCAN:
                break
    return None, titles


def _workbook_rows(sheets: tuple[tables.Table, ...], reading: FileReading) -> Iterator[WrittenRow]:
    """The rows of the one visible sheet with a header row and figures under it.

    A hidden sheet is never read. A cover sheet (表紙) or a form not filled in is read past,
    and -v says so; figures on two sheets are an error naming both, for only one is read.
    """
    name = reading.name
    if hidden := _names(table for table in sheets if table.hidden):
        reading.guess(_("{name}: hidden sheets not read: {names}").format(name=name, names=hidden))
    visible = [table for table in sheets if not table.hidden]
    headers = {table.sheet: _header(table) for table in visible}
    tabled = [table for table in visible if headers[table.sheet][0] is not None]
    if not tabled:
        _no_table(visible, hidden, reading)
        return
    table = tabled[0]
    if len(tabled) > 1:
        filled = [t for t in tabled if _holds_figures(t, headers[t.sheet][0])]
        if len(filled) > 1:
            message = _(
                "the sheets {names} each hold figures, and only one sheet is read: delete or"
                " hide the others, or save each sheet as a workbook of its own"
            )
            reading.report(Problem(name, None, None, "", message.format(names=_names(filled))))
            return
        table = filled[0] if filled else table
    header, titles = headers[table.sheet]
    passed = _names(t for t in visible if headers[t.sheet][0] is None)
    reading.guess(
        (
            _("{name}: an .xlsx workbook; read its sheet '{title}' (no header row in {passed})")
            if passed
            else _("{name}: an .xlsx workbook; read its sheet '{title}'")
        ).format(name=name, title=table.sheet, passed=passed)
    )
    if others := _names(t for t in tabled if t is not table):
        reading.guess(
            _("{name}: sheets with a header row but no figures not read: {names}").format(
                name=name, names=others
            )
        )
        if table.again is not None:  # its figures were looked for: read it from its first row
            table = replace(table, rows=table.again())
    assert header is not None  # a table of tabled
    yield from _rows_under(table, header, titles, reading)


def _names(sheets: Iterable[tables.Table]) -> str:
    return ", ".join(f"'{table.sheet}'" for table in sheets)


def _holds_figures(table: tables.Table, header: tables.Row | None) -> bool:
    """Whether a row under the header has a figure in the column of the values."""
    keys = [_COLUMNS.get(_fold_header(c)) for c in header[1]] if header else []
    at = keys.index("value") if "value" in keys else len(keys)
    return any(at < len(cells) and _filled(cells[at : at + 1]) for _line, cells in table.rows)


def _no_table(visible: list[tables.Table], hidden: str, reading: FileReading) -> None:
    """The problem of a workbook none of whose visible sheets has a header row."""
    if hidden:
        message = _(
            "no visible sheet has a header row (expected columns such as 指標ID or 指標名,"
            " 年度, 実績値; or indicator, year, value); hidden sheets are not read: {names}"
        )
        reading.report(Problem(reading.name, None, None, "", message.format(names=hidden)))
    elif len(visible) == 1:
        reading.report(visible[0].problem(None, None, "", _no_header()))
    elif not visible:  # chart sheets alone
        reading.report(Problem(reading.name, None, None, "", _no_header()))
    else:
        message = _(
            "none of its sheets {names} has a header row (expected columns such as"
            " 指標ID or 指標名, 年度, 実績値; or indicator, year, value)"
        )
        reading.report(Problem(reading.name, None, None, "", message.format(names=_names(visible))))


def _no_header() -> str:
    return _(
        "no header row (expected columns such as 指標ID or 指標名, 年度, "
        "実績値; or indicator, year, value)"
    )


def _table_rows(table: tables.Table, reading: FileReading) -> Iterator[WrittenRow]:
    """The rows under the header, one at a time as the table is read."""
    header, titles = _header(table)
    if header is None:
        reading.report(table.problem(None, None, "", _no_header()))
        return
    yield from _rows_under(table, header, titles, reading)


def _rows_under(
    table: tables.Table, header: tables.Row, skipped_titles: list[int], reading: FileReading
) -> Iterator[WrittenRow]:
    """The rows under a header found, a note beside one in a workbook read past."""
    number, header_cells = header
    columns = _columns(table, number, header_cells, reading)
    if columns is None:
        return
    if skipped_titles:
        reading.guess(
            (
                _("{name}: row(s) {numbers} before the header taken as a title, not data")
                if table.kind == "xlsx"
                else _("{name}: line(s) {numbers} before the header taken as a title, not data")
            ).format(name=table.name, numbers=", ".join(map(str, skipped_titles)))
        )
    blank = 0
    width = len(header_cells)
    under = True  # still on the rows right under the header
    for line, cells in table.rows:
        if line <= number or not _filled(cells) or _comment(cells):  # a sheet read again
            continue
        # A header two rows high, its cells merged down: its second row repeats the headings.
        if under and any(i < len(cells) and cells[i] == header_cells[i] for i in columns.values()):
            reading.guess(
                _("{name}: row {line} taken as the header's second row").format(
                    name=table.name, line=line
                )
            )
            continue
        under = False
        beside = next((i for i, c in enumerate(cells[width:], width + 1) if _filled((c,))), 0)
        if table.kind == "xlsx" and beside:
            # A note typed beside the table (Ctrl+End, then a word), not a field of it: a
            # column without a header, as in the CSV that Excel saves of the same sheet.
            reading.guess(
                _("{place}: text outside the table's columns ignored").format(
                    place=table.problem(line, beside, "", "").place
                )
            )
            if not _filled(cells[:width]):
                continue
        elif extra := sum(1 for c in cells[width:] if c not in (None, "")):
            reading.report(
                table.problem(
                    line,
                    None,
                    "",
                    _("{value} fields, but the header has {count}").format(
                        value=width + extra, count=width
                    ),
                )
            )
        fields = {key: cells[i] if i < len(cells) else None for key, i in columns.items()}
        if unsaved := [k for k, v in fields.items() if isinstance(v, tables.Uncalculated)]:
            for key in unsaved:  # read as empty, the row would be skipped or wrong
                reading.report(table.problem(line, columns[key] + 1, key, _unsaved()))
            continue
        written = WrittenRow(
            fields, _table_fail(table, line, columns, reading), _table_place(table, line, columns)
        )
        if not written.text("value"):
            blank += 1
            continue
        yield written
    if blank:
        reading.guess(
            _("{name}: {blank} row(s) without a value skipped (not yet filled in)").format(
                name=table.name, blank=blank
            )
        )


def _is_header(cells: Sequence[tables.TableValue]) -> bool:
    """Whether a row names at least two known columns (a missing one is then said there)."""
    if _comment(cells):
        return False
    return len({_COLUMNS.get(_fold_header(c)) for c in cells if isinstance(c, str)} - {None}) >= 2


def _columns(
    table: tables.Table, line: int, header: Sequence[tables.TableValue], reading: FileReading
) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    ok = True
    for index, cell in enumerate(header):
        written = "" if cell is None else str(cell).strip()
        key = _COLUMNS.get(_fold_header(written))
        if key is None:
            if written and _fold_header(written) not in _INFORMATION:
                reading.ignored.append(one_line(written))
            continue
        if key in columns:
            reading.report(
                table.problem(
                    line,
                    index + 1,
                    "",
                    _("column '{key}' is given twice ('{written}')").format(
                        key=key, written=written
                    ),
                )
            )
            ok = False
        columns[key] = index
    missing = [c for c in ("year", "value") if c not in columns]
    if "indicator" not in columns and "name" not in columns:
        missing.insert(0, "indicator (指標ID or 指標名)")
    if missing:
        reading.report(
            table.problem(
                line, None, "", _("missing column {value}").format(value=", ".join(missing))
            )
        )
        ok = False
    return columns if ok else None


def _table_fail(
    table: tables.Table, line: int, columns: dict[str, int], reading: FileReading
) -> Callable[[str, str], None]:
    def fail(key: str, message: str) -> None:
        index = columns.get(key)
        reading.report(table.problem(line, None if index is None else index + 1, key, message))

    return fail


def _table_place(
    table: tables.Table, line: int, columns: dict[str, int]
) -> Callable[[str], FilePlace]:
    def place(key: str) -> FilePlace:
        index = columns.get(key)
        problem = table.problem(line, None if index is None else index + 1, key, "")
        return FilePlace(problem.file, problem.line, problem.column, key, problem.sheet)

    return place


def _fold_header(text: object) -> str:
    return fold(str(text)).strip() if text is not None else ""


def _filled(cells: Sequence[tables.TableValue]) -> bool:
    return any(
        isinstance(c, tables.Uncalculated) or (c not in (None, "") and str(c).strip())
        for c in cells
    )


def _unsaved() -> str:
    return _(
        "a formula with no saved result (a program wrote the workbook): open it in Excel (or"
        " LibreOffice) and save it"
    )


def _comment(cells: Sequence[tables.TableValue]) -> bool:
    first = next((c for c in cells if c not in (None, "") and str(c).strip()), None)
    return isinstance(first, str) and first.lstrip().startswith("#")
