"""Run as ``python -m kouryu_cli``."""

from kouryu_cli.cli import main

main()
