"""The `kouryu` console script: the one place that sets process-wide policy.

- Ctrl-C while the program is still loading exits 130 too.
- The cyclic garbage collector is off for the whole run. A run imports many long-lived
  objects, builds one result and exits: it makes almost no cyclic garbage, while each
  collection walks every plan object and record again (on a 1,000× plan, loading grows
  several times slower than the file). The library and the app leave the collector alone,
  so a notebook or a test that imports them keeps its own.
- The run ends with Python's normal exit: streams flushed, atexit handlers run, other
  threads waited for. Before it, gc.freeze() moves every object of the run out of the
  collector's sight, so the one collection Python makes while it shuts down does not walk
  all of them again: that walk was most of the cost of the teardown.
"""

from __future__ import annotations

import gc
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
    finally:
        gc.freeze()
