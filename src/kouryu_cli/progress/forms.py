"""取組状況調査票: the per-department forms of the progress round, as workbooks and as CSV.

A workbook has the answer sheet (the measure columns shaded and protected, the input
columns unlocked, dropdowns from the vocabularies), an instruction sheet with the
definitions and an example, and a very hidden sheet ``kouryu`` recording the year,
department, plan digest and the measures the form lists, so that a returned form is
recognised whatever its file name. A CSV form carries the same record in its first row.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kouryu_cli.core.model import EraYear, Measure, Plan, Vocabulary
from kouryu_cli.core.textnorm import fold, strip_controls
from kouryu_cli.progress import book as progress
from kouryu_cli.progress.book import Answer, ProgressBook
from kouryu_cli.progress.figures import format_figures
from kouryu_cli.render.listing import guard_formula
from kouryu_cli.render.xlsx import LINE_HEIGHT, bold, cell_lines, print_setup, text_cell

MARKER = "kouryu 取組状況調査票"
FORM_VERSION = "1"
MAIN_SHEET = "取組状況"
HELP_SHEET = "記入方法"
META_SHEET = "kouryu"
TITLE_ROWS = 4  # title, who and when, note, column headings
HEADER_ROW = TITLE_ROWS
PERSON_CELL = "B2"
DATE_CELL = "E2"
# Vocabulary lists on the hidden sheet, one column each, for the dropdowns.
LIST_COLUMNS = {progress.STATUS: "D", progress.RATING: "E", progress.DIRECTION: "F"}
# The record's key for what was pre-filled: "2-1-21:digest 2-1-22:digest", one per row.
PREFILLED_KEY = "prefilled"
# The record's key for the cells of the instruction sheet kouryu wrote ("A1:B45").
HELP_KEY = "help_cells"


@dataclass(frozen=True, slots=True)
class FormColumn:
    """One column of the answer sheet: its key, heading, width, and whether departments fill it."""

    key: str
    label: str
    width: float
    is_input: bool


COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("measure", "ID", 9, False),
    FormColumn("policy", "施策", 14, False),
    FormColumn("section", "取組", 16, False),
    FormColumn("name", "事業名", 22, False),
    FormColumn("description", "事業の概要", 36, False),
    FormColumn(progress.STATUS, progress.LABELS[progress.STATUS], 11, True),
    FormColumn(progress.RATING, progress.LABELS[progress.RATING], 7, True),
    FormColumn("activities", progress.LABELS["activities"], 40, True),
    FormColumn("figures", progress.LABELS["figures"], 22, True),
    FormColumn("issues", progress.LABELS["issues"], 30, True),
    FormColumn(progress.DIRECTION, progress.LABELS[progress.DIRECTION], 13, True),
    FormColumn("next_steps", progress.LABELS["next_steps"], 30, True),
)
FIXED_KEYS = tuple(c.key for c in COLUMNS if not c.is_input)
INPUT_KEYS = tuple(c.key for c in COLUMNS if c.is_input)


@dataclass(frozen=True, slots=True)
class FormSpec:
    """What one department's form holds: the year, its measures, and answers to pre-fill."""

    year: EraYear
    department: str
    measures: tuple[Measure, ...]
    digest: str
    prefill: tuple[Answer, ...] = ()
    prefill_year: str = ""

    def prefilled(self) -> dict[str, Answer]:
        """The answers rows are pre-filled with, by measure id."""
        return {a.measure_id: a for a in self.prefill}

    def file_name(self, suffix: str) -> str:
        """R6_取組状況_高齢福祉課.xlsx: safe on every file system."""
        name = f"{self.year.label}_{MAIN_SHEET}_{self.department}"
        return _safe_file_name(name) + suffix


def form_specs(
    plan: Plan,
    year: EraYear,
    departments: tuple[str, ...] = (),
    previous: ProgressBook | None = None,
) -> list[FormSpec]:
    """One form per department (all, or those named) that has measures, in plan order."""
    digest = progress.plan_digest(plan)
    answers = previous.by_measure() if previous else {}
    out = []
    for department in plan.departments:
        if departments and department.name not in departments:
            continue
        measures = tuple(m for m in plan.measures if department.name in m.departments)
        if not measures:
            continue
        prefill = tuple(answers[m.id] for m in measures if m.id in answers)
        out.append(
            FormSpec(
                year,
                department.name,
                measures,
                digest,
                prefill,
                previous.year.label if previous else "",
            )
        )
    return out


