"""The report in a real browser: Chromium headless prints it to PDF and takes a screenshot.

Needs Debian's `chromium`, `fonts-noto-cjk` and `poppler-utils` (pdftotext, pdftoppm);
.ci/run installs them. Without them a local run skips with the reason, and with
KOURYU_REQUIRE_BROWSER=1 (set by .ci/run) the missing browser is a failure instead.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.test_report import EXAMPLE

SECTIONS = ["1. 評価の概要", "2. 指標ごとの評価", "3. 施策・事業と取組状況", "4. 評価の方法"]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120


def browser_tools() -> tuple[str, str, str] | str:
    """(browser, pdftotext, pdftoppm), or why they cannot be used."""
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    missing = [
        name
        for name, found in (("chromium", browser), ("pdftotext", pdftotext), ("pdftoppm", pdftoppm))
        if not found
    ]
    if missing:
        return (
            f"{', '.join(missing)} not installed (Debian: apt-get install chromium poppler-utils)"
        )
    assert browser
    assert pdftotext
    assert pdftoppm
    return browser, pdftotext, pdftoppm


@pytest.fixture(scope="module")
def tools() -> tuple[str, str, str]:
    found = browser_tools()
    if isinstance(found, str):
        if os.environ.get("KOURYU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KOURYU_REQUIRE_BROWSER=1 but {found}")
        pytest.skip(found)
    return found


# Headless Chromium as root, with no network: what every browser test starts it with.
HEADLESS = (
    "--headless",
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium(browser: str, profile: Path, page: Path, *args: str) -> list[str]:
    """Run headless Chromium on a local page; the lines it logged about the page's console.

    A page that fetches anything (the report's Content-Security-Policy blocks it), or that
    has any script at all, logs a console message: there must be none.
    """
    command = [
        browser,
        *HEADLESS,
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def rendered(
    tools: tuple[str, str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, list[str]]:
    """The report with the example actuals and answers: its PDF, a screenshot, console lines."""
    from typer.testing import CliRunner

    from kouryu_cli.cli import app

    folder = tmp_path_factory.mktemp("browser")
    page = folder / "評価報告_R6.html"
    result = CliRunner().invoke(app, [*EXAMPLE, "-o", str(page)])
    assert result.exit_code == 0, result.stderr
    browser = tools[0]
    pdf, png = folder / "report.pdf", folder / "first.png"
    console = chromium(
        browser, folder / "profile-pdf", page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}"
    )
    console += chromium(
        browser, folder / "profile-png", page, "--window-size=900,1270", f"--screenshot={png}"
    )
    return pdf, png, console


def pdf_pages(pdftotext: str, pdf: Path) -> list[str]:
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def test_chromium_logs_nothing_about_the_page(rendered: tuple[Path, Path, list[str]]) -> None:
    _, _, console = rendered
    assert console == []


def test_the_console_check_sees_a_blocked_fetch(
    tools: tuple[str, str, str], tmp_path: Path
) -> None:
    # The check above could pass by looking at nothing: show that it sees a fetch.
    page = tmp_path / "fetch.html"
    page.write_text(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '</head><body><img src="http://example.invalid/x.png" alt=""></body></html>',
        encoding="utf-8",
    )
    console = chromium(tools[0], tmp_path / "profile", page, "--dump-dom")
    assert any("Content Security Policy" in line for line in console)


def lines_of(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def test_pdf_has_the_sections_in_order_and_japanese_text(
    tools: tuple[str, str, str], rendered: tuple[Path, Path, list[str]]
) -> None:
    pages = pdf_pages(tools[1], rendered[0])
    assert len(pages) >= 8
    # Each major section starts a page: right under the title in the margin, its heading.
    starts = [
        next((n for n, page in enumerate(pages) if heading in lines_of(page)[1:2]), -1)
        for heading in SECTIONS
    ]
    assert -1 not in starts, starts
    assert starts == sorted(starts)
    assert starts[0] == 1  # the cover has a page of its own
    text = "\n".join(pages)
    for name in (
        "山陽小野田市",
        "地域とのつながりが強いと思う市民の割合",
        "福祉活動ボランティア団体登録数及び人数（団体数）",
        "社会教育推進事業",
        "民生委員・児童委員活動支援事業",
        "高齢福祉課",
        "所管課ごとの回答状況",
        "未回答の所管課",
        "健康日本21（第二次）最終評価報告書",
    ):
        assert name in text, name


@pytest.mark.parametrize(
    "word",
    [
        "一部実施",
        "改善して継続",
        "休止・廃止",
        "終了・廃止",
        "文化スポーツ推進課",
        "市民窓口課",
        "社会福祉課",
    ],
)
def test_table_words_are_printed_whole(
    tools: tuple[str, str, str], rendered: tuple[Path, Path, list[str]], word: str
) -> None:
    # A scale's term and a department's name on one line in every cell that holds it: the
    # PDF's text has the word whole at least as often as the page has such cells.
    html = (rendered[0].parent / "評価報告_R6.html").read_text(encoding="utf-8")
    cells = html.count(f">{word}<")
    assert cells > 0
    text = "\n".join(pdf_pages(tools[1], rendered[0]))
    assert text.count(word) >= cells


def test_no_page_is_blank_and_margins_carry_title_and_page_numbers(
    tools: tuple[str, str, str], rendered: tuple[Path, Path, list[str]]
) -> None:
    pages = pdf_pages(tools[1], rendered[0])
    total = len(pages)
    title = "山陽小野田市 第4分野「交流」 評価報告書 令和6年度（2024年度）"
    for number, page in enumerate(pages, 1):
        assert re.search(rf"\b{number} / {total}\b", page), f"page {number} has no page number"
        body = page.replace(title, "").replace(f"{number} / {total}", "")
        assert len(body.strip()) > 40, f"page {number} is blank"
        if number > 1:
            assert title in page, f"page {number} has no title in its margin"


def test_pdf_pages_are_a4(rendered: tuple[Path, Path, list[str]]) -> None:
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo is not None, "pdfinfo comes with pdftotext in poppler-utils"
    info = subprocess.run(
        [pdfinfo, str(rendered[0])], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match is not None
    width, height = float(match[1]), float(match[2])
    assert abs(width - 595.3) < 2
    assert abs(height - 841.9) < 2


def test_first_page_screenshot_is_not_blank(rendered: tuple[Path, Path, list[str]]) -> None:
    width, height, dark = png_ink(rendered[1])
    assert (width, height) == (900, 1270)
    # Text and rules: a real page has a few percent of non-white pixels; a blank one none.
    assert dark > 0.01 * width * height


def test_first_pdf_page_is_not_blank(
    tools: tuple[str, str, str], rendered: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    subprocess.run(
        [tools[2], "-f", "1", "-l", "1", "-r", "40", "-png", str(rendered[0]), str(tmp_path / "p")],
        check=True,
    )
    (image,) = tmp_path.glob("p*.png")
    width, height, dark = png_ink(image)
    assert dark > 0.005 * width * height


def png_ink(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of pixels darker than light grey, of an 8-bit PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    dark = 0
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        take = 3 if colour in (2, 6) else 1  # the colour channels, not alpha
        for x in range(width):
            if min(line[x * channels : x * channels + take]) < 200:
                dark += 1
        previous = line
    return width, height, dark


def test_png_ink_counts_dark_pixels(tmp_path: Path) -> None:
    # A 3×2 RGB image, one black pixel, written without filters: the decoder is right.
    rows = b"\x00" + b"\xff" * 9 + b"\x00" + b"\x00\x00\x00" + b"\xff" * 6

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / "t.png"
    path.write_bytes(png)
    assert png_ink(path) == (3, 2, 1)
