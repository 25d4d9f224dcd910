"""The actuals template (実績値の記入用紙): every series, one row per year still to report.

Its headers are the ones the actuals reader accepts, so a filled-in copy is read back with
no edit: as CSV (saved by Excel in cp932 or UTF-8) or as the .xlsx workbook itself, whose
value column is numeric and whose id and 有意差 columns have dropdowns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from kouryu_cli.core import era
from kouryu_cli.core.model import EraYear, Indicator, Plan, Series, Significance
from kouryu_cli.files.tables import SHEET  # the sheet the reader looks for first
from kouryu_cli.indicators.views import baseline_text, target_text
from kouryu_cli.render.xlsx import LINE_HEIGHT, bold, cell_lines, print_setup, text_cell

COLUMNS = (
    "指標ID",
    "指標名",
    "内訳",
    "単位",
    "基準値",
    "目標値",
    "年度",
    "実績値",
    "出典",
    "備考",
    "有意差",  # the result of a significance test against the baseline, when one was made
    "確認",  # 済: a figure ten or more times away from the baseline was checked and is right
)
VALUE_COLUMN = COLUMNS.index("実績値")
SIGNIFICANCE_COLUMN = COLUMNS.index("有意差")
CHECKED_COLUMN = COLUMNS.index("確認")
# The width of the instruction sheet's one column, in Excel's units: within a portrait A4 page.
NOTE_WIDTH = 72
# The results offered in the .xlsx dropdown; the reader also takes 有意に改善, 有意差なし …
SIGNIFICANCE_CHOICES = tuple(member.label for member in Significance)


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One line of the form: a series and a year whose value is still to be written."""

    indicator: Indicator
    series: Series
    year: int | None  # None: nothing left to report up to the as-of year

    def cells(self) -> tuple[str, ...]:
        """The row's cells, the value, source, note, test result and check left empty."""
        return (
            self.indicator.id,
            self.indicator.name,
            self.series.label or self.series.key,
            self.series.unit,
            baseline_text(self.indicator, self.series),
            target_text(self.indicator, self.series),
            era.short_label(self.year) if self.year is not None else "",
            "",
            "",
            "",
            "",
            "",
        )


def template_rows(plan: Plan, as_of: EraYear) -> list[TemplateRow]:
    """Every series, once per year after its last known value up to the as-of year."""
    out: list[TemplateRow] = []
    for indicator in plan.indicators:
        for series in indicator.series:
            known = [o.year.year for o in series.actuals if o.year.year <= as_of.year]
            start = max([indicator.baseline_year.year, *known]) + 1
            years: list[int | None] = [*range(start, as_of.year + 1)] or [None]
            out.extend(TemplateRow(indicator, series, year) for year in years)
    return out


def instructions(plan: Plan, as_of: EraYear) -> list[str]:
    """What the form is and how to fill it in: comment lines of the CSV, a sheet of the .xlsx."""
    return [
        f"{plan.city} {plan.program} {plan.chapter.label}"
        f" 指標の実績値 記入用紙（{as_of.label}={as_of.year}年度まで）",
        "「実績値」の欄に数値を記入してください（例: 27.1、27.1%、150,000人、△5）。"
        "空欄の行は読み飛ばします。",
        "年度は R6、令和6年度、2024 などの書き方で構いません。行の追加・削除もできます。",
        "「有意差」の欄は、アンケートなどの標本調査でベースラインとの有意差検定をしたときだけ、"
        "改善・変化なし・悪化（有意に改善・有意差なし・有意に悪化 でも可）のいずれかを"
        "記入してください。検定をしていなければ空欄のままにします（変化率5%の目安で評価します）。",
        "「確認」の欄は、基準値の10倍以上または10分の1以下の実績値が正しいと確かめたときだけ"
        "「済」（または確かめた人の名前）を記入してください。空欄なら、小数点の位置などの"
        "誤記として読み込みを止めます。",
        "記入後: kouryu actuals check このファイル / kouryu indicators --actuals このファイル",
    ]


