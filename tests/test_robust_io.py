"""Output channels, tested on the real `kouryu` process: pipes, signals, terminals, encodings."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.files import writing
from tests.conftest import Run
from tests.test_robust_files import MINIMAL

Write = Callable[[str, str], Path]


def kouryu_command() -> list[str]:
    """The installed console script next to this Python, else `python -m kouryu_cli`."""
    beside = Path(sys.executable).with_name("kouryu")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kouryu")
    return [found] if found else [sys.executable, "-m", "kouryu_cli"]


KOURYU = kouryu_command()


def environment(**changes: str | None) -> dict[str, str]:
    """The test environment (NO_COLOR, COLUMNS … from conftest) with changes; None removes."""
    env = dict(os.environ)
    for name in ("PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "LANG", "TERM", "CLICOLOR_FORCE"):
        env.pop(name, None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def big_plan(folder: Path, count: int) -> Path:
    """A valid plan with count measures: slow to read, and more output than a pipe holds."""
    head, _, _ = MINIMAL.partition("          - id: 1-1-01")
    parts = [head]
    parts += [
        f"          - id: 9-9-{i:05d}\n"
        f"            name: 事業{i}\n"
        "            departments: [社会教育課]\n"
        "            ages: [65+]\n"
        f"            description: 説明{i}です。\n"
        for i in range(count)
    ]
    path = folder / f"big-{count}.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def assert_no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
    assert "BrokenPipeError" not in stderr
    assert "Error:" not in stderr.replace("KOURYU", "")


# --- closed pipes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("measures",),
        ("measures", "-f", "table"),
        ("measures", "-f", "json"),
        ("measures", "-f", "csv"),
        ("show", "2-1-07", "-f", "table"),
        ("outline", "-f", "table"),
        ("outline", "-f", "markdown"),
        ("matrix", "-f", "table"),
        ("search", "交流"),
        ("validate",),
        ("--help",),
    ],
    ids="-".join,
)
def test_a_closed_pipe_exits_quietly(args: tuple[str, ...]) -> None:
    # The reader is gone before kouryu writes anything: every write meets a closed pipe,
    # as in `kouryu measures | head -0`, without depending on timing.
    process = subprocess.Popen(
        [*KOURYU, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, stderr
    assert_no_traceback(stderr)
    assert stderr.count("\n") <= 1  # at most the count note ("49件")


def test_head_one_on_a_large_listing(tmp_path: Path) -> None:
    plan = big_plan(tmp_path, 3_000)  # ~300 KB of TSV: far more than a pipe buffer holds
    # A real shell pipeline, as people type it; every part of the command is ours.
    result = subprocess.run(  # noqa: S602
        f"{' '.join(KOURYU)} --no-cache --data {plan} measures -f tsv | head -1",
        shell=True,
        capture_output=True,
        env=environment(),
        check=False,
    )
    assert result.stdout.decode().startswith("ID\t事業名\t")
    assert result.stdout.count(b"\n") == 1
    stderr = result.stderr.decode()
    assert stderr == "3000 measures\n"


# --- Ctrl-C ----------------------------------------------------------------------------------


def _wait_until_parsing(pid: int) -> None:
    """Until the YAML extension is loaded (the plan is being read), or half a second passes."""
    maps = Path(f"/proc/{pid}/maps")
    for _ in range(500):
        try:
            if "_yaml" in maps.read_text():
                return
        except OSError:
            break
        time.sleep(0.01)
    time.sleep(0.5)


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    plan = big_plan(tmp_path, 20_000)  # several seconds of parsing
    output = tmp_path / "out.json"
    output.write_text("old\n", encoding="utf-8")
    process = subprocess.Popen(
        [*KOURYU, "--no-cache", "--data", str(plan), "measures", "-f", "json", "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    _wait_until_parsing(process.pid)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.decode() == "kouryu: interrupted\n"
    assert stdout == b""
    assert output.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _wait_until_loading(pid: int) -> None:
    """Until the CLI's imports are under way: Typer's import loads _posixsubprocess.

    Python's own start-up (site) loads no such module, so the signal cannot land before
    the console script's main() runs, however slow the machine is.
    """
    maps = Path(f"/proc/{pid}/maps")
    for _ in range(5000):
        try:
            if "_posixsubprocess" in maps.read_text():
                return
        except OSError:  # the run is already over
            return
        time.sleep(0.001)


def test_ctrl_c_while_loading_exits_130_without_a_traceback() -> None:
    # Python catches SIGINT (KeyboardInterrupt) long before kouryu's own handler is set:
    # the console script turns an interrupt during its imports into status 130 too.
    process = subprocess.Popen(
        [*KOURYU, "measures"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment()
    )
    _wait_until_loading(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr
    # Interrupted while loading (130), or the run was already over (0).
    assert process.returncode in (130, 0), stderr


# --- terminals and colour ------------------------------------------------------------------


def run_in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run kouryu with stdout on a pseudo-terminal; its exit status and what it printed."""
    import pty

    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [*KOURYU, *args], stdout=secondary, stderr=subprocess.DEVNULL, env=env
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return process.wait(timeout=60), b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("changes", "coloured"),
    [
        ({"NO_COLOR": None, "TERM": "xterm-256color"}, True),
        ({"NO_COLOR": "1", "TERM": "xterm-256color"}, False),
        ({"NO_COLOR": None, "TERM": "dumb"}, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color"}, False),
    ],
    ids=["terminal", "NO_COLOR", "TERM=dumb", "NO_COLOR-beats-FORCE_COLOR"],
)
def test_escape_codes_on_a_terminal(changes: dict[str, str | None], coloured: bool) -> None:
    status, output = run_in_terminal(["measures", "--age", "65+"], environment(**changes))
    assert status == 0
    assert b"1-1-01" in output
    assert (b"\x1b[" in output) is coloured


