"""Hostile or odd text in the plan or the arguments: printed literally, never raw, never fatal."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.render import listing as render
from tests.conftest import Run
from tests.test_robust_files import MINIMAL

Write = Callable[[str, str], Path]

MARKUP_NAME = "[bold]太字[/] [link=https://evil.example]リンク[/link] :warning: [/]"
# Written as YAML double-quoted escapes: \e is ESC, \a is BEL; the OSC sequence sets a window title.
ESCAPES_YAML = r"\e[31m赤\e[0m\e]0;pwned\a\e[2J消去\x9b1m"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b")

LONG_NAME = "とても長い事業名" * 60
ODD_NAME = "👨‍👩‍👧 𠮷野家 ｺｳﾘｭｳ ｶﾞﾗｽ"


def hostile_plan(write: Write) -> Path:
    text = (
        MINIMAL.replace("name: 社会教育推進事業", f"name: '{MARKUP_NAME}'")
        .replace("description: 学習活動を充実させます。", f'description: "{ESCAPES_YAML}"')
        .replace("title: 講座開催の充実", 'title: "[red]節[/red] \\e]8;;http://x\\e\\\\link"')
    )
    return write("hostile.yaml", text)


def odd_plan(write: Write) -> Path:
    text = (
        MINIMAL.replace("name: 社会教育推進事業", f"name: {LONG_NAME}")
        .replace("name: 介護支援ボランティア活動事業", f"name: {ODD_NAME}")
        .replace("description: 学習活動を充実させます。", "description: ''")
    )
    return write("odd.yaml", text)


def assert_no_raw_controls(*texts: str) -> None:
    for text in texts:
        for char in RAW_CONTROLS:
            assert char not in text


def as_markdown_shows(text: str) -> str:
    """What a Markdown reader shows: a backslash escape is the character, &amp; is &."""
    return re.sub(r"\\(.)", r"\1", text).replace("&amp;", "&")


COMMANDS = [
    ("measures",),
    ("dept", "社会教育課"),
    ("search", "太字"),
    ("show", "1-1-01"),
    ("outline",),
    ("matrix",),
]


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        (command, fmt)
        for command in COMMANDS
        for fmt in ("table", "tsv", "markdown", "csv", "json")
        # show and outline are documents, not listings: no tsv or csv.
        if not (command[0] in ("show", "outline") and fmt in ("tsv", "csv"))
    ],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
def test_markup_and_escapes_in_the_data_print_literally(
    run: Run, write: Write, command: tuple[str, ...], fmt: str
) -> None:
    path = hostile_plan(write)
    result = run("--data", str(path), *command, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert_no_raw_controls(result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    if command[0] != "matrix":
        shown = {
            "json": lambda text: json.dumps(json.loads(text), ensure_ascii=False),
            "markdown": as_markdown_shows,
        }.get(fmt, str)(result.stdout)
        # Markdown escapes what it would interpret; markup and emoji codes are never run.
        assert "[bold]太字[/]" in shown
        assert ":warning:" in shown
        assert "⚠" not in shown
        assert "[link=https://evil.example]" in shown


@pytest.mark.parametrize("fmt", ["table", "tsv", "markdown", "csv"])
def test_escape_sequences_are_shown_escaped(run: Run, write: Write, fmt: str) -> None:
    result = run("--data", str(hostile_plan(write)), "measures", "-f", fmt)
    assert result.exit_code == 0
    # Markdown escapes the backslash itself, so that the escape shows as written.
    shown = as_markdown_shows(result.stdout) if fmt == "markdown" else result.stdout
    if fmt != "table":  # the table shows only the first columns; the text formats every one
        assert "\\x1b[31m赤\\x1b[0m\\x1b]0;pwned\\x07\\x1b[2J消去\\x9b1m" in shown
        assert "\\x1b]8;;http://x\\x1b\\link" in shown
    assert "[bold]太字[/] [link=https://evil.example]リンク[/link] :warning: [/]" in shown


def test_json_keeps_the_data_exact_but_escaped(run: Run, write: Write) -> None:
    result = run("--data", str(hostile_plan(write)), "show", "1-1-01", "-f", "json")
    assert result.exit_code == 0
    assert "\\u001b]0;pwned\\u0007" in result.stdout
    record = json.loads(result.stdout)
    assert record["name"] == MARKUP_NAME
    assert record["description"].startswith("\x1b[31m赤")


def test_markup_in_a_query_is_literal(run: Run, write: Write) -> None:
    path = hostile_plan(write)
    result = run("--data", str(path), "search", "[/]", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "「[/]」: 1 hit\n"
    missing = run("--data", str(path), "search", "[bold]nothing[/bold]")
    assert missing.exit_code == 1
    assert missing.stderr == "nothing matches 「[bold]nothing[/bold]」\n"


@pytest.mark.parametrize(
    "args",
    [
        ("search", "\x1b]0;pwned\x07"),
        ("search", "\x1b[2J"),
        ("measures", "--query", "\x1b[2J"),
        ("dept", "\x1b]0;pwned\x07"),
        ("show", "\x1b[2J\x07"),
        ("measures", "--age", "\x1b[2J"),
        ("measures", "--tag", "\x1b]0;t\x07"),
        ("measures", "--dept", "\x1b[31m"),
        ("measures", "-f", "\x1b[2J"),
        ("\x1b]0;pwned\x07",),
        ("measures", "--\x1b[2J"),
    ],
    ids=[
        "search-osc",
        "search-csi",
        "query",
        "dept",
        "show",
        "age",
        "tag",
        "dept-filter",
        "format",
        "command",
        "option",
    ],
)
def test_escape_sequences_in_arguments_never_reach_the_terminal(
    run: Run, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code in (1, 2), result.stderr
    assert result.stderr
    assert_no_raw_controls(result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("columns", ["20", "300"])
@pytest.mark.parametrize(
    "command",
    [("measures",), ("dept",), ("dept", "高齢"), ("show", "1-1-02"), ("outline",), ("matrix",)],
    ids="-".join,
)
def test_odd_text_renders_at_any_width(
    run: Run, write: Write, monkeypatch: pytest.MonkeyPatch, columns: str, command: tuple[str, ...]
) -> None:
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    result = run("--data", str(odd_plan(write)), *command, "-f", "table")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= int(columns)
    if command[0] == "show" and columns == "300":
        assert ODD_NAME in result.stdout


@pytest.mark.parametrize("columns", ["20", "300"])
def test_shipped_plan_tables_render_at_any_width(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", columns)
    for command in (("measures",), ("show", "2-1-07"), ("outline",), ("matrix",), ("dept",)):
        result = run(*command, "-f", "table")
        assert result.exit_code == 0, (command, result.stderr)
        assert max(cell_len(line) for line in result.stdout.splitlines()) <= int(columns)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "markdown", "json"])
def test_odd_text_survives_the_text_formats_exactly(run: Run, write: Write, fmt: str) -> None:
    result = run("--data", str(odd_plan(write)), "measures", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert LONG_NAME in result.stdout
    assert ODD_NAME in result.stdout


@pytest.mark.parametrize(
    ("cell", "tsv"),
    [
        ("a\tb", "a b"),
        ("a\nb", "a b"),
        ("a\r\nb", "a b"),
        ("\x1b[31m", "\\x1b[31m"),
        ("\x07", "\\x07"),
        ("\u202e", "\\u202e"),
        ("", ""),
        ("[bold]x[/]", "[bold]x[/]"),
        ("👨‍👩‍👧", "👨‍👩‍👧"),
    ],
)
def test_tsv_cells_are_one_line_without_controls(cell: str, tsv: str) -> None:
    listing = render.Listing.of(columns=("c",), rows=[(cell,)], records=[])
    assert render.to_plain(listing) == tsv + "\n"
    assert render.to_tsv(listing) == "c\n" + tsv + "\n"


@pytest.mark.parametrize(
    ("cell", "csv"),
    [
        ("a,b", '"a,b"'),
        ("a\nb", '"a\nb"'),
        ("\x1b]0;t\x07", "\\x1b]0;t\\x07"),
        ('say "hi"', '"say ""hi"""'),
    ],
)
def test_csv_cells_keep_line_breaks_but_not_controls(cell: str, csv: str) -> None:
    listing = render.Listing.of(columns=("c",), rows=[(cell,)], records=[])
    assert render.to_csv(listing) == f"c\r\n{csv}\r\n"
