"""Every terminal view at widths 40 to 300: what a user sees fits, and nothing is torn apart.

Each view is drawn as on a terminal (-f table, COLUMNS set) and checked for properties, not
against a snapshot: every line within the width (in cells: a Japanese character is two), no
id, grade or number split across lines, no column one character a line, the stacked layout
below the width where the table stops being readable, and every record present.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kouryu_cli.cli import app
from tests import edition_pairs
from tests.editions import edition
from tests.test_robust_io import KOURYU, environment

FIXTURES = Path(__file__).parent / "fixtures"
ACTUALS = str(FIXTURES / "actuals-example.csv")
PROGRESS = str(FIXTURES / "progress-R6-example.yaml")
WIDTHS = (40, 50, 60, 70, 80, 120, 300)
# Wide enough that nothing wraps: the whole tokens every narrower screen must keep whole.
REFERENCE_WIDTH = 1000

# An id (2-1-20, I3), an era year (Ｈ29/2017, R6), a number (5,480, 25.6) or a grade (B*).
TOKEN = re.compile(r"[A-Za-zＡ-Ｚ]?\d+(?:[-,./]\d+)*|B\*")
GRADE_WORDS = ("ベースラインのみ", "期限超過", "B*")
# Marks that may stand alone in a column, one a line.
MARKS = frozenset("○●◀▶—")

Keys = Callable[[Any], list[tuple[str, bool]]]  # JSON → (key, is an id) of every record


def ids(data: Any) -> list[tuple[str, bool]]:
    return [(record["id"], True) for record in data]


def departments(data: Any) -> list[tuple[str, bool]]:
    return [(record["department"], False) for record in data]


def count_keys(data: Any) -> list[tuple[str, bool]]:
    return [(record["key"], False) for record in data]


def outline_ids(data: Any) -> list[tuple[str, bool]]:
    measures = [m["id"] for p in data["policies"] for s in p["sections"] for m in s["measures"]]
    return [(i, True) for i in [*measures, *(i["id"] for i in data["indicators"])]]


def diff_ids(data: Any) -> list[tuple[str, bool]]:
    keys = []
    for part in ("measures", "indicators"):
        for kind in ("added", "removed", "changed"):
            keys += [(item["id"], True) for item in data[part][kind]]
    return keys


# name → (arguments, the records' keys from the same command's JSON, whether it is a table)
VIEWS: dict[str, tuple[tuple[str, ...], Keys, bool]] = {
    "measures": (("measures",), ids, True),
    "dept": (("dept",), departments, True),
    "dept-name": (("dept", "高齢"), ids, True),
    "search": (("search", "高齢"), ids, True),
    "show": (("show", "2-1-20"), lambda record: [(record["id"], True)], False),
    "outline": (("outline",), outline_ids, False),
    "matrix": (("matrix",), departments, True),
    "indicators": (("indicators", "--actuals", ACTUALS, "--as-of", "R7"), ids, True),
    "indicators-history": (("indicators", "--history", "--actuals", ACTUALS), ids, True),
    "diff": (("diff", "{old}", "{new}"), diff_ids, False),
    "actuals-check": (("actuals", "check", ACTUALS), ids, True),
    "progress-by-dept": (("progress", "status", PROGRESS, "--by", "dept"), count_keys, True),
    "progress": (("progress", "status", PROGRESS), ids, True),
    "progress-missing": (("progress", "status", PROGRESS, "--missing"), ids, True),
}


def _several_edits(data: dict[str, Any]) -> None:
    """Deleted, renumbered, renamed, rewritten, split and an indicator renumbered: every kind."""
    edition_pairs.delete_rename_renumber(data)
    edition_pairs.description_rewritten(data)
    edition_pairs.split(data)
    edition_pairs.indicator_renumbered_and_renamed(data)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("editions")
    return {
        "old": str(edition(folder, "old.yaml")),
        "new": str(edition(folder, "new.yaml", _several_edits)),
    }


@pytest.fixture(scope="module")
def draw(editions: dict[str, str]) -> Callable[..., str]:
    """The view as a terminal of that width shows it; JSON with fmt="json"."""
    cache: dict[tuple[str, int | str], str] = {}

    def run(view: str, width: int, fmt: str = "table") -> str:
        key = (view, width if fmt == "table" else fmt)
        if key not in cache:
            args = [a.format(**editions) for a in VIEWS[view][0]]
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("COLUMNS", str(width))
                patch.setenv("NO_COLOR", "1")
                result = CliRunner().invoke(app, [*args, "-f", fmt], prog_name="kouryu")
            # diff exits 1 when the editions differ, as they do here.
            assert result.exit_code == (1 if view == "diff" else 0), result.stderr
            cache[key] = result.stdout
        return cache[key]

    return run


def cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def is_stacked(lines: list[str]) -> bool:
    """A table has a rule under its headings; the stacked layout has none."""
    return not any(len(s) >= 10 and set(s) == {"─"} for s in (line.strip() for line in lines))


def one_character_columns(lines: list[str]) -> list[str]:
    """Three lines running with a lone character at the same column, not all the same one.

    A word torn one character a line shows so (し / ゃ / か); a column of units (人) does not.
    """
    found = []
    runs: dict[int, str] = {}  # column → the lone characters above, one a line
    for number, line in enumerate(lines):
        current: dict[int, str] = {}
        column = 0
        # Cells are apart by two spaces or more; a value and its unit (5,480 人) by one.
        for match in re.finditer(r"\S+(?: \S+)*| {2,}| ", line):
            piece = match.group()
            if len(piece) == 1 and not piece.isascii() and piece not in MARKS:
                current[column] = runs.get(column, "") + piece
                if len(current[column]) >= 3 and len(set(current[column])) > 1:
                    found.append(f"line {number}: {current[column]!r} at column {column}")
            column += cells(piece)
        runs = current
    return found


def token_lines(lines: list[str], key: str) -> int:
    """How many lines hold key whole (not as part of a longer id)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])")
    return sum(1 for line in lines if pattern.search(line))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", VIEWS)