@pytest.mark.parametrize(
    "changes",
    [{"FORCE_COLOR": "1"}, {"CLICOLOR_FORCE": "1"}],
    ids=["FORCE_COLOR", "CLICOLOR_FORCE"],
)
def test_forced_colour_even_in_a_pipe(changes: dict[str, str]) -> None:
    env = environment(NO_COLOR=None, TERM="xterm-256color", **changes)
    result = subprocess.run(
        [*KOURYU, "measures", "-f", "table"], capture_output=True, env=env, check=False
    )
    assert result.returncode == 0
    assert b"\x1b[" in result.stdout


@pytest.mark.parametrize("force", [None, "1"], ids=["plain", "FORCE_COLOR"])
def test_no_escape_codes_in_a_file(tmp_path: Path, force: str | None) -> None:
    target = tmp_path / "table.txt"
    env = environment(NO_COLOR=None, FORCE_COLOR=force, TERM="xterm-256color")
    for args in (["measures", "-f", "table", "-o", str(target)], ["outline", "-o", str(target)]):
        result = subprocess.run([*KOURYU, *args], capture_output=True, env=env, check=False)
        assert result.returncode == 0
        assert result.stdout == b""
        text = target.read_bytes()
        assert "社会教育推進".encode() in text
        assert b"\x1b" not in text
    with (tmp_path / "redirected.txt").open("wb") as stream:
        subprocess.run(
            [*KOURYU, "measures", "-f", "table"],
            stdout=stream,
            env=environment(NO_COLOR=None),
            check=True,
        )
    assert b"\x1b" not in (tmp_path / "redirected.txt").read_bytes()


@pytest.mark.parametrize("columns", ["20", "300"])
def test_columns_in_a_terminal(columns: str) -> None:
    from rich.cells import cell_len

    status, output = run_in_terminal(
        ["measures", "--age", "65+"], environment(COLUMNS=columns, TERM="xterm")
    )
    assert status == 0
    lines = output.decode().replace("\r\n", "\n").splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= int(columns)


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"LANG": "C"}, {"LC_ALL": "C"}, {"LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"}],
    ids=["LANG=C", "LC_ALL=C", "C-without-coercion"],
)
@pytest.mark.parametrize("fmt", ["table", "tsv", "json"])
def test_c_locale(changes: dict[str, str], fmt: str) -> None:
    result = subprocess.run(
        [*KOURYU, "measures", "--age", "65+", "-f", fmt],
        capture_output=True,
        env=environment(**changes),
        check=False,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert_no_traceback(stderr)
    if result.returncode == 0:
        assert "社会教育推進事業" in result.stdout.decode("utf-8")
    else:
        assert result.returncode == 2
        assert stderr.startswith("kouryu: ")
        assert stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "markdown"])
