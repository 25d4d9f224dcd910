"""The console script: every status, byte, exit handler and thread kept at its quick exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHIPPED

# Runs the console script's main() with extra set-up code first.
_RUN = """
import sys
sys.argv = ["kouryu", *sys.argv[1:]]
{setup}
from kouryu_cli.entry import main
main()
"""


def run(*args: str, setup: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN.format(setup=setup), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("measures", "--age", "65+", "-f", "json"), 0),
        (("search", "該当しない語ですxyz"), 1),
        (("measures", "--age", "99"), 2),
        (("--data", "/nonexistent/plan.yaml", "measures"), 3),
        (("measures", "-o", "/nonexistent/folder/out.csv"), 74),
    ],
)
def test_the_exit_status_of_the_console_script(args: tuple[str, ...], status: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kouryu_cli", *args], capture_output=True, check=False
    )
    assert result.returncode == status


def test_all_output_arrives_through_a_pipe() -> None:
    result = run("--data", str(SHIPPED), "measures", "-f", "json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 49
    assert "49" in result.stderr  # the count message, flushed as well


# Code the run calls (a library, a command) registers its handlers while the run goes on.
_DURING_THE_RUN = """
import atexit, kouryu_cli.cli
original = kouryu_cli.cli.main
def with_handlers():
    atexit.register(lambda: print('handler ran', file=sys.stderr))
    atexit.register(lambda: print('last line'))
    original()
kouryu_cli.cli.main = with_handlers
"""


def test_exit_handlers_of_the_run_run_and_what_they_write_arrives() -> None:
    result = run("measures", "--age", "65+", setup=_DURING_THE_RUN)
    assert result.returncode == 0
    assert result.stderr.endswith("handler ran\n")
    assert result.stdout.endswith("last line\n")


@pytest.mark.parametrize(
    ("args", "status"),
    [(("measures", "--age", "65+"), 0), (("measures", "--age", "99"), 2)],
)
def test_the_quick_exit_keeps_the_status(args: tuple[str, ...], status: int) -> None:
    setup = "import atexit; atexit.register(lambda: print('the end', file=sys.stderr))"
    result = run(*args, setup=setup)
    assert result.returncode == status
    # A handler registered before kouryu started runs after kouryu's own, which ends the
    # process: the memory is not taken apart.
    assert "the end" not in result.stderr


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    done = tmp_path / "done"
    setup = (
        "import threading, time\n"
        "def work():\n"
        "    time.sleep(0.3)\n"
        f"    open({str(done)!r}, 'w').close()\n"
        "threading.Thread(target=work).start()"
    )
    result = run("measures", "--age", "65+", setup=setup)
    assert result.returncode == 0
    assert done.exists()  # the normal exit joined the thread


def test_a_text_status_is_printed_and_ends_with_1() -> None:
    setup = (
        "import kouryu_cli.cli\n"
        "def stop():\n"
        "    raise SystemExit('stopped here')\n"
        "kouryu_cli.cli.main = stop"
    )
    result = run("measures", setup=setup)
    assert result.returncode == 1
    assert result.stderr == "stopped here\n"


def test_a_file_written_with_o_is_whole_at_the_exit(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("measures", "-o", str(target))
    assert result.returncode == 0
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 49
