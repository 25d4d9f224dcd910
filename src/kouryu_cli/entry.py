"""The `kouryu` console script: the one place that sets process-wide policy.

- Ctrl-C while the program is still loading exits 130 too.
- The cyclic garbage collector is off for the whole run. A run imports many long-lived
  objects, builds one result and exits: it makes almost no cyclic garbage, while each
  collection walks every plan object and record again (on a 1,000× plan, loading grows
  several times slower than the file). The library and the app leave the collector alone,
  so a notebook or a test that imports them keeps its own.
- The process ends without the interpreter's teardown. Once the command has written and
  flushed everything, Python would still take every module apart and free each object one
  by one: about 8 ms of every run (a sixth of it), and more on a large plan. So the exit
  flushes stdout and stderr, runs the atexit handlers, and ends the process with its status
  (os._exit). Anything unusual (a flush that fails, another thread still running, an exit
  status that is not a number, no atexit runner) takes Python's normal exit instead. The
  commands close every file they write before they return, so nothing is left to flush.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    """Load the CLI, then run it; kouryu_cli.cli.main handles Ctrl-C from then on."""
    gc.disable()
    try:
        from kouryu_cli.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("kouryu: interrupted\n")
        raise SystemExit(130) from None
    try:
        run()
    except SystemExit as done:
        _exit(done.code)
    _exit(0)


def _exit(code: object) -> None:
    """End the process with status code, skipping the teardown when that is safe."""
    if code is None:
        code = 0
    threading = sys.modules.get("threading")  # a thread is started through it, if at all
    if not isinstance(code, int) or (threading is not None and threading.active_count() > 1):
        raise SystemExit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None  # Python's own exit reports it, as it always did
    import atexit

    run_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's, since 3.0
    if run_handlers is None:  # pragma: no cover - another Python
        raise SystemExit(code)
    run_handlers()
    os._exit(code)