def fixed_values(plan: Plan, measure: Measure) -> dict[str, str]:
    """The protected columns of a measure's row, as the plan says them."""
    return {
        "measure": measure.id,
        "policy": plan.policy(measure.policy).label,
        "section": plan.section_of(measure).label,
        "name": measure.name,
        "description": measure.description,
    }


def input_values(answer: Answer | None) -> dict[str, str]:
    """The input columns of a row, pre-filled from an answer (or empty)."""
    if answer is None:
        return dict.fromkeys(INPUT_KEYS, "")
    return {
        key: format_figures(answer.figures) if key == "figures" else answer.shown(key)
        for key in INPUT_KEYS
    }


def input_digest(text_of: Callable[[str], str]) -> str:
    """A short fingerprint of a row's input cells, given each column's text by its key.

    Recorded for each pre-filled row, so that a form sent back untouched is recognised;
    compared in the folded form, so that Excel's line breaks and widths do not count.
    """
    hasher = hashlib.sha256()
    for key in INPUT_KEYS:
        hasher.update(fold(" ".join(text_of(key).split())).encode("utf-8") + b"\x1f")
    return hasher.hexdigest()[:12]


def read_prefilled(text: str) -> dict[str, str]:
    """The record of pre-filled rows: measure id → input_digest."""
    pairs = (piece.rpartition(":") for piece in text.split())
    return {measure_id: digest for measure_id, _colon, digest in pairs if measure_id}


def title(spec: FormSpec) -> str:
    """令和の年度と所管課: the first row of a form."""
    return f"{spec.year.label}（{spec.year.year}年度）{MAIN_SHEET}調査票　{spec.department}"


def metadata(spec: FormSpec) -> list[tuple[str, str]]:
    """What a form records about itself (the hidden sheet; the first row of a CSV)."""
    from kouryu_cli import __version__

    return [
        ("form", MARKER),
        ("form_version", FORM_VERSION),
        ("year", spec.year.label),
        ("western_year", str(spec.year.year)),
        ("department", spec.department),
        ("plan_digest", spec.digest),
        ("measures", " ".join(m.id for m in spec.measures)),
        ("kouryu", __version__),
        *_prefill_record(spec),
    ]


def _prefill_record(spec: FormSpec) -> list[tuple[str, str]]:
    if not spec.prefill:
        return []
    digests = []
    for answer in spec.prefill:
        values = input_values(answer)
        digests.append(f"{answer.measure_id}:{input_digest(values.__getitem__)}")
    return [(PREFILLED_KEY, " ".join(digests))]


# ------------------------------------------------------------------ the workbook


