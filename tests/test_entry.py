"""The console script: every status, byte, atexit handler and thread kept at the exit."""

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


def test_atexit_handlers_run_and_what_they_write_arrives() -> None:
    setup = (
        "import atexit\n"
        "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
        "atexit.register(lambda: print('last line'))"
    )
    result = run("measures", "--age", "65+", setup=setup)
    assert result.returncode == 0
    assert result.stderr.endswith("handler ran\n")
    assert result.stdout.endswith("last line\n")


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


def test_a_buffered_write_left_open_is_flushed_at_the_exit(tmp_path: Path) -> None:
    # Python's exit flushes and closes what is still open: nothing is cut off.
    target = tmp_path / "left-open.txt"
    setup = f"kept = open({str(target)!r}, 'w', encoding='utf-8'); kept.write('kept')"
    result = run("measures", "--age", "65+", setup=setup)
    assert result.returncode == 0
    assert target.read_text(encoding="utf-8") == "kept"
