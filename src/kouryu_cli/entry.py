"""The `kouryu` console script: Ctrl-C while the program is still loading also exits 130."""

from __future__ import annotations

import sys

from kouryu_cli.exitcodes import EXIT_INTERRUPTED


def main() -> None:
    """Load the CLI, then run it; main() in kouryu_cli.cli handles Ctrl-C from then on."""
    try:
        from kouryu_cli.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("kouryu: interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    run()
