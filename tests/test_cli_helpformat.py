"""Help wrapped by display width: Japanese characters take two columns."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kouryu_cli.cli.helpformat import fill, wrap
from kouryu_cli.render.textwidth import width

SENTENCE = "FILE に書く（一度に置き換える。リンクはたどり、パイプには書き込む。- は標準出力）。"


@pytest.mark.parametrize(
    ("text", "columns"),
    [("abc", 3), ("所管課", 6), ("所管課 abc", 10), ("ｱｲｳ", 3), ("", 0), ("65歳以上", 8)],
)
def test_width_counts_wide_characters_twice(text: str, columns: int) -> None:
    assert width(text) == columns


@pytest.mark.parametrize("columns", [10, 11, 20, 21, 40, 79, 80])
def test_no_line_is_wider_than_asked_and_nothing_is_lost(columns: int) -> None:
    lines = fill(SENTENCE, columns, "  ", "  ").splitlines()
    assert all(width(line) <= columns for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == SENTENCE.replace(" ", "")


@pytest.mark.parametrize("columns", range(8, 40))
def test_no_line_starts_with_a_closing_mark(columns: int) -> None:
    lines = fill(SENTENCE, columns).splitlines()
    assert not any(line.strip()[:1] in "、。）」" for line in lines[1:])
    assert not any(line.rstrip()[-1:] in "（「" for line in lines)


def test_english_words_are_never_broken() -> None:
    lines = fill("Write to FILE (replaced atomically; a link is followed)", 12).splitlines()
    assert lines == ["Write to", "FILE", "(replaced", "atomically;", "a link is", "followed)"]


def test_a_paragraph_of_japanese_lines_joins_without_a_space() -> None:
    assert wrap("所管課の\n事業", 80) == "所管課の事業"
    assert wrap("the\nplan", 80) == "the plan"


def test_a_no_rewrap_block_stays_as_written() -> None:
    text = "例:\n\n\b\n    kouryu dept 高齢福祉課\n    kouryu dept"
    assert wrap(text, 10, "  ", "  ") == "  例:\n\n      kouryu dept 高齢福祉課\n      kouryu dept"


@pytest.mark.parametrize("columns", [50, 60, 80, 120])
def test_japanese_help_fits_the_terminal(columns: int) -> None:
    env = {**os.environ, "KOURYU_LANG": "ja", "COLUMNS": str(columns), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "kouryu_cli", "measures", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    too_wide = [line for line in lines if width(line) > max(columns, 50)]
    # Only example command lines (written as they are typed) may be longer.
    assert all(line.lstrip().startswith("kouryu ") for line in too_wide), too_wide
    assert max(width(line) for line in lines) > min(columns, 80) - 10  # the width is used
