"""Editions of the plan for diff tests: the shipped plan loaded as a dict, changed, dumped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import SHIPPED

Edit = Callable[[dict[str, Any]], None]


def shipped_data() -> dict[str, Any]:
    """The shipped plan as plain data (a fresh copy every call)."""
    import yaml

    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def edition(folder: Path, name: str, edit: Edit | None = None) -> Path:
    """The shipped plan, changed by edit, written as folder/name."""
    import yaml

    data = shipped_data()
    if edit is not None:
        edit(data)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def measure(data: dict[str, Any], measure_id: str) -> dict[str, Any]:
    """The measure with this id, as a dict that can be changed in place."""
    for policy in data["policies"]:
        for section in policy["sections"]:
            for item in section["measures"]:
                if item["id"] == measure_id:
                    assert isinstance(item, dict)
                    return item
    raise KeyError(measure_id)


def section(data: dict[str, Any], policy: int, number: int) -> dict[str, Any]:
    """The section (policy, number) as a dict."""
    for p in data["policies"]:
        if p["number"] == policy:
            for s in p["sections"]:
                if s["number"] == number:
                    assert isinstance(s, dict)
                    return s
    raise KeyError((policy, number))


def indicator(data: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    """The indicator with this id as a dict."""
    for item in data["indicators"]:
        if item["id"] == indicator_id:
            assert isinstance(item, dict)
            return item
    raise KeyError(indicator_id)
