"""Every kind of workbook the tool writes prints on A4, legibly, its numbers with separators.

LibreOffice (soffice --headless) converts each workbook to PDF, as a clerk's "print to PDF"
would; poppler reads the PDF back: pdfinfo the page count and size, pdftotext -bbox the box
of every printed word, whose height gives the printed type size. Without LibreOffice or
poppler the printing tests skip, and with KOURYU_REQUIRE_BROWSER=1 (set by .ci/run) they
fail instead. The number formats are read back with openpyxl, no printing needed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from typer.testing import CliRunner

from kouryu_cli.cli import app
from tests.conftest import Run
from tests.editions import edition, measure

EXAMPLE_CSV = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = {name: shutil.which(name) for name in ("pdfinfo", "pdftotext")}
SMALLEST = 8.0  # points: the smallest type a council member reads on paper

# (file, command, most pages): before the print setup, measures took 7 pages, indicators 6.
# Measures' long texts wrap to fit one page wide at 8 pt or more. The indicators workbook
# prints its summary on one page, then every column across pages.
WORKBOOKS = [
    ("measures.xlsx", ("measures", "--age", "65+"), 5),
    ("indicators.xlsx", ("indicators", "--actuals", EXAMPLE_CSV), 4),
    ("matrix.xlsx", ("matrix",), 1),
    ("dept.xlsx", ("dept",), 1),
    ("search.xlsx", ("search", "交流"), 3),
]
# Printed too, measured for their type size only: their layout is their own.
OTHERS = [
    ("all-measures.xlsx", ("measures",)),
    ("diff.xlsx", ("diff", "{old}", "{new}")),
    ("template.xlsx", ("actuals", "template")),
]
FORM_DEPARTMENT = "高齢福祉課"


def _rename(data: dict[str, Any]) -> None:
    measure(data, "1-1-01")["name"] = "生涯学習推進事業"


@dataclass(frozen=True)
class Word:
    """One word that pdftotext found, on its page, in points from the page's top left."""

    page: int
    text: str
    left: float
    top: float
    height: float
    right: float
    page_width: float


