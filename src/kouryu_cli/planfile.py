"""Where the plan comes from: --data, KOURYU_DATA, or the copy shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from kouryu_cli.loader import load_plan
from kouryu_cli.model import Plan

_PACKAGED = Path(__file__).parent / "data" / "plan.yaml"
# Running from a source checkout (the tests of an editable install): the repository's copy.
_CHECKOUT = Path(__file__).parents[2] / "data" / "plan.yaml"


def default_path() -> Path:
    """The shipped plan."""
    return _PACKAGED if _PACKAGED.is_file() else _CHECKOUT


def open_plan(path: Path | None) -> Plan:
    """Load the plan at path (or the shipped one)."""
    return load_plan(path or default_path())
