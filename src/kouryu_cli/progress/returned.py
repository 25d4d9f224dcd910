"""Returned forms read back: workbooks and CSV in any encoding Excel saves, checked as a set.

Every problem is named by its cell, ``file:sheet!F7: message``, and every form is checked
before anything is kept: a form of another year, a department that does not own a measure,
values outside the vocabularies, missing required fields, rows added or deleted, and one
measure answered differently in two places. Edited protected cells are warnings: the
plan's text is kept, the answer is still read.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kouryu_cli.core.errors import DataFileError, Problem
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import EraYear, Measure, Plan
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files.tables import column_letter
from kouryu_cli.files.yamlfile import decode
from kouryu_cli.progress import book as progress
from kouryu_cli.progress import forms
from kouryu_cli.progress.book import Answer

_HEADER_SCAN = 20  # rows searched for the headings, should a row have been inserted above
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text and where it is: file:sheet!F7."""

    value: str
    place: str


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row under the headings: its number and its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        """The cell's text, '' when the column is missing."""
        cell = self.cells.get(key)
        return cell.value if cell else ""


@dataclass(frozen=True, slots=True)
class ReturnedForm:
    """A form as a department sent it back, before any checking."""

    file: str
    sheet: str
    record: dict[str, str]
    record_place: str
    person: Cell
    date: Cell
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
    if raw.startswith(_XLSX_MAGIC):
        return _read_workbook(raw, name)
    if raw.startswith(_OLE_MAGIC):
        raise DataFileError.single(
            name,
            _(
                "an old .xls workbook or a password-protected one: save it as"
                " .xlsx (Excel ブック) without a password"
            ),
        )
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
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise DataFileError.single(
            name, _("not a readable .xlsx workbook ({error})").format(error=error)
        ) from None
    record: dict[str, str] = {}
    if forms.META_SHEET in book.sheetnames:
        meta = book[forms.META_SHEET]
        for key, value, *_rest in meta.iter_rows(min_col=1, max_col=2, values_only=True):
            if key:
                record[str(key)] = _text(value)
    candidates = [forms.MAIN_SHEET] if forms.MAIN_SHEET in book.sheetnames else []
    candidates += [s for s in book.sheetnames if s not in (forms.META_SHEET, forms.HELP_SHEET)]
    for sheet_name in candidates:
        sheet = book[sheet_name]
        grid = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True, max_col=40)]
        form = _from_grid(grid, name, sheet_name, record, f"{name}:{forms.META_SHEET}!B1")
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
    record: dict[str, str] = {}
    if grid and grid[0] and _unquote(grid[0][0]) == forms.MARKER:
        cells = [_unquote(c) for c in grid[0]]
        record = {"form": forms.MARKER}
        record.update(zip(cells[1::2], cells[2::2], strict=False))
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
    grid: list[list[str]], name: str, sheet: str, record: dict[str, str], record_place: str
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
                _problem(
                    place(header, 1),
                    _("the column '{label}' is missing from the headings").format(
                        label=column.label
                    ),
                )
            )
    rows = []
    for number, row in enumerate(grid[header:], header + 1):
        cells = {
            key: Cell(_clean(row[col - 1]) if col <= len(row) else "", place(number, col))
            for key, col in columns.items()
        }
        if any(c.value for c in cells.values()):
            rows.append(FormRow(number, cells))

    def at(row: int, column: int) -> Cell:
        values = grid[row - 1] if row <= len(grid) else []
        return Cell(values[column - 1].strip() if column <= len(values) else "", place(row, column))

    return ReturnedForm(
        file=name,
        sheet=sheet,
        record=record,
        record_place=record_place,
        person=at(2, 2),
        date=at(2, 5),
        header_place=place(header, 1),
        rows=tuple(rows),
        problems=tuple(problems),
    )


def _problem(place: str, message: str) -> Problem:
    return Problem(place, None, None, "", message)


# ------------------------------------------------------------------ checking a set of forms


@dataclass
class Collected:
    """What a set of returned forms says, and what is wrong with it."""

    year: EraYear
    answers: dict[str, Answer] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # department → the ids it answered, in the order read
    by_department: dict[str, list[str]] = field(default_factory=dict)
    # measure id → field → the cell its answer was first read from (file:sheet!G7)
    places: dict[str, dict[str, str]] = field(default_factory=dict)

    def raise_if_any(self) -> None:
        """One DataFileError with every problem, form by form, cell by cell."""
        if self.problems:
            raise DataFileError(self.problems)


