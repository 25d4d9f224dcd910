"""Run as ``python -m kouryu_cli``."""

from kouryu_cli.entry import main

main()