def test_view_fits_and_keeps_everything_whole(
    draw: Callable[..., str], view: str, width: int
) -> None:
    lines = draw(view, width).splitlines()
    assert lines

    # Every line within the width, counted in cells.
    wide = [line for line in lines if cells(line) > width]
    assert not wide, wide[:3]

    # No id, number or era year torn apart: every one on the screen is one the widest
    # screen shows whole (2-1-2 / 0 leaves 2-1-2, which no wide screen shows).
    whole = set(TOKEN.findall(draw(view, REFERENCE_WIDTH)))
    torn = {token for line in lines for token in TOKEN.findall(line)} - whole
    assert not torn, torn

    # Grades never break: each one shown as many times as on the widest screen.
    reference = draw(view, REFERENCE_WIDTH)
    for word in GRADE_WORDS:
        assert sum(line.count(word) for line in lines) == reference.count(word), word

    # No column one character a line.
    assert not one_character_columns(lines)

    # Every record present: its id whole on a line, or its name starting a line.
    keys = Counter(VIEWS[view][1](json.loads(draw(view, width, "json"))))
    assert keys
    for (key, is_id), count in keys.items():
        if is_id:
            assert token_lines(lines, key) >= count, key
        else:
            assert sum(1 for line in lines if line.startswith(key[:4])) >= count, key


@pytest.mark.parametrize("view", [name for name, (_, _, table) in VIEWS.items() if table])
def test_tables_stack_below_the_width_where_they_stop_being_readable(
    draw: Callable[..., str], view: str
) -> None:
    stacked = [is_stacked(draw(view, width).splitlines()) for width in WIDTHS]
    # 所管課, ID and 事業名 alone make a readable table even at 40 columns.
    assert stacked[0] == (view != "progress-missing"), "a table at 40 columns"
    assert not stacked[-1], "stacked at 300 columns"
    # Once wide enough for the table, every wider screen shows the table.
    assert stacked == sorted(stacked, reverse=True)


def test_stacked_records_are_blocks_of_one_field_a_line(draw: Callable[..., str]) -> None:
    lines = draw("measures", 40).splitlines()
    start = lines.index("1-1-01 社会教育推進事業")
    block = lines[start : lines.index("", start)]
    assert block[1:] == [
        "  所管課    社会教育課",
        "  18歳未満  ○",
        "  18～64歳  ○",
        "  65歳以上  ○",
        "  アイコン  知守・食事・運動",
    ]


def test_the_indicator_table_keeps_ids_and_grades_in_their_columns(
    draw: Callable[..., str],
) -> None:
    # At 70 columns every id showed as I and 期限超過 wrapped as 期限超 / 過.
    for width in WIDTHS:
        text = draw("indicators", width)
        assert {f"I{n}" for n in range(1, 8)} <= set(re.findall(r"\bI\d\b", text))
        assert "期限超過" in text


def test_columns_left_out_for_width_are_named(draw: Callable[..., str]) -> None:
    """The indicators' 進捗率 and the rest drop out on a narrow screen: never in silence."""
    narrow, wide = draw("indicators", 80), draw("indicators", 200)
    assert "Not shown for want of width: " in " ".join(narrow.split())
    assert "進捗率" in " ".join(narrow.split()).split("Not shown for want of width: ")[1]
    assert "Not shown for want of width" not in wide


@pytest.mark.parametrize(
    ("columns", "width"), [("0", 80), ("abc", 80), ("-5", 80), ("", 80), ("50", 50)]
)
def test_an_unknown_width_counts_as_80(
    draw: Callable[..., str], monkeypatch: pytest.MonkeyPatch, columns: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = CliRunner().invoke(app, ["dept", "-f", "table"], prog_name="kouryu")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines
    assert max(cells(line) for line in lines) <= width
    assert result.stdout == draw("dept", width)


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1)")
@pytest.mark.parametrize(("columns", "width"), [("50", 50), ("0", 80), ("abc", 80)])
def test_in_a_real_terminal(columns: str, width: int) -> None:
    """script(1) gives kouryu a terminal of its own (of unknown size: no tty around it)."""
    command = f"COLUMNS={shlex.quote(columns)} {shlex.join([*KOURYU, 'measures'])}"
    result = subprocess.run(
        ["script", "-qc", command, os.devnull],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=environment(NO_COLOR="1", TERM="xterm", COLUMNS=None),
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    lines = result.stdout.decode().replace("\r\n", "\n").splitlines()
    lines = [line for line in lines if line != "49件"]  # the count, on stderr, shares the tty
    assert lines
    assert max(cells(line) for line in lines) <= width
    assert token_lines(lines, "2-1-20") == 1
    assert is_stacked(lines) == (width == 50)


@pytest.mark.parametrize(("columns", "width"), [("0", 120), ("abc", 120), ("60", 60)])
def test_a_file_is_as_wide_as_columns_or_120(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, columns: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    target = tmp_path / "view.txt"
    result = CliRunner().invoke(app, ["measures", "-o", str(target)], prog_name="kouryu")
    assert result.exit_code == 0, result.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert max(cells(line) for line in lines) <= width
    # measures needs 68 columns for a table: stacked at 60, a table filling 120.
    assert is_stacked(lines) is (width == 60)
    if width == 120:
        assert max(cells(line) for line in lines) == width