def workbook_bytes(spec: FormSpec, plan: Plan) -> bytes:
    """The department's form as an .xlsx workbook."""
    from openpyxl import Workbook

    vocabs = progress.vocabularies(plan)
    book = Workbook()
    sheet = book.active
    sheet.title = MAIN_SHEET
    _answer_sheet(sheet, spec, plan, vocabs)
    help_rows = _help_sheet(book.create_sheet(HELP_SHEET), spec, vocabs)
    _meta_sheet(book.create_sheet(META_SHEET), spec, vocabs, f"A1:B{help_rows}")
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _answer_sheet(sheet: Any, spec: FormSpec, plan: Plan, vocabs: dict[str, Vocabulary]) -> None:
    from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    shade = PatternFill("solid", fgColor="E7E6E6")
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)
    last = get_column_letter(len(COLUMNS))

    text_cell(sheet["A1"], title(spec))
    sheet["A1"].font = bold(14)
    sheet.merge_cells(f"A1:{last}1")
    for label_cell, input_cell, label in (
        ("A2", PERSON_CELL, progress.LABELS["answered_by"]),
        ("D2", DATE_CELL, progress.LABELS["answered_on"]),
    ):
        text_cell(sheet[label_cell], label)
        sheet[label_cell].font = bold()
        sheet[input_cell].protection = unlocked
        sheet[input_cell].border = box
    sheet.merge_cells("B2:C2")
    note = (
        "灰色の列（ID～事業の概要）は変更できません。白い列に記入してください。"
        "選択肢と記入例は「記入方法」シートにあります。"
    )
    if spec.prefill_year:
        note += (
            f"前年度（{spec.prefill_year}）の回答を記入してあります。今年度の内容に直してください。"
        )
    text_cell(sheet["A3"], note)
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet.merge_cells(f"A3:{last}3")
    sheet.row_dimensions[3].height = 30

    for index, column in enumerate(COLUMNS, 1):
        cell = sheet.cell(HEADER_ROW, index)
        text_cell(cell, column.label)
        cell.font = bold()
        cell.fill = PatternFill("solid", fgColor="BDD7EE") if column.is_input else shade
        cell.border = box
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    first = HEADER_ROW + 1
    prefilled = spec.prefilled()
    for row, measure in enumerate(spec.measures, first):
        values = {**fixed_values(plan, measure), **input_values(prefilled.get(measure.id))}
        for index, column in enumerate(COLUMNS, 1):
            cell = sheet.cell(row, index)
            text_cell(cell, values[column.key])
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = box
            if column.is_input:
                cell.protection = unlocked
            else:
                cell.fill = shade
        lines = max(cell_lines(values[c.key], c.width) for c in COLUMNS)
        # A line to spare below the longest text: fonts differ in line height (LibreOffice, Excel).
        sheet.row_dimensions[row].height = min(max(lines + 1, 3) * LINE_HEIGHT, 400)
    end = first + len(spec.measures) - 1
    _dropdowns(sheet, vocabs, first, end)
    sheet.freeze_panes = sheet.cell(first, len(FIXED_KEYS))
    sheet.protection.sheet = True
    # Resizing rows and columns stays allowed: long answers need taller rows.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    print_setup(sheet, f"1:{TITLE_ROWS}", area=f"A1:{last}{end}", title_columns="A:A")


def _dropdowns(sheet: Any, vocabs: dict[str, Vocabulary], first: int, end: int) -> None:
    """A list validation per vocabulary column, from the hidden sheet's lists."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for key, letter in LIST_COLUMNS.items():
        vocabulary = vocabs[key]
        column = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        listed = "、".join(
            f"{t.value}（{t.definition}）" if t.definition else t.value for t in vocabulary.terms
        )
        validation = DataValidation(
            type="list",
            formula1=f"{META_SHEET}!${letter}$1:${letter}${len(vocabulary.terms)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=progress.LABELS[key],
            error=_fit(f"{progress.expected(vocabulary)} から選んでください。", 225),
            showInputMessage=True,
            promptTitle=_fit(progress.LABELS[key], 32),
            prompt=_fit(listed, 250),
        )
        validation.add(f"{column}{first}:{column}{end}")
        sheet.add_data_validation(validation)


def _help_sheet(sheet: Any, spec: FormSpec, vocabs: dict[str, Vocabulary]) -> int:
    """The instruction sheet; returns the number of rows written."""
    from openpyxl.styles import Alignment

    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 70
    rows: list[tuple[str, str, bool]] = [
        (f"{title(spec)} の記入方法", "", True),
        ("", "", False),
        (
            "記入する列",
            "実施状況・評価・今後の方向性は一覧から選びます（全角・半角どちらでも可）。",
            False,
        ),
        (
            "",
            "灰色の列（ID・施策・取組・事業名・事業の概要）は変更しないでください。行の追加・削除もしないでください。",
            False,
        ),
        (
            "必ず記入",
            "回答する事業には、実施状況・評価・今後の方向性を必ず記入してください。",
            False,
        ),
    ]
    needing = [t.value for t in vocabs[progress.STATUS].terms if t.needs_activities]
    if needing:
        rows.append(
            (
                "",
                f"実施状況が「{'」「'.join(needing)}」のときは、取組内容・実績も記入してください。",
                False,
            )
        )
    rows += [
        (
            "活動実績（数値）",
            "1行に1つ、名称・数値・単位の順に書きます（例: 開催回数 12回）。",
            False,
        ),
        ("記入者・回答日", "シート上部の欄に記入してください（回答日の例: 2025/5/12）。", False),
        ("", "", False),
    ]
    for key in progress.KEYS:
        rows.append((progress.LABELS[key], "", True))
        rows += [(t.value, t.definition, False) for t in vocabs[key].terms]
        rows.append(("", "", False))
    rows.append(("記入例", "", True))
    example = {
        "ID": "（例）",
        progress.LABELS[progress.STATUS]: vocabs[progress.STATUS].terms[0].value,
        progress.LABELS[progress.RATING]: vocabs[progress.RATING].terms[1].value
        if len(vocabs[progress.RATING].terms) > 1
        else vocabs[progress.RATING].terms[0].value,
        progress.LABELS["activities"]: "地域の集会所で教室を月1回開いた。新たに2地区で始めた。",
        progress.LABELS["figures"]: "開催回数 12回\n参加者数 1,234人",
        progress.LABELS["issues"]: "参加者が固定化している。",
        progress.LABELS[progress.DIRECTION]: vocabs[progress.DIRECTION].terms[0].value,
        progress.LABELS["next_steps"]: "広報紙で周知し、新しい参加者を増やす。",
    }
    rows += [(label, value, False) for label, value in example.items()]
    rows += [
        ("", "", False),
        (
            "この様式について",
            "kouryu が作成しました。年度・所管課・計画の版が記録されています。",
            False,
        ),
        (
            "",
            "別の年度や別の課の様式に記入したもの、シートをコピーしたものは受け付けられません。",
            False,
        ),
    ]
    for index, (label, text, heading) in enumerate(rows, 1):
        text_cell(sheet.cell(index, 1), label)
        text_cell(sheet.cell(index, 2), text)
        sheet.cell(index, 1).alignment = Alignment(vertical="top", wrap_text=True)
        sheet.cell(index, 2).alignment = Alignment(vertical="top", wrap_text=True)
        if heading:
            sheet.cell(index, 1).font = bold(12 if index == 1 else 11)
        elif text:
            sheet.row_dimensions[index].height = LINE_HEIGHT * cell_lines(text, 70)
    sheet.merge_cells("A1:B1")
    sheet.cell(1, 1).alignment = Alignment(vertical="top", wrap_text=False)
    print_setup(sheet, portrait=True)
    sheet.protection.sheet = True
    return len(rows)


def _meta_sheet(sheet: Any, spec: FormSpec, vocabs: dict[str, Vocabulary], help_cells: str) -> None:
    # The instruction sheet's own cells: text elsewhere on it was typed by a department.
    for row, (key, value) in enumerate([*metadata(spec), (HELP_KEY, help_cells)], 1):
        text_cell(sheet.cell(row, 1), key)
        text_cell(sheet.cell(row, 2), value)
    for key, letter in LIST_COLUMNS.items():
        for row, term in enumerate(vocabs[key].terms, 1):
            text_cell(sheet[f"{letter}{row}"], term.value)
    # Very hidden: not offered by Excel's "unhide" menu, so it is not edited by accident.
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def _fit(text: str, limit: int) -> str:
    """Excel refuses data-validation messages over its limits: shorten with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ CSV

