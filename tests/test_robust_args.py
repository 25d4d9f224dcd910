"""Odd arguments: exit 2 with the valid values or the closest matches; odd queries handled."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest

from kouryu_cli import cli
from kouryu_cli.measures import query
from tests.conftest import Run

AGES = "0-17 (18歳未満, child), 18-64 (18～64歳, adult), 65+ (65歳以上, senior)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("measures", "--age", "70+"),
            f"--age: unknown age group '70+' (expected {AGES})",
        ),
        (
            ("measures", "--age", ""),
            f"--age: unknown age group '' (expected {AGES})",
        ),
        (
            ("measures", "--tag", "歌"),
            "--tag: unknown icon '歌' (expected 知守, 食事, 運動)",
        ),
        (
            ("measures", "--policy", "9"),
            "--policy: no policy 9 (expected 1, 2, 3)",
        ),
        (
            ("measures", "--policy", "x"),
            "--policy: 'x' is not a whole number",
        ),
        (
            ("measures", "--only-age"),
            "--only-age: needs at least one --age",
        ),
        (("search", ""), "give at least one word to search for"),
        (
            ("search", " \u3000\t"),
            "give at least one word to search for",
        ),
        (("nosuch",), "no such command: nosuch (kouryu --help lists them)"),
    ],
    ids=[
        "age",
        "empty-age",
        "icon",
        "policy",
        "policy-not-a-number",
        "only-age-alone",
        "empty-search",
        "blank-search",
        "command",
    ],
)
def test_usage_errors_are_one_line_naming_the_valid_values(
    run: Run, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"kouryu: {message}\n"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("measures", "-f", "xml"),
            "measures cannot write xml; it writes table, json, csv, tsv, markdown, xlsx, "
            ".txt, .json, .csv, .tsv, .md, .xlsx",
        ),
        (
            ("outline", "-f", "csv"),
            "outline cannot write csv; it writes table, json, markdown, .txt, .json, .md",
        ),
        (
            ("show", "1-1-01", "-o", "x.svg"),
            "show cannot write .svg; it writes table, json, markdown, .txt, .json, .md",
        ),
        (("matrix", "-f", "csv", "-o", "x.xlsx"), "--format csv contradicts x.xlsx: .xlsx is xlsx"),
        (
            ("measures", "--dept", "福祉課X"),
            "--dept: no department matches '福祉課X'. "
            "Did you mean 高齢福祉課 or 障害福祉課 or 社会福祉課?",
        ),
        (("measures", "--dept", ""), "--dept: empty department name"),
        (("measures", "--dept", "   "), "--dept: empty department name"),
        (("dept", ""), "empty department name"),
        (("dept", "福祉"), "'福祉' matches 3 departments: 高齢福祉課、障害福祉課、社会福祉課"),
        (("show", "9-9-99"), "no measure '9-9-99'. Did you mean 3-1-09 or 2-1-19 or 2-1-09?"),
    ],
    ids=[
        "format",
        "outline-format",
        "show-format",
        "format-contradicts-suffix",
        "dept-filter",
        "empty-dept-filter",
        "blank-dept-filter",
        "empty-dept",
        "ambiguous-dept",
        "measure",
    ],
)
def test_library_usage_errors_are_one_line(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"kouryu: {message}\n"


def test_unknown_department_lists_the_known_ones(run: Run) -> None:
    result = run("dept", "存在しない課")
    assert result.exit_code == 2
    assert result.stderr.startswith("kouryu: no department '存在しない課'. Known: 社会教育課、")
    assert result.stderr.count("\n") == 1


def test_an_unknown_format_fails_before_any_note(run: Run) -> None:
    for args in (("measures", "-f", "xml"), ("search", "交流", "-f", "xml")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"kouryu: {args[0]} cannot write xml;")


@pytest.mark.parametrize("query_text", ["", " ", "\u3000\u3000", "\t\n"])
def test_an_empty_or_blank_query_is_a_usage_error(run: Run, query_text: str) -> None:
    """A script passing an empty variable must not get the whole plan: as search '' does."""
    result = run("measures", "--query", query_text, "-f", "tsv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "kouryu: --query: give at least one word to search for\n"


@pytest.mark.parametrize(
    "args",
    [
        ("search", "あ" * 10_000),
        ("search", "交流 " * 3_000),
        ("measures", "--query", "x" * 10_000),
        ("dept", "課" * 10_000),
        ("show", "1" * 10_000),
        ("measures", "--dept", "福祉" * 5_000),
        ("measures", "--age", "6" * 10_000),
    ],
    ids=["search", "many-words", "query", "dept", "show", "dept-filter", "age"],
)
def test_10000_character_arguments(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


def test_many_identical_words_match_like_one(run: Run) -> None:
    one = run("search", "交流", "-f", "json")
    many = run("search", *(["交流"] * 500), "-f", "json")
    assert one.exit_code == many.exit_code == 0
    assert one.stdout == many.stdout


# --- unexpected errors, through main() -----------------------------------------------------


@pytest.fixture
def sigint_restored() -> Iterator[None]:
    """main() installs its own SIGINT handler; put pytest's back."""
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["kouryu", *args])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    code = caught.value.code
    return code if isinstance(code, int) else 0 if code is None else 1


def boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


@pytest.mark.usefixtures("sigint_restored")
def test_an_internal_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(query, "filter_measures", boom)
    assert run_main(monkeypatch, "measures") == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "kouryu: internal error; please report it with the command you ran "
        "(KOURYU_DEBUG=1 shows the details)\n"
    )


@pytest.mark.usefixtures("sigint_restored")
def test_kouryu_debug_shows_the_traceback_without_locals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(query, "filter_measures", boom)
    monkeypatch.setenv("KOURYU_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["kouryu", "measures"])
    with pytest.raises(RuntimeError, match="boom") as caught:
        cli.main()
    # The exception reaches Python's own handler untouched: no Rich frame with locals.
    assert caught.value.__traceback__ is not None
    assert cli.app.pretty_exceptions_enable is False
    assert cli.app.pretty_exceptions_show_locals is False


@pytest.mark.usefixtures("sigint_restored")
def test_expected_failures_through_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, "dept", "存在しない課") == 2
    assert capsys.readouterr().err.startswith("kouryu: no department '存在しない課'.")
    assert run_main(monkeypatch, "--data", "/nonexistent/plan.yaml", "measures") == 3
    assert capsys.readouterr().err == "kouryu: /nonexistent/plan.yaml: no such file\n"
    assert run_main(monkeypatch, "measures", "--age", "65+", "-f", "json") == 0
    assert capsys.readouterr().out.startswith("[\n")


BOOM_SCRIPT = """
import sys
from kouryu_cli.measures import query

def boom(*_args, **_kwargs):
    secret_local = "must never be shown"
    raise RuntimeError("boom")

query.filter_measures = boom
sys.argv = ["kouryu", "measures"]
from kouryu_cli.cli import main
main()
"""


@pytest.mark.parametrize("debug", [None, "1"], ids=["plain", "KOURYU_DEBUG"])
def test_internal_error_in_a_real_process(debug: str | None) -> None:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "KOURYU_DEBUG"}
    if debug:
        env["KOURYU_DEBUG"] = debug
    result = subprocess.run(
        [sys.executable, "-c", BOOM_SCRIPT], capture_output=True, text=True, env=env, check=False
    )
    assert result.stdout == ""
    assert "secret_local" not in result.stderr
    assert "must never be shown" not in result.stderr
    assert "╭" not in result.stderr  # no Rich traceback panel
    if debug:
        assert result.returncode == 1
        assert result.stderr.startswith("Traceback (most recent call last):")
        assert result.stderr.endswith("RuntimeError: boom\n")
    else:
        assert result.returncode == 70
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