def test_cp932_terminal_gets_cp932(fmt: str) -> None:
    result = subprocess.run(
        [*KOURYU, "measures", "--age", "65+", "-f", fmt],
        capture_output=True,
        env=environment(PYTHONIOENCODING="cp932"),
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("cp932", "replace")
    assert "社会教育推進事業" in result.stdout.decode("cp932")
    assert result.stderr.decode("cp932") == "conditions: 65歳以上 / 40 measures\n"


@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "csv"])
def test_cp932_terminal_and_a_character_outside_it(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL.replace("name: 介護支援", "name: 𠮷介護支援"), encoding="utf-8")
    result = subprocess.run(
        [*KOURYU, "--data", str(path), "measures", "-f", fmt],
        capture_output=True,
        env=environment(PYTHONIOENCODING="cp932"),
        check=False,
    )
    stderr = result.stderr.decode("cp932", "replace")
    assert_no_traceback(stderr)
    assert result.returncode == 2, stderr
    message = stderr.splitlines()[-1]
    assert message.startswith("kouryu: ")
    assert "cp932" in message
    assert "U+20BB7" in message
    if fmt != "table":  # the text formats know where the character is
        assert "in record 2 (1-1-02), field 事業名" in message


def test_csv_in_cp932_reports_the_record_and_field(run: Run, write: Write, tmp_path: Path) -> None:
    path = write("plan.yaml", MINIMAL.replace("description: ポイント", "description: 𠮷ポイント"))
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    result = run(
        "--data", str(path), "measures", "-f", "csv", "--encoding", "cp932", "-o", str(target)
    )
    assert result.exit_code == 2
    assert result.stderr == (  # no count line: nothing was written
        "kouryu: character '𠮷' (U+20BB7) in record 2 (1-1-02), field 説明 cannot be written "
        "in cp932; use UTF-8 (the default) or remove the character\n"
    )
    assert target.read_text(encoding="utf-8") == "old\n"


def test_csv_in_cp932_without_such_characters_is_written(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run("measures", "-f", "csv", "--encoding", "cp932", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().decode("cp932").startswith("ID,事業名,所管課,")


def test_unknown_encoding_is_a_usage_error(run: Run) -> None:
    result = run("measures", "-f", "csv", "--encoding", "klingon")
    assert result.exit_code == 2
    assert result.stderr.endswith("kouryu: --encoding: unknown encoding 'klingon'\n")


# --- atomic -o FILE --------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failure_half_way_leaves_the_old_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "fsync":
        monkeypatch.setattr(writing.os, "fsync", disk_full)
    elif failing == "replace":
        monkeypatch.setattr(Path, "replace", disk_full)
    else:
        real_fdopen = os.fdopen

        class Half:
            def __init__(self, handle: int, mode: str) -> None:
                self.stream = real_fdopen(handle, mode)

            def __enter__(self) -> Half:
                return self

            def __exit__(self, *exc: object) -> None:
                self.stream.close()

            def write(self, data: bytes) -> None:
                self.stream.write(data[: len(data) // 2])
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(writing.os, "fdopen", Half)
    result = run("measures", "-f", "csv", "-o", str(target))
    assert result.exit_code == 74
    assert result.stderr.endswith(
        f"kouryu: cannot write output: {target}: No space left on device\n"
    )
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_output_into_a_missing_folder_or_onto_a_folder(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "out.csv"
    result = run("measures", "-o", str(missing))
    assert result.exit_code == 74
    assert result.stderr.endswith(
        f"kouryu: cannot write output: {missing}: No such file or directory\n"
    )
    result = run("measures", "-f", "csv", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"kouryu: {tmp_path} is a folder; -o needs a file\n"
    assert "Traceback" not in result.stderr


def test_a_successful_write_replaces_the_file_and_keeps_its_mode(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert run("measures", "-f", "csv", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfID,")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