CSV_NOTE = (
    "1行目は様式の記録です。変更しないでください。ID～事業の概要の列は変更せず、"
    "実施状況・評価・今後の方向性は「記入方法」の選択肢から記入してください。"
)


def csv_text(spec: FormSpec, plan: Plan) -> str:
    """The department's form as CSV: the record row, who and when, headings, one row a measure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The record as key, value pairs after the marker; rows 2 to 4 as on the workbook's sheet,
    # so that a cell is named alike in both (記入者 B2, 回答日 E2, headings on row 4).
    writer.writerow([MARKER, *(part for pair in metadata(spec)[1:] for part in pair)])
    writer.writerow([progress.LABELS["answered_by"], "", "", progress.LABELS["answered_on"], ""])
    writer.writerow([CSV_NOTE])
    writer.writerow([c.label for c in COLUMNS])
    prefilled = spec.prefilled()
    for measure in spec.measures:
        values = {**fixed_values(plan, measure), **input_values(prefilled.get(measure.id))}
        writer.writerow([_csv_cell(values[c.key]) for c in COLUMNS])
    return buffer.getvalue()


def _csv_cell(text: str) -> str:
    # Excel would run a field starting with = + - @ as a formula: a leading ' keeps it text.
    return guard_formula("\n".join(strip_controls(part) for part in text.split("\n")))


def _safe_file_name(name: str) -> str:
    """Characters Windows forbids in file names become full-width look-alikes or '_'."""
    table = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "”"})
    table.update({ord("<"): "＜", ord(">"): "＞", ord("|"): "｜"})
    cleaned = "".join(c if c.isprintable() else "_" for c in name.translate(table))
    return cleaned.strip(" .") or "form"
