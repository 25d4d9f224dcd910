"""Where the plan comes from: --data, KOURYU_DATA, or the copy shipped inside the package."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kouryu_cli.model import Plan

T = TypeVar("T")
_PACKAGED = Path(__file__).parent / "data" / "plan.yaml"
# Running from a source checkout (the tests of an editable install): the repository's copy.
_CHECKOUT = Path(__file__).parents[2] / "data" / "plan.yaml"


def default_path() -> Path:
    """The shipped plan."""
    return _PACKAGED if _PACKAGED.is_file() else _CHECKOUT


def open_plan(path: Path | None, *, use_cache: bool = True) -> Plan:
    """Load the plan at path (or the shipped one), from the cache when it holds this very file.

    A cache hit imports neither YAML nor the loader; a miss parses the file and stores the
    result. Any trouble with the cache itself is ignored.
    """
    target = path or default_path()
    from kouryu_cli.yamlfile import max_bytes

    if not use_cache:
        from kouryu_cli.loader import load_plan

        return _without_gc(lambda: load_plan(target))
    from kouryu_cli import cache

    source = cache.read_source(target, max_bytes())
    if source is None:  # missing, unreadable, too big …: the loader says which
        from kouryu_cli.loader import load_plan

        return load_plan(target)
    plan = _without_gc(lambda: cache.lookup(source))
    if plan is None:
        from kouryu_cli.loader import load_plan

        plan = _without_gc(lambda: load_plan(target))
        if cache.unchanged(source):  # not edited while it was parsed
            cache.store(source, plan)
    return plan


def _without_gc(build: Callable[[], T]) -> T:
    """Run build with the cyclic garbage collector paused, then freeze what it made.

    Parsing a large plan creates millions of objects and no reference cycles; with the
    collector running, every full collection walks all of them again, and loading grows
    faster than the file (a 16 MB plan: about 4× slower). Freezing moves the finished plan
    out of the collector's sight for the rest of the run.
    """
    with _gc_paused():
        result = build()
    gc.freeze()
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