def collect(returned: list[ReturnedForm], plan: Plan, year: EraYear) -> Collected:
    """Check every form against the plan, the year and each other; keep the clean answers."""
    result = Collected(year)
    checker = _FormChecker(plan, result)
    for form in returned:
        checker.form(form)
    return result


class _FormChecker:
    def __init__(self, plan: Plan, result: Collected) -> None:
        self.plan = plan
        self.result = result
        self.measures = progress.owners(plan)
        self.vocabs = progress.vocabularies(plan)
        self.digest = progress.plan_digest(plan)
        self.departments = {d.name for d in plan.departments}
        # measure id → (answer, the place of its first input cell)
        self.seen: dict[str, tuple[Answer, str]] = {}
        self.forms_of: dict[str, str] = {}

    def fail(self, place: str, message: str) -> None:
        self.result.problems.append(_problem(place, message))

    def warn(self, place: str, message: str) -> None:
        self.result.warnings.append(
            _problem(place, _("warning: {message}").format(message=message))
        )

    def form(self, form: ReturnedForm) -> None:
        self.result.problems.extend(form.problems)
        record = form.record
        if record.get("form") != forms.MARKER or not record.get("department"):
            self.fail(
                form.place(),
                _(
                    "not a progress form written by kouryu: its record of the "
                    "year and department is missing (was the sheet copied into "
                    "another workbook?)"
                ),
            )
            return
        year = self.result.year
        label = record.get("year", "")
        if record.get("western_year") != str(year.year):
            self.fail(
                form.place("A1"),
                _(
                    "this form is for {label} ({value}年度), but {label2} "
                    "({year}年度) is being collected"
                ).format(
                    label=label,
                    value=record.get("western_year", "?"),
                    label2=year.label,
                    year=year.year,
                ),
            )
            return
        department = record["department"]
        if department not in self.departments:
            self.fail(
                form.record_place,
                _("the form's department '{department}' is not in the plan").format(
                    department=department
                ),
            )
            return
        if department in self.forms_of:
            self.warn(
                form.place(),
                _("a second form of {department} (the first is {value})").format(
                    department=department, value=self.forms_of[department]
                ),
            )
        self.forms_of.setdefault(department, form.file)
        if record.get("plan_digest") != self.digest:
            self.warn(
                form.place(),
                _(
                    "written from another edition of the plan: its measures are "
                    "checked against the current plan"
                ),
            )
        listed = record.get("measures", "").split()
        person = form.person.value
        date = self.date(form.date)
        found: dict[str, int] = {}
        for row in form.rows:
            measure = self.row_measure(row, department, listed, found)
            if measure is None:
                continue
            self.fixed_cells(row, measure)
            answer = self.answer(row, measure, department, person, date)
            if answer is not None:
                self.keep(answer, row)
        for measure_id in listed:
            if measure_id not in found and measure_id in self.measures:
                self.fail(
                    form.header_place,
                    _(
                        "the row of {measure_id} ({name}) was deleted; rows cannot be"
                        " deleted (leave the input cells empty instead)"
                    ).format(measure_id=measure_id, name=self.measures[measure_id].name),
                )

    def date(self, cell: Cell) -> datetime.date | None:
        if not cell.value:
            return None
        try:
            return progress.parse_date(cell.value)
        except ValueError as error:
            self.fail(cell.place, str(error))
            return None

    def row_measure(
        self,
        row: FormRow,
        department: str,
        listed: list[str],
        found: dict[str, int],
    ) -> Measure | None:
        id_cell = row.cells["measure"]
        measure = self.measures.get(id_cell.value)
        if measure is None:
            # Excel turns an id such as 1-1-01 in a CSV into a date: find the row by its name.
            by_name = [
                self.measures[i]
                for i in listed
                if self.measures.get(i) and self.measures[i].name == row.text("name")
            ]
            if by_name and id_cell.value and by_name[0].id not in found:
                measure = by_name[0]
                self.warn(
                    id_cell.place,
                    _(
                        "ID '{value}' read as {id} by its 事業名 (Excel may have turned "
                        "the id into a date)"
                    ).format(value=id_cell.value, id=measure.id),
                )
            else:
                what = (
                    _("'{value}' is not a measure of the plan").format(value=id_cell.value)
                    if id_cell.value
                    else _("a row without ID")
                )
                self.fail(
                    id_cell.place, _("{what}: rows cannot be added to a form").format(what=what)
                )
                return None
        if department not in measure.departments:
            self.fail(
                id_cell.place,
                _("{id} ({name}) belongs to {value}, not to {department}").format(
                    id=measure.id,
                    name=measure.name,
                    value="・".join(measure.departments),
                    department=department,
                ),
            )
            return None
        if measure.id in found:
            self.fail(
                id_cell.place,
                _("{id} is listed twice (also on row {value})").format(
                    id=measure.id, value=found[measure.id]
                ),
            )
            return None
        if listed and measure.id not in listed:
            self.fail(
                id_cell.place,
                _("{id} was not on this form: rows cannot be added").format(id=measure.id),
            )
            return None
        found[measure.id] = row.number
        return measure

    def fixed_cells(self, row: FormRow, measure: Measure) -> None:
        expected = forms.fixed_values(self.plan, measure)
        for column in forms.COLUMNS:
            if column.is_input or column.key == "measure" or column.key not in row.cells:
                continue
            cell = row.cells[column.key]
            if fold(cell.value) != fold(expected[column.key]):
                self.warn(
                    cell.place,
                    _("{label} was changed to '{value}'; the plan's '{value2}' is kept").format(
                        label=column.label,
                        value=_short(cell.value),
                        value2=_short(expected[column.key]),
                    ),
                )

    def answer(
        self,
        row: FormRow,
        measure: Measure,
        department: str,
        person: str,
        date: datetime.date | None,
    ) -> Answer | None:
        if not any(row.text(key) for key in forms.INPUT_KEYS):
            return None  # not answered: listed by `status --missing`
        ok = True
        terms: dict[str, str] = {}
        for key in progress.KEYS:
            text = row.text(key)
            term = progress.read_term(self.vocabs[key], text) if text else None
            if text and term is None:
                self.fail(
                    row.cells[key].place,
                    f"unknown {progress.LABELS[key]} '{_short(text)}' "
                    f"(expected {progress.expected(self.vocabs[key])})",
                )
                ok = False
            terms[key] = term.value if term else ""
        try:
            figures = progress.parse_figures(row.text("figures"))
        except ValueError as error:
            self.fail(row.cells["figures"].place, str(error))
            figures = ()
            ok = False
        answer = Answer(
            measure_id=measure.id,
            departments=(department,),
            status=terms[progress.STATUS],
            rating=terms[progress.RATING],
            direction=terms[progress.DIRECTION],
            activities=row.text("activities"),
            figures=figures,
            issues=row.text("issues"),
            next_steps=row.text("next_steps"),
            answered_by=person,
            answered_on=date,
        )
        for key, message in progress.answer_problems(answer, self.vocabs):
            if row.text(key):  # given but unknown: reported above
                continue
            self.fail(row.cells[key].place, f"{measure.id}: {message}")
            ok = False
        return answer if ok else None

    def keep(self, answer: Answer, row: FormRow) -> None:
        place = row.cells[progress.STATUS].place
        earlier = self.seen.get(answer.measure_id)
        if earlier is None:
            self.seen[answer.measure_id] = (answer, place)
            self.result.answers[answer.measure_id] = answer
            self.result.places[answer.measure_id] = {k: c.place for k, c in row.cells.items()}
        else:
            first, first_place = earlier
            if first.content() != answer.content():
                changes = "; ".join(
                    f"{progress.LABELS[key]} '{_short(old)}' ≠ '{_short(new)}'"
                    for key, old, new in progress.differences(first, answer)
                )
                self.fail(
                    place,
                    _("{measure_id} is answered differently at {first_place}: {changes}").format(
                        measure_id=answer.measure_id, first_place=first_place, changes=changes
                    ),
                )
                return
            merged = tuple(dict.fromkeys((*first.departments, *answer.departments)))
            kept = replace(first, departments=merged)
            self.seen[answer.measure_id] = (kept, first_place)
            self.result.answers[answer.measure_id] = kept
        for department in answer.departments:
            ids = self.result.by_department.setdefault(department, [])
            if answer.measure_id not in ids:
                ids.append(answer.measure_id)


def _short(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