def template_csv(plan: Plan, as_of: EraYear) -> str:
    """The form as CSV: # comment lines, the header, one row per series and year."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in instructions(plan, as_of):
        writer.writerow([f"# {line}"])
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in template_rows(plan, as_of))
    return buffer.getvalue()


# Column widths of the .xlsx form: narrow enough that it prints one page wide at a legible
# scale, a name or a baseline wrapping onto a second line.
WIDTHS = (8, 24, 10, 6, 17, 17, 8, 10, 12, 12, 10, 8)


def template_workbook(plan: Plan, as_of: EraYear) -> bytes:
    """The form as an .xlsx workbook: a numeric value column and a dropdown of indicator ids."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    lines = instructions(plan, as_of)
    text_cell(sheet.cell(1, 1), lines[0]).font = bold(12)
    for index, heading in enumerate(COLUMNS, 1):
        text_cell(sheet.cell(2, index), heading).font = bold()
    rows = template_rows(plan, as_of)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, 3):
        for index, value in enumerate(row.cells(), 1):
            cell = sheet.cell(number, index)
            if index - 1 != VALUE_COLUMN and value:
                text_cell(cell, value)
            cell.alignment = wrap  # top: what a clerk fills in prints on its row's first line
        sheet.cell(number, VALUE_COLUMN + 1).number_format = "#,##0.###"
        tall = max(
            (cell_lines(v, w) for v, w in zip(row.cells(), WIDTHS, strict=True) if v), default=1
        )
        sheet.row_dimensions[number].height = tall * LINE_HEIGHT
    last = max(len(rows) + 2, 3) + 200  # room for rows a clerk adds
    ids = ",".join(i.id for i in plan.indicators)
    choose = DataValidation(type="list", formula1=f'"{ids}"', allow_blank=True)
    choose.error, choose.errorTitle = f"指標IDは {ids} のいずれかです", "指標ID"
    choose.add(f"A3:A{last}")
    number = DataValidation(type="decimal", operator="between", allow_blank=True)
    number.formula1, number.formula2 = "-1E+15", "1E+15"
    number.error, number.errorTitle = "数値を記入してください（単位は不要）", "実績値"
    letter = get_column_letter(VALUE_COLUMN + 1)
    number.add(f"{letter}3:{letter}{last}")
    tested = DataValidation(
        type="list", formula1=f'"{",".join(SIGNIFICANCE_CHOICES)}"', allow_blank=True
    )
    tested.error, tested.errorTitle = "改善・変化なし・悪化のいずれかです（空欄も可）", "有意差"
    letter = get_column_letter(SIGNIFICANCE_COLUMN + 1)
    tested.add(f"{letter}3:{letter}{last}")
    checked = DataValidation(type="list", formula1='"済"', allow_blank=True)
    checked.error, checked.errorTitle = "確かめた値には「済」か確かめた人の名前を記入します", "確認"
    letter = get_column_letter(CHECKED_COLUMN + 1)
    checked.add(f"{letter}3:{letter}{last}")
    for validation in (choose, number, tested, checked):
        sheet.add_data_validation(validation)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    # Printed for a clerk to fill in by hand: landscape, one page wide (names wrap).
    print_setup(sheet, "2:2", grid_lines=True, title_columns="A:B")  # no borders of its own
    # The instructions wrap within one portrait page: printed, no line is cut at the edge.
    notes = book.create_sheet("説明")
    notes.column_dimensions["A"].width = NOTE_WIDTH
    for number, line in enumerate(lines, 1):
        text_cell(notes.cell(number, 1), line).alignment = Alignment(wrap_text=True, vertical="top")
        notes.row_dimensions[number].height = LINE_HEIGHT * cell_lines(line, NOTE_WIDTH)
    print_setup(notes, portrait=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
