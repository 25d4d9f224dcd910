"""Every kind of workbook the tool writes prints on A4 landscape, one page wide.

LibreOffice (soffice --headless) converts each workbook to PDF, as a clerk's "print to PDF"
would; the page count and size are read back with pdfinfo. Skipped where they are absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run

EXAMPLE_CSV = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFINFO = shutil.which("pdfinfo")

pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(PDFINFO is None, reason="pdfinfo (poppler-utils) is not installed"),
]

# (file, command, most pages): before the print setup, measures took 7 pages, indicators 6.
WORKBOOKS = [
    ("measures.xlsx", ("measures", "--age", "65+"), 3),
    ("indicators.xlsx", ("indicators", "--actuals", EXAMPLE_CSV), 1),
    ("matrix.xlsx", ("matrix",), 1),
    ("dept.xlsx", ("dept",), 1),
    ("search.xlsx", ("search", "交流"), 3),
]


def test_each_workbook_prints_a4_landscape_one_page_wide(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    for name, args, _ in WORKBOOKS:
        assert run(*args, "-o", str(tmp_path / name)).exit_code == 0
    profile = tmp_path / "profile"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *(str(tmp_path / name) for name, _, _ in WORKBOOKS),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    for name, _, most in WORKBOOKS:
        info = subprocess.run(
            [str(PDFINFO), str(tmp_path / name.replace(".xlsx", ".pdf"))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
        assert 1 <= pages <= most, (name, pages)
        assert (round(width), round(height)) == (842, 595), name  # A4 landscape, in points
