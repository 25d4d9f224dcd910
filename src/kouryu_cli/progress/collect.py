"""Collecting a round: a set of returned forms checked against the plan, the year and each other.

Every problem is named by its cell, ``file:sheet!F7: message``, and every form is checked
before anything is kept: a form of another year, a department that does not own a measure,
values outside the vocabularies, missing required fields, rows added or deleted, and one
measure answered differently in two places. Edited protected cells are warnings: the
plan's text is kept, the answer is still read.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import EraYear, Measure, Plan
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files.problems import Problem
from kouryu_cli.measures.query import id_key
from kouryu_cli.progress import book as progress
from kouryu_cli.progress import forms
from kouryu_cli.progress.book import Answer
from kouryu_cli.progress.figures import parse_figures
from kouryu_cli.progress.returned import FormCell, FormRow, ReturnedForm, problem

# What Excel makes of an id typed into a CSV: 2002/1/2, 2002-01-02 (a date cell), 1月2日.
_DATE_LIKE = re.compile(r"\d{4}[/-]\d{1,2}[/-]\d{1,2}(?: 00:00:00)?|\d{1,2}月\d{1,2}日")

# What a returned form carried: answers, none, or pre-filled ones sent back untouched.
FormState = Literal["answered", "blank", "unchanged"]


@dataclass(frozen=True, slots=True)
class FormSummary:
    """What one returned form carried: answered, blank, or pre-filled and sent back untouched."""

    file: str
    department: str
    state: FormState
    answered: int
    blank: int


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
    # one summary per form of this round, in the order read
    forms: list[FormSummary] = field(default_factory=list)
    # measure id → the ID cell of a row left blank (file:sheet!A7)
    blank: dict[str, str] = field(default_factory=dict)


def collect(returned: Iterable[ReturnedForm], plan: Plan, year: EraYear) -> Collected:
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
        self.by_key = {id_key(m.id): m for m in self.measures.values()}
        # measure id → (answer, the row it was first read from)
        self.seen: dict[str, tuple[Answer, FormRow]] = {}
        self.forms_of: dict[str, str] = {}

    def fail(self, place: str, message: str) -> None:
        self.result.problems.append(problem(place, message))

    def warn(self, place: str, message: str) -> None:
        self.result.warnings.append(problem(place, _("warning: {message}").format(message=message)))

    def form(self, form: ReturnedForm) -> None:
        self.result.problems.extend(form.problems)
        for place, message in form.notices:
            self.warn(place, message)
        record = dict(form.record)  # a key written twice: the last counts
        department = self.department(form, record)
        if department is not None:
            self.rows(form, record, department)

    def department(self, form: ReturnedForm, record: dict[str, str]) -> str | None:
        """The form's department when the form is of this round and plan; None, and why, if not."""
        if form.is_csv and record.get("form") != forms.MARKER:
            self.fail(
                form.place("A1"),
                _(
                    "a CSV without the form's record or title row: kouryu cannot tell its year "
                    "and department; send the .xlsx form itself (R6_取組状況_<所管課>.xlsx)"
                ),
            )
            return None
        if record.get("form") != forms.MARKER or not record.get("department"):
            self.fail(
                form.place(),
                _(
                    "not a progress form written by kouryu: its record of the "
                    "year and department is missing (was the sheet copied into "
                    "another workbook?)"
                ),
            )
            return None
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
            return None
        department = record["department"]
        if department not in self.departments:
            self.fail(
                form.record_at("department"),
                _("the form's department '{department}' is not in the plan").format(
                    department=department
                ),
            )
            return None
        if department in self.forms_of:
            self.warn(
                form.place(),
                _("a second form of {department} (the first is {value})").format(
                    department=department, value=self.forms_of[department]
                ),
            )
        self.forms_of.setdefault(department, form.file)
        if record.get("plan_digest", self.digest) != self.digest:
            self.warn(
                form.place(),
                _(
                    "written from another edition of the plan: its measures are "
                    "checked against the current plan"
                ),
            )
        return department

    def rows(self, form: ReturnedForm, record: dict[str, str], department: str) -> None:
        """The form's rows: each checked, kept as answers unless the form came back as sent."""
        if "measures" in record:
            listed = record["measures"].split()
        else:  # a CSV saved from the workbook: the form listed the department's measures
            listed = [m.id for m in self.plan.measures if department in m.departments]
        person = form.person.value
        date = self.date(form.date)
        found: dict[str, int] = {}
        rows: list[tuple[FormRow, Measure]] = []
        for row in form.rows:
            measure = self.row_measure(row, department, listed, found)
            if measure is not None:
                self.fixed_cells(row, measure)
                rows.append((row, measure))
        answered = [(r, m) for r, m in rows if any(r.text(k) for k in forms.INPUT_KEYS)]
        answered_ids = {m.id for _r, m in answered}
        blank = len(rows) - len(answered)
        prefilled = forms.read_prefilled(record.get(forms.PREFILLED_KEY, ""))
        note = form.prefill_note
        unconfirmed = answered and not person and not form.date.value
        if unconfirmed and form.is_csv and note and not prefilled:
            # Saved as CSV from the workbook: last year's answers, and nothing to compare them
            # with. Kept, they would pass for this year's; dropped, edits could be lost.
            self.fail(
                note.place,
                _(
                    "pre-filled with {year}'s answers and saved as CSV, which loses the record "
                    "kouryu checks them against; with neither 記入者 (B2) nor 回答日 (E2) filled "
                    "in, they may be last year's answers sent back unread: fill in 記入者 or "
                    "回答日 to confirm them, or send the .xlsx form itself"
                ).format(year=note.value),
            )
        if unconfirmed and prefilled:
            as_sent = {m.id for _r, m in rows if m.id in prefilled} == answered_ids
            if as_sent and all(prefilled[m.id] == forms.input_digest(r.text) for r, m in answered):
                # Forwarded unopened: last year's answers, confirmed by nobody.
                self.result.forms.append(
                    FormSummary(form.file, department, "unchanged", len(answered), blank)
                )
                self.deleted(form, listed, found)
                return
        state: FormState = "answered" if answered else "blank"
        self.result.forms.append(FormSummary(form.file, department, state, len(answered), blank))
        for row, measure in rows:
            if measure.id not in answered_ids:
                self.result.blank.setdefault(measure.id, row.cell("measure").place)
                continue
            answer = self.answer(row, measure, department, person, date)
            if answer is not None:
                self.keep(answer, row)
        self.deleted(form, listed, found)

    def deleted(self, form: ReturnedForm, listed: list[str], found: dict[str, int]) -> None:
        for measure_id in listed:
            if measure_id not in found and measure_id in self.measures:
                self.fail(
                    form.header_place,
                    _(
                        "the row of {measure_id} ({name}) was deleted; rows cannot be"
                        " deleted (leave the input cells empty instead)"
                    ).format(measure_id=measure_id, name=self.measures[measure_id].name),
                )

    def date(self, cell: FormCell) -> datetime.date | None:
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
        id_cell = row.cell("measure")
        # An id as people type it (１－２－０９, 1-2-9) is the id, as everywhere in kouryu.
        measure = self.measures.get(id_cell.value) or self.by_key.get(id_key(id_cell.value))
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
                    (
                        _(
                            "ID '{value}' read as {id} by its 事業名 (Excel may have turned "
                            "the id into a date)"
                        )
                        if _DATE_LIKE.fullmatch(fold(id_cell.value))
                        else _("ID '{value}' is not an id of the plan: read as {id} by its 事業名")
                    ).format(value=id_cell.value, id=measure.id),
                )
            else:
                what = (
                    _("'{value}' is not a measure of the plan").format(value=id_cell.value)
                    if id_cell.value
                    else _("a row without ID")
                )
                # A row without ID is named where its text is (a note typed in H20), not at A20.
                written = next((c.place for c in row.cells if c.value), id_cell.place)
                self.fail(
                    id_cell.place if id_cell.value else written,
                    _("{what}: rows cannot be added to a form").format(what=what),
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
            if column.is_input or column.key == "measure" or not row.has(column.key):
                continue
            cell = row.cell(column.key)
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
                    row.cell(key).place,
                    _("unknown {label} '{text}' (expected {expected})").format(
                        label=progress.LABELS[key],
                        text=_short(text),
                        expected=progress.expected(self.vocabs[key]),
                    ),
                )
                ok = False
            terms[key] = term.value if term else ""
        try:
            figures = parse_figures(row.text("figures"))
        except ValueError as error:
            self.fail(row.cell("figures").place, str(error))
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
            if row.text(key) or not row.has(key):  # unknown, or the column missing: reported
                continue
            self.fail(row.cell(key).place, f"{measure.id}: {message}")
            ok = False
        return answer if ok else None

    def keep(self, answer: Answer, row: FormRow) -> None:
        earlier = self.seen.get(answer.measure_id)
        if earlier is None:
            self.seen[answer.measure_id] = (answer, row)
            self.result.answers[answer.measure_id] = answer
            self.result.places[answer.measure_id] = {c.key: c.place for c in row.cells}
        else:
            first, first_row = earlier
            if first.content() != answer.content():
                changes = progress.differences(first, answer)
                # Named at the cell of the first value that differs, in both files.
                self.fail(
                    _cell(row, changes[0][0]),
                    _("{measure_id} is answered differently: {changes}").format(
                        measure_id=answer.measure_id,
                        changes="; ".join(
                            f"{progress.LABELS[key]} {_cell(first_row, key)} '{_short(old)}'"
                            f" ≠ {_cell(row, key)} '{_short(new)}'"
                            for key, old, new in changes
                        ),
                    ),
                )
                return
            merged = tuple(dict.fromkeys((*first.departments, *answer.departments)))
            kept = replace(first, departments=merged)
            self.seen[answer.measure_id] = (kept, first_row)
            self.result.answers[answer.measure_id] = kept
        for department in answer.departments:
            ids = self.result.by_department.setdefault(department, [])
            if answer.measure_id not in ids:
                ids.append(answer.measure_id)


def _cell(row: FormRow, key: str) -> str:
    """The place of a column's cell in a row; the ID cell when the form lacks the column."""
    return row.cell(key if row.has(key) else "measure").place


def _short(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
