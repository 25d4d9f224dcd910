"""The output layer: one format resolution, writes that never lose a file, formulas kept inert.

Each case of the issue "One output layer you can trust" has a test here. FIFOs, links and
device nodes are made in a temporary folder; the real /dev nodes are never touched.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.render.listing import Listing, guard_formula, to_csv, to_tsv
from tests.conftest import SHIPPED, Run
from tests.test_robust_io import KOURYU, environment

EXAMPLE_CSV = str(Path(__file__).parent / "fixtures" / "actuals-example.csv")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def kouryu(
    *args: str, stdout: object = subprocess.PIPE, stderr: object = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    """The real process (file descriptors matter here), with the test environment."""
    return subprocess.run(
        [*KOURYU, *args],
        env=environment(),
        stdout=stdout,  # type: ignore[arg-type]
        stderr=stderr,  # type: ignore[arg-type]
        check=False,
        timeout=60,
    )


# Writing through what the user named -------------------------------------------------------


def test_a_symlink_is_followed_and_stays_a_link(run: Run, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "measures.csv"
    shared.parent.mkdir()
    shared.write_text("old\n", encoding="utf-8")
    shared.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(Path("shared") / "measures.csv")  # relative, as people make them
    assert run("measures", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert link.readlink() == Path("shared") / "measures.csv"
    assert shared.read_bytes().startswith(b"\xef\xbb\xbfID,")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert sorted(p.name for p in shared.parent.iterdir()) == ["measures.csv"]


def test_a_dangling_symlink_creates_its_target(run: Run, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("target.json")
    assert run("measures", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert len(json.loads((tmp_path / "target.json").read_text(encoding="utf-8"))) == 49


def test_a_fifo_is_written_into_not_replaced(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("measures", "-f", "json", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(json.loads(received[0])) == 49


def test_a_fifo_without_a_suffix_needs_a_format(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run("measures", "-o", str(fifo))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kouryu: cannot tell the format of {fifo} from its suffix")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not ROOT, reason="mknod needs root")
def test_a_character_device_is_written_into_not_replaced(run: Run, tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run("measures", "-f", "csv", "-o", str(null))
    assert result.exit_code == 0
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(1, 3)


@pytest.mark.skipif(not ROOT, reason="mknod needs root")
def test_a_full_device_is_exit_74_naming_it(run: Run, tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    result = run("measures", "-f", "csv", "-o", str(full))
    assert result.exit_code == 74
    assert result.stderr.endswith(f"kouryu: cannot write output: {full}: No space left on device\n")
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_descriptor_path_writes_into_the_open_stream(tmp_path: Path) -> None:
    """-o /dev/stdout (here a link to /proc/self/fd/1) writes into stdout, not over its file."""
    stdout_link = tmp_path / "stdout"
    stdout_link.symlink_to("/proc/self/fd/1")
    captured = tmp_path / "captured.json"
    with captured.open("wb") as sink:
        before = os.fstat(sink.fileno()).st_ino
        result = kouryu("measures", "-f", "json", "-o", str(stdout_link), stdout=sink)
    assert result.returncode == 0, result.stderr
    assert captured.stat().st_ino == before  # the same file: written into, not replaced
    assert len(json.loads(captured.read_text(encoding="utf-8"))) == 49


def test_a_folder_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("measures", "-f", "csv", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"kouryu: {tmp_path} is a folder; -o needs a file\n"


def test_a_new_file_gets_the_umask(run: Run, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert run("measures", "-o", str(tmp_path / "new.csv")).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


@pytest.mark.parametrize("error", [PermissionError(13, "Permission denied"), OSError(16, "busy")])
def test_a_file_that_cannot_be_replaced_stays_intact(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    """A read-only folder, or a file Excel holds open on Windows: exit 74, the old file kept."""
    target = tmp_path / "held.csv"
    target.write_text("yesterday\n", encoding="utf-8")

    def refuse(*_args: object) -> None:
        raise error

    monkeypatch.setattr(Path, "replace", refuse)
    result = run("measures", "-o", str(target))
    assert result.exit_code == 74
    assert result.stderr.endswith(f"kouryu: cannot write output: {target}: {error.strerror}\n")
    assert target.read_text(encoding="utf-8") == "yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == ["held.csv"]


# Never overwrite an input -----------------------------------------------------------------


def test_the_actuals_file_is_never_the_output(run: Run, tmp_path: Path) -> None:
    actuals = tmp_path / "実績値.csv"
    actuals.write_bytes(Path(EXAMPLE_CSV).read_bytes())
    alias = tmp_path / "same.csv"
    alias.symlink_to(actuals.name)
    hard = tmp_path / "hard.csv"
    os.link(actuals, hard)
    for target in (actuals, alias, hard):
        result = run("indicators", "--actuals", str(actuals), "-o", str(target))
        assert result.exit_code == 2
        assert f"is the input file {actuals}" in result.stderr
    assert actuals.read_bytes() == Path(EXAMPLE_CSV).read_bytes()


def test_the_file_behind_standard_input_is_never_the_output(tmp_path: Path) -> None:
    """`--actuals - < x.csv -o x.csv` would replace the figures it is reading."""
    actuals = tmp_path / "実績値.csv"
    actuals.write_bytes(Path(EXAMPLE_CSV).read_bytes())
    for command in (("indicators", "--actuals", "-"), ("actuals", "check", "-")):
        with actuals.open("rb") as stdin:
            result = subprocess.run(
                [*KOURYU, *command, "-f", "csv", "-o", str(actuals)],
                env=environment(),
                stdin=stdin,
                capture_output=True,
                check=False,
                timeout=60,
            )
        assert result.returncode == 2, command
        assert result.stderr.decode() == (
            f"kouryu: -o {actuals} is the file read from standard input; "
            "choose another output file\n"
        )
        assert actuals.read_bytes() == Path(EXAMPLE_CSV).read_bytes()
    with actuals.open("rb") as stdin:
        other = subprocess.run(
            [*KOURYU, "indicators", "--actuals", "-", "-f", "csv", "-o", str(tmp_path / "o.csv")],
            env=environment(),
            stdin=stdin,
            capture_output=True,
            check=False,
            timeout=60,
        )
    assert other.returncode == 0, other.stderr


@pytest.mark.parametrize("fmt", ["json", "markdown", "table"])
def test_encoding_is_for_csv_and_tsv_only(run: Run, tmp_path: Path, fmt: str) -> None:
    """JSON is UTF-8 by its RFC; --encoding cp932 would have written a file no reader takes."""
    target = tmp_path / "out"
    result = run("measures", "-f", fmt, "--encoding", "cp932", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"kouryu: --encoding is for CSV and TSV; {fmt} is always UTF-8\n"
    assert not target.exists()
    for fine in ("csv", "tsv"):
        written = run("measures", "-f", fine, "--encoding", "cp932", "-o", str(target))
        assert written.exit_code == 0
        assert "社会教育推進事業" in target.read_bytes().decode("cp932")


def test_the_plan_file_is_never_the_output(run: Run, tmp_path: Path) -> None:
    plan = tmp_path / "my.yaml"
    plan.write_bytes(SHIPPED.read_bytes())
    for args in (
        ("measures", "-f", "json"),
        ("outline", "-f", "markdown"),
        ("matrix", "-f", "csv"),
    ):
        result = run("--data", str(plan), *args, "-o", str(plan))
        assert result.exit_code == 2, args
        assert result.stderr == (
            f"kouryu: -o {plan} is the input file {plan}; choose another output file\n"
        )
    assert plan.read_bytes() == SHIPPED.read_bytes()


def test_a_diff_input_is_never_the_output(run: Run, tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_bytes(SHIPPED.read_bytes())
    result = run("diff", str(SHIPPED), str(new), "-f", "json", "-o", str(new))
    assert result.exit_code == 2
    assert new.read_bytes() == SHIPPED.read_bytes()


# One resolution ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("show", "2-1-07", "-o", "x.xlsx"),
            "show cannot write .xlsx; it writes table, json, markdown, .txt, .json, .md",
        ),
        (
            ("outline", "-o", "t.csv"),
            "outline cannot write .csv; it writes table, json, markdown, .txt, .json, .md",
        ),
        (
            ("measures", "-o", "x.svg"),
            "measures cannot write .svg; it writes table, json, csv, tsv, markdown, xlsx, "
            ".txt, .json, .csv, .tsv, .md, .xlsx",
        ),
        (
            ("measures", "-f", "csv", "-o", "x.xlsx"),
            "--format csv contradicts x.xlsx: .xlsx is xlsx",
        ),
        (("measures", "-f", "xlsx", "-o", "x.csv"), "--format xlsx contradicts x.csv: .csv is csv"),
        (
            ("measures", "-o", "x.yaml"),
            "cannot tell the format of x.yaml from its suffix; add --format "
            "(measures writes table, json, csv, tsv, markdown, xlsx)",
        ),
        (
            ("matrix", "-o", "noext"),
            "cannot tell the format of noext from its suffix; add --format "
            "(matrix writes table, json, csv, tsv, markdown, xlsx)",
        ),
        (("indicators", "-f", "html"), "indicators cannot write html; it writes table, json"),
    ],
)
def test_an_impossible_request_exits_2_naming_what_is_possible(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"kouryu: {message}")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_an_unknown_suffix_with_a_format_writes_that_format(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "export.dat"
    assert run("measures", "-f", "csv", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfID,")


def test_dash_is_stdout(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("measures", "-f", "json", "-o", "-")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 49
    assert not (tmp_path / "-").exists()


def test_the_suffix_picks_the_format_of_a_document(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "交流.md"
    assert run("outline", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 4 交流\n")


# No stale results ---------------------------------------------------------------------------


HEADER = "ID,事業名,所管課,18歳未満,18～64歳,65歳以上,アイコン,施策,取組,説明"
HEADERS_ONLY = "nothing matched; wrote the headers only"


@pytest.mark.parametrize(
    ("name", "expected", "said"),
    [
        ("old.csv", f"\ufeff{HEADER}\r\n", HEADERS_ONLY),
        ("old.tsv", HEADER.replace(",", "\t") + "\n", HEADERS_ONLY),
        ("old.md", f"| {HEADER.replace(',', ' | ')} |\n" + "| --- " * 10 + "|\n", HEADERS_ONLY),
        ("old.json", "[]\n", "nothing matched; wrote an empty list"),
        ("old.txt", "", "nothing matched; wrote an empty file"),
    ],
)
def test_nothing_found_still_replaces_the_file_and_says_with_what(
    run: Run, tmp_path: Path, name: str, expected: str, said: str
) -> None:
    target = tmp_path / name
    target.write_text("yesterday's result\n", encoding="utf-8")
    result = run("measures", "--query", "存在しない語句", "-o", str(target))
    assert result.exit_code == 1
    assert target.read_bytes().decode("utf-8") == expected
    assert result.stderr.splitlines()[-1] == f"{target}: {said}"


def test_nothing_found_in_a_workbook_leaves_its_title_and_header(run: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "old.xlsx"
    result = run("measures", "--query", "存在しない語句", "-o", str(target))
    assert result.exit_code == 1
    rows = list(load_workbook(target).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert [len(rows), rows[1]] == [2, tuple(HEADER.split(","))]
    assert result.stderr.splitlines()[-1] == f"{target}: {HEADERS_ONLY}"


def test_nothing_found_in_json_on_stdout_is_an_empty_array(run: Run) -> None:
    result = run("search", "存在しない語句", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


# Spreadsheet formulas -----------------------------------------------------------------------


HOSTILE_NAME = "=1+1"
HOSTILE_TEXT = '=HYPERLINK("http://example.invalid","詳しくはこちら")'


@pytest.fixture
def hostile_plan(tmp_path: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("name: 社会教育推進事業", f"name: '{HOSTILE_NAME}'", 1)
    text = text.replace(
        "description: 各地域交流センター等での学習活動を充実させ、"
        "「学び」を通じて「人づくり」を行います。",
        f"description: '{HOSTILE_TEXT}'",
        1,
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_xlsx_text_is_never_a_formula(run: Run, tmp_path: Path, hostile_plan: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "m.xlsx"
    assert run("--data", str(hostile_plan), "measures", "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    name, description = sheet["B3"], sheet["J3"]
    assert (name.value, name.data_type) == (HOSTILE_NAME, "s")
    assert (description.value, description.data_type) == (HOSTILE_TEXT, "s")


def test_csv_and_tsv_guard_formulas_unless_raw(run: Run, hostile_plan: Path) -> None:
    for fmt in ("csv", "tsv"):
        guarded = run("--data", str(hostile_plan), "measures", "-f", fmt).stdout
        assert f"'{HOSTILE_NAME}" in guarded
        raw = run("--data", str(hostile_plan), "measures", "-f", fmt, "--raw").stdout
        assert f"'{HOSTILE_NAME}" not in raw
        assert HOSTILE_NAME in raw
    as_json = json.loads(run("--data", str(hostile_plan), "measures", "-f", "json").stdout)
    assert as_json[0]["name"] == HOSTILE_NAME
    markdown = run("--data", str(hostile_plan), "measures", "-f", "markdown").stdout
    assert f"| {HOSTILE_NAME} |" in markdown


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+19 団体", "'+19 団体"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.5", "-0.5"),  # a number, not a formula
        ("-12", "-12"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_guard_formula(text: str, guarded: str) -> None:
    assert guard_formula(text) == guarded


def test_numbers_are_never_guarded() -> None:
    listing = Listing.of(("n", "t"), [(-0.5, "-x"), (-3, "=a")], [], numeric=frozenset({0}))
    assert to_csv(listing).splitlines()[1:] == ["-0.5,'-x", "-3,'=a"]
    assert to_tsv(listing).splitlines()[1:] == ["-0.5\t'-x", "-3\t'=a"]


# Streams ------------------------------------------------------------------------------------


def test_closed_stdout_is_exit_74_without_traceback() -> None:
    closed = subprocess.run(
        ["sh", "-c", '"$@" >&-', "sh", *KOURYU, "measures"],
        env=environment(),
        stderr=subprocess.PIPE,
        check=False,
        timeout=60,
    )
    assert closed.returncode == 74
    assert closed.stderr.decode().endswith(
        "kouryu: cannot write output: standard output is closed\n"
    )
    assert b"Traceback" not in closed.stderr


@pytest.mark.skipif(not ROOT, reason="mknod needs root")
def test_full_stdout_is_exit_74(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    with full.open("wb") as sink:
        result = kouryu("measures", stdout=sink)
    assert result.returncode == 74
    assert result.stderr.decode() == "kouryu: cannot write output: No space left on device\n"


def test_read_only_stdout_is_exit_74(tmp_path: Path) -> None:
    existing = tmp_path / "read-only"
    existing.write_text("", encoding="utf-8")
    with existing.open("rb") as sink:  # like 1</dev/null
        result = kouryu("measures", stdout=sink)
    assert result.returncode == 74
    assert result.stderr.decode().endswith("kouryu: cannot write output: Bad file descriptor\n")


@pytest.mark.parametrize("stderr", ["closed", "read-only"])
def test_a_closed_or_broken_stderr_never_changes_stdout(tmp_path: Path, stderr: str) -> None:
    expected = kouryu("measures", "--age", "65+")
    assert expected.returncode == 0
    if stderr == "closed":
        command = ["sh", "-c", '"$@" 2>&-', "sh", *KOURYU, "measures", "--age", "65+"]
        result = subprocess.run(
            command, env=environment(), capture_output=True, check=False, timeout=60
        )
    else:
        broken = tmp_path / "err"
        broken.write_text("", encoding="utf-8")
        with broken.open("rb") as sink:
            result = kouryu("measures", "--age", "65+", stderr=sink)
    assert result.returncode == 0
    assert result.stdout == expected.stdout
    assert len(result.stdout.splitlines()) == 40


def test_a_count_line_follows_only_a_written_output() -> None:
    for args in (("measures",), ("dept",), ("dept", "高齢"), ("search", "認知症"), ("indicators",)):
        closed = subprocess.run(
            ["sh", "-c", '"$@" >&-', "sh", *KOURYU, *args],
            env=environment(),
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
        assert closed.returncode == 74
        assert closed.stderr == b"kouryu: cannot write output: standard output is closed\n", args


def test_a_count_line_follows_a_written_output(run: Run) -> None:
    result = run("measures", "--age", "65+", "-f", "json")
    assert len(json.loads(result.stdout)) == 40
    assert result.stderr == "conditions: 65歳以上 / 40 measures\n"


# Messages -----------------------------------------------------------------------------------


def test_a_folder_without_a_format_is_said_to_be_a_folder(run: Run, tmp_path: Path) -> None:
    result = run("measures", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"kouryu: {tmp_path} is a folder; -o needs a file\n"


@pytest.mark.parametrize("typed", sorted({"zz.csv/", f"zz.csv{os.sep}", "new-folder/"}))
def test_a_path_ending_in_a_separator_names_a_folder(typed: str) -> None:
    from kouryu_cli.cli import output
    from kouryu_cli.core.errors import UsageError

    with pytest.raises(UsageError) as caught:
        output.resolve("measures", ("table", "csv"), None, typed)
    assert str(caught.value) == f"{typed} is a folder; -o needs a file"


def test_o_ending_in_a_slash_is_refused(run: Run, tmp_path: Path) -> None:
    result = run("measures", "-o", f"{tmp_path / 'zz.csv'}/")
    assert (result.exit_code, result.stderr) == (
        2,
        f"kouryu: {tmp_path / 'zz.csv'}/ is a folder; -o needs a file\n",
    )
    assert not (tmp_path / "zz.csv").exists()


def test_one_measure_is_singular(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    result = run("progress", "form", "-y", "R6", "-d", "商工労働課", "-o", str(tmp_path / "f"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip("\n").split("\t")[1:] == ["商工労働課", "1 measure"]
    assert run("dept", "商工労働課").stderr == "所管課: 商工労働課 / 1 measure\n"


def _output_commands() -> list[tuple[str, ...]]:
    """Every command (and subcommand) that writes its result to stdout or -o FILE."""
    import typer
    import typer.main
    from typer.core import TyperGroup

    from kouryu_cli.cli import app

    found: list[tuple[str, ...]] = []

    def walk(command: Any, names: tuple[str, ...], ctx: typer.Context) -> None:
        if isinstance(command, TyperGroup):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk(sub, (*names, name), typer.Context(sub, parent=ctx, info_name=name))
        elif any("--output" in p.opts and p.metavar == "FILE" for p in command.params):
            found.append(names)

    root = typer.main.get_command(app)
    walk(root, (), typer.Context(root, info_name="kouryu"))
    return found


@pytest.mark.parametrize("command", _output_commands(), ids=" ".join)
def test_text_options_are_offered_where_csv_or_tsv_is_written(
    run: Run, command: tuple[str, ...]
) -> None:
    shown = run(*command, "--help").stdout
    format_help = shown[shown.index("--format") :].split("--", 2)[1]
    formats = set(format_help.replace(",", " ").replace(".", " ").split())
    assert ("--encoding" in shown) == bool(formats & {"csv", "tsv"})
    assert ("--no-bom" in shown) == ("csv" in formats)
    assert "--raw" not in shown or formats & {"csv", "tsv"}
