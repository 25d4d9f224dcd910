"""The console script's exit: fast (no teardown), yet every byte, handler and status kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kouryu_cli import entry
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
    ],
)
def test_the_exit_status_is_kept(args: tuple[str, ...], status: int) -> None:
    assert run(*args).returncode == status


def test_all_output_arrives_through_a_pipe() -> None:
    result = run("--data", str(SHIPPED), "measures", "-f", "json")
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 49
    assert "49" in result.stderr  # the count message, flushed as well


def test_atexit_handlers_still_run() -> None:
    setup = "import atexit\natexit.register(lambda: print('handler ran', file=sys.stderr))"
    result = run("measures", "--age", "65+", setup=setup)
    assert result.returncode == 0
    assert "handler ran" in result.stderr


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


def test_unflushable_output_takes_the_normal_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def flush(self) -> None:
            raise OSError("disk full")

    monkeypatch.setattr(sys, "stdout", Broken())
    ended: list[int] = []
    monkeypatch.setattr(entry.os, "_exit", ended.append)
    with pytest.raises(SystemExit) as exit_info:
        entry._exit(0)
    assert exit_info.value.code == 0
    assert ended == []


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (74, 74)])
def test_a_numeric_status_ends_the_process_directly(
    code: int | None, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[int] = []
    monkeypatch.setattr(entry.os, "_exit", ended.append)
    entry._exit(code)
    assert ended == [status]


def test_a_text_status_takes_the_normal_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    ended: list[int] = []
    monkeypatch.setattr(entry.os, "_exit", ended.append)
    with pytest.raises(SystemExit) as exit_info:
        entry._exit("message")
    assert exit_info.value.code == "message"
    assert ended == []
