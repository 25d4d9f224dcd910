"""A file that is no table, sent in place of one: each reader says what it is, in one line."""

from __future__ import annotations

import bz2
import io
import lzma
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Run


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


NOT_TABLES = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG picture"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG picture"),
    (b"GIF89a\x01\x00\x01\x00", "a GIF picture"),
    (b"II*\x00\x08\x00\x00\x00", "a TIFF picture (a scan)"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "a gzip-compressed file"),
    (bz2.compress(b"indicator,year,value\n" * 50), "a bzip2-compressed file"),
    (lzma.compress(b"indicator,year,value\n" * 50), "an xz-compressed file"),
    (
        zipped({"word/document.xml": "<w/>", "[Content_Types].xml": "<t/>"}),
        "a Word document (.docx)",
    ),
    (zipped({"実績値.csv": "indicator,year,value\n"}), "a zip archive"),
]


@pytest.mark.parametrize(("start", "what"), NOT_TABLES)
@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ""])
def test_a_file_that_is_no_table_is_called_what_it_is(
    run: Run, tmp_path: Path, start: bytes, what: str, suffix: str
) -> None:
    sent = tmp_path / f"高齢福祉課{suffix}"
    sent.write_bytes(start + bytes(range(256)) * 4)
    said = f"kouryu: {sent}: {what}, not a table: send the workbook (.xlsx) or a CSV file\n"
    for args in (
        ("actuals", "check", str(sent)),
        ("indicators", "--actuals", str(sent)),
        ("progress", "collect", str(sent), "--into", str(tmp_path / "R6.yaml")),
    ):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (3, said), args
    assert not (tmp_path / "R6.yaml").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n  \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n", b"\xff\xfe", b"\xff\xfe \x00\n\x00"],
)
def test_an_empty_file_is_said_to_be_empty(run: Run, tmp_path: Path, content: bytes) -> None:
    sent = tmp_path / "健康増進課.xlsx"
    sent.write_bytes(content)
    for args in (
        ("actuals", "check", str(sent)),
        ("progress", "collect", str(sent), "--into", str(tmp_path / "R6.yaml")),
    ):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (3, f"kouryu: {sent}: the file is empty\n")


def test_a_csv_that_starts_like_a_picture_name_is_still_a_table(run: Run, tmp_path: Path) -> None:
    """Only the bytes a picture or archive starts with count: GIF8 as text is a table's."""
    sent = tmp_path / "a.csv"
    sent.write_text("GIF8,年度,実績値\nI1,R6,27\n", encoding="utf-8")
    result = run("actuals", "check", str(sent))
    assert "not a table" not in result.stderr


@pytest.mark.parametrize(("start", "what"), NOT_TABLES[:6])
def test_a_file_that_is_no_text_given_for_yaml_is_called_what_it_is(
    run: Run, tmp_path: Path, start: bytes, what: str
) -> None:
    sent = tmp_path / "R6.yaml"
    sent.write_bytes(start + bytes(range(256)) * 4)
    checked = run("progress", "check", str(sent))
    assert (checked.exit_code, checked.stderr) == (
        3,
        f"kouryu: {sent}: {what}, not a progress file (進行管理): give the YAML file that "
        "progress collect writes (progress/R6.yaml)\n",
    )
    plan = run("--data", str(sent), "measures")
    assert (plan.exit_code, plan.stderr) == (3, f"kouryu: {sent}: {what}, not a YAML file\n")


def test_a_table_given_as_a_progress_file_is_not_quoted_whole(run: Run, tmp_path: Path) -> None:
    sent = tmp_path / "R6.csv"
    sent.write_text("indicator,year,value\n" + "I1,R6,30.5\n" * 200, encoding="utf-8")
    result = run("progress", "check", str(sent))
    assert result.exit_code == 3
    assert len(result.stderr) < 200
    assert "…'" in result.stderr


def test_standard_input_is_read_once_whichever_options_name_it(run: Run) -> None:
    for args in (("--actuals", "-", "--progress", "-"), ("--progress", "-", "--progress", "-")):
        result = run("report", "--as-of", "R6", *args, "-f", "markdown", input="x\n")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == "kouryu: standard input (-) can be read only once\n"