def words(pdf: Path) -> list[Word]:
    """Every printed word of a PDF with its box (pdftotext -bbox)."""
    found = subprocess.run(
        [str(POPPLER["pdftotext"]), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out: list[Word] = []
    for number, page in enumerate(found.split("<page ")[1:], 1):
        width = float(re.match(r'width="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        for match in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            left, top, right, bottom, text = match.groups()
            out.append(
                Word(
                    number,
                    text,
                    float(left),
                    float(top),
                    float(bottom) - float(top),
                    float(right),
                    width,
                )
            )
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The folder of printed workbooks, and the height of a word per point of type.

    A word's box is as tall as its font's ascent and descent, about 1.3 times the type
    size: the ratio is measured on a calibration workbook printed at 100 % in the same run.
    """
    missing = [name for name, path in (("soffice", SOFFICE), *POPPLER.items()) if path is None]
    if missing:
        why = (
            f"{', '.join(missing)} not installed"
            " (Debian: apt-get install libreoffice-calc poppler-utils)"
        )
        if os.environ.get("KOURYU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KOURYU_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    pytest.importorskip("openpyxl")
    from openpyxl import Workbook

    folder = tmp_path_factory.mktemp("printed")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        env.setenv("KOURYU_LANG", "en")
        env.delenv("KOURYU_DATA", raising=False)
        old = edition(folder, "r5.yaml")
        new = edition(folder, "r6.yaml", _rename)
        books = [(name, args) for name, args, _ in WORKBOOKS] + OTHERS
        for name, command in books:
            args = [a.format(old=old, new=new) for a in command]
            result = runner.invoke(app, [*args, "-o", str(folder / name)])
            assert result.exit_code in (0, 1), (name, result.output)
        forms = folder / "forms"
        result = runner.invoke(
            app, ["progress", "form", "--year", "R6", "--dept", FORM_DEPARTMENT, "-o", str(forms)]
        )
        assert result.exit_code == 0, result.output
        (form,) = forms.glob("*.xlsx")
        form.rename(folder / "form.xlsx")
    calibration = Workbook()
    calibration.active["A1"] = "指標 I1 146,828 人 (R2/2020)"  # the default type: 11 pt
    calibration.save(folder / "calibration.xlsx")
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(path) for path in sorted(folder.glob("*.xlsx"))),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    per_point = median(w.height for w in words(folder / "calibration.pdf")) / 11
    return folder, per_point


PRINTED_NAMES = [name for name, _, _ in WORKBOOKS] + [n for n, _ in OTHERS] + ["form.xlsx"]


@pytest.mark.parametrize("name", PRINTED_NAMES)
def test_every_printed_word_is_at_least_8_pt(printed: tuple[Path, float], name: str) -> None:
    folder, per_point = printed
    found = words(folder / name.replace(".xlsx", ".pdf"))
    assert found, name
    smallest = min(found, key=lambda w: w.height)
    size = smallest.height / per_point
    assert size >= SMALLEST - 0.05, (name, smallest.text, round(size, 1))


@pytest.mark.parametrize("name", PRINTED_NAMES)
def test_no_printed_word_runs_off_the_page(printed: tuple[Path, float], name: str) -> None:
    folder, _ = printed
    found = words(folder / name.replace(".xlsx", ".pdf"))
    cut = [(w.page, w.text) for w in found if w.right > w.page_width]
    assert cut == [], name


def test_each_workbook_prints_a4_landscape(printed: tuple[Path, float]) -> None:
    folder, _ = printed
    for name, _, most in WORKBOOKS:
        info = subprocess.run(
            [str(POPPLER["pdfinfo"]), str(folder / name.replace(".xlsx", ".pdf"))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
        assert 1 <= pages <= most, (name, pages)
        assert (round(width), round(height)) == (842, 595), name  # A4 landscape, in points


def test_the_actuals_form_prints_one_page_wide(printed: tuple[Path, float]) -> None:
    """Every page of the form's 実績値 sheet holds all its columns, 指標ID to 確認: a clerk
    writing by hand finds a row's 出典 and 確認 on the page of its year."""
    found = words(printed[0] / "template.pdf")
    pages = sorted({w.page for w in found})
    sheet = [p for p in pages if any(w.page == p and w.text == "指標ID" for w in found)]
    assert len(sheet) >= 2, pages  # the rows take several pages; 説明 follows
    for page in sheet:
        texts = {w.text for w in found if w.page == page}
        assert {"指標ID", "実績値", "出典", "有意差", "確認"} <= texts, page


def test_the_indicators_summary_is_one_page_and_every_page_names_its_rows(
    printed: tuple[Path, float],
) -> None:
    found = words(printed[0] / "indicators.pdf")
    pages = sorted({w.page for w in found})
    # The summary page holds the grades; the pages after it every column, across.
    first = [w.text for w in found if w.page == 1]
    assert "評価の意味" in first
    assert "基準値(数値)" not in first
    assert len(pages) >= 2
    for page in pages:
        texts = {w.text for w in found if w.page == page}
        assert {"ID", "I1", "I7"} <= texts, page  # the id column and the header row
        ids = [w for w in found if w.page == page and w.text == "I1"]
        assert min(w.left for w in ids) < 150, page  # at the left, as repeated titles are


# ------------------------------------------------------------------ number formats


def _sheets(run: Run, tmp_path: Path, *args: str) -> Any:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "book.xlsx"
    assert run(*args, "-o", str(path)).exit_code == 0
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))


def _column(sheet: Any, heading: str) -> list[Any]:
    """The cells below a heading (in the title row or the row under it)."""
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            if cell.value == heading:
                return [sheet.cell(r, cell.column) for r in range(cell.row + 1, sheet.max_row + 1)]
    raise AssertionError(f"no column {heading} in {sheet.title}")


def test_indicator_numbers_have_separators_and_their_decimals(run: Run, tmp_path: Path) -> None:
    book = _sheets(run, tmp_path, "indicators", "--actuals", EXAMPLE_CSV)
    full = book.worksheets[-1]
    cells = [c for c in _column(full, "基準値(数値)") if c.value is not None]
    formats = {c.value: c.number_format for c in cells}
    assert formats[146828] == "#,##0"
    assert formats[5480] == "#,##0"
    assert formats[25.6] == "#,##0.0"
    text = run("indicators", "--actuals", EXAMPLE_CSV, "-f", "markdown").stdout
    assert "| 2017 |" in text
    assert "2,017" not in text  # a year as text has no separator
    for heading in ("基準年度", "目標年度", "直近の実績の年度"):  # numbers shown as 2017
        years = [c for c in _column(full, heading) if c.value is not None]
        assert years
        assert all(isinstance(c.value, int) for c in years), heading
        assert {c.number_format for c in years} == {"General"}, heading
    for heading in ("目標値(数値)", "直近の実績(数値)", "変化(数値)", "進捗率(%)", "見込み(数値)"):
        for cell in _column(full, heading):
            if isinstance(cell.value, int):
                assert cell.number_format == "#,##0", (heading, cell.value)
            elif isinstance(cell.value, float):
                decimals = len(repr(cell.value).split(".")[1])
                assert cell.number_format == "#,##0." + "0" * decimals, (heading, cell.value)


def test_numbers_of_other_listings_have_separators(run: Run, tmp_path: Path) -> None:
    sheet = _sheets(run, tmp_path, "indicators", "--history").worksheets[0]
    numbers = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float)]
    assert numbers
    assert all(c.number_format.startswith("#,##0") for c in numbers)


def test_the_workbook_summary_first_then_every_column(run: Run, tmp_path: Path) -> None:
    book = _sheets(run, tmp_path, "indicators", "--actuals", EXAMPLE_CSV)
    summary, full = book.worksheets
    headings = [c.value for c in summary[2]]
    assert headings[:3] == ["ID", "指標", "内訳"]
    assert "評価" in headings
    assert len(headings) <= 12
    assert [c.value for c in full[2]][:3] == ["評価年度", "ID", "指標"]
    assert full.print_title_cols == "$B:$C"


@pytest.mark.parametrize(
    "args",
    [
        ("measures",),
        ("indicators", "--actuals", EXAMPLE_CSV),
        ("actuals", "template", "--as-of", "R7"),
        (
            "progress",
            "status",
            str(Path(__file__).parent / "fixtures" / "progress-R6-example.yaml"),
        ),
    ],
)
def test_headings_are_set_in_the_cells_own_face(
    run: Run, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A bold font without a name prints in LibreOffice's default face, a serif one."""
    book = _sheets(run, tmp_path, *args)
    bold = [c for s in book.worksheets for row in s.iter_rows() for c in row if c.font and c.font.b]
    assert bold
    assert {c.font.name for c in bold} == {"Calibri"}
