"""The `kouryu` console script: the one place that sets process-wide policy.

- Ctrl-C while the program is still loading exits 130 too.
- The cyclic garbage collector is off for the whole run. A run imports many long-lived
  objects, builds one result and exits: it makes almost no cyclic garbage, while each
  collection walks every plan object and record again (on a 1,000× plan, loading grows
  several times slower than the file). The library and the app leave the collector alone,
  so a notebook or a test that imports them keeps its own.
- The run ends without taking the interpreter apart. Python's exit first waits for other
  threads, then runs the atexit handlers, last registered first; the handler registered
  here, first of the run, so runs after every handler registered during the run. It
  flushes stdout and stderr and ends the process with the run's status (os._exit): what
  it skips is only freeing the memory of every module and object, about a millisecond of
  every run and more on a large plan. kouryu closes each file it writes before that.
  When the status is not a number (Python prints it) or a stream cannot be flushed,
  Python's own exit goes on as usual, after gc.freeze() has moved the run's objects out of
  the sight of its last garbage collection.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys


def main() -> None:
    """Load the CLI, then run it; kouryu_cli.cli.main handles Ctrl-C from then on."""
    gc.disable()
    status: list[int] = []
    atexit.register(_end, status)
    try:
        from kouryu_cli.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("kouryu: interrupted\n")
        status.append(130)
        raise SystemExit(130) from None
    try:
        run()
        status.append(0)
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            status.append(int(done.code or 0))
        raise
    finally:
        gc.freeze()


def _end(status: list[int]) -> None:
    """The last exit handler: flush the standard streams and end with the run's status."""
    if not status:  # a text status or an exception: Python reports it and exits itself
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # Python's exit reports it, as it always has
        return
    os._exit(status[0])
