"""Where the plan comes from: --data, KOURYU_DATA, or the copy shipped inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kouryu_cli.files import max_bytes

if TYPE_CHECKING:
    from kouryu_cli.core.model import Plan

_PACKAGED = Path(__file__).parents[1] / "data" / "plan.yaml"
# Running from a source checkout (the tests of an editable install): the repository's copy.
_CHECKOUT = Path(__file__).parents[3] / "data" / "plan.yaml"


def default_path() -> Path:
    """The shipped plan."""
    return _PACKAGED if _PACKAGED.is_file() else _CHECKOUT


def open_plan(path: Path | None, *, use_cache: bool = True, notes: list[str] | None = None) -> Plan:
    """Load the plan at path (or the shipped one), from the cache when it holds this very file.

    A cache hit imports neither YAML nor the loader; a miss parses the file and stores the
    result. Any trouble with the cache itself is ignored. notes, when given, gets how the
    plan was read (for -v).
    """
    target = path or default_path()
    if not use_cache:
        from kouryu_cli.planfile.loader import load_plan

        return load_plan(target, notes=notes)
    from kouryu_cli.planfile import cache

    key = cache.read_key(target, max_bytes())
    if key is None:  # missing, unreadable, too big …: the loader says which
        from kouryu_cli.planfile.loader import load_plan

        return load_plan(target, notes=notes)
    plan = cache.lookup(key)
    if plan is not None and notes is not None:
        from kouryu_cli.core.i18n import _

        notes.append(
            _("{path}: read before, unchanged since: taken from the cache").format(path=target)
        )
    if plan is None:
        from kouryu_cli.planfile.loader import load_plan

        plan = load_plan(target, notes=notes)
        if cache.unchanged(key):  # not edited while it was parsed
            cache.store(key, plan)
    return plan
