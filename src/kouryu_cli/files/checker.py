"""A small validator for plain YAML values: every problem collected, each with its position.

Checker converts single values at a path; Node is a checked mapping that reads its own keys
(`node.text("name")`), so the path in a message always names the key the code read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from kouryu_cli.core.i18n import N_, _
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.files.yamlfile import Document

T = TypeVar("T")
Path = tuple[str | int, ...]

_INT = re.compile(r"(0|[1-9]\d*)")


# What each kind of data file holds at its top, and its name in messages.
FILE_KINDS = {
    "plan": (("program", "policies"), N_("a plan file")),
    "progress": (("answers",), N_("a progress file (進行管理)")),
    "actuals": (("actuals",), N_("an actuals file (実績値)")),
}


class Checker:
    """Walks a Document's plain data, converting values and collecting every Problem."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.problems: list[Problem] = []
        # Paths already reported as missing keys: nothing at or under them is reported again.
        self.missing: set[Path] = set()

    def fail(self, path: Path, message: str) -> None:
        """Record a problem at path, unless path is at or under a key already said missing:
        `missing key 'program'` is the one problem, not also program's and program.city's."""
        if any(path[:end] in self.missing for end in range(1, len(path) + 1)):
            return
        self.problems.append(self.document.problem(path, message))

    def fail_at_key(self, path: Path, message: str) -> None:
        """Record a problem at the key that ends path."""
        self.problems.append(self.document.problem(path, message, key=True))

    def where(self, path: Path) -> str:
        """file:line:column of path, to name a second place in a problem's message."""
        problem = self.document.problem(path, "")
        place = [str(p) for p in (problem.line, problem.column) if p is not None]
        return ":".join([problem.file, *place])

    def raise_if_any(self) -> None:
        """Raise one DataFileError with every problem, in file order."""
        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0))
            raise DataFileError(ordered)

    def node(
        self, path: Path, value: Any, required: Iterable[str], optional: Iterable[str] = ()
    ) -> Node | None:
        """A checked mapping at path (see mapping), or None when it is not one."""
        data = self.mapping(path, value, required, optional)
        return None if data is None else Node(self, path, data)

    def top(
        self, value: Any, kind: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """The top mapping of a file of this kind; one problem when it is another kind of file.

        A plan given where the answers are expected would otherwise be a dozen key errors.
        """
        if isinstance(value, dict):
            mine = all(k in value for k in FILE_KINDS[kind][0])
            for other, (keys, name) in FILE_KINDS.items():
                if other != kind and not mine and all(k in value for k in keys):
                    self.fail(
                        (),
                        _("this is {found}, not {wanted}").format(
                            found=_(name), wanted=_(FILE_KINDS[kind][1])
                        ),
                    )
                    return None
        return self.mapping((), value, required, optional)

    def unique(self, seen: dict[Any, Path], key: Any, path: Path, message: str) -> bool:
        """Record key as seen at path; a problem naming the first place if it was seen before."""
        first = seen.setdefault(key, path)
        if first == path:
            return True
        line = self.document.problem(first, "").line
        self.fail(
            path,
            _("{message} (first at line {line})").format(message=message, line=line)
            if line
            else message,
        )
        return False

    def mapping(
        self, path: Path, value: Any, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """A mapping with exactly these keys allowed; None (and problems) when it is not one."""
        if not isinstance(value, dict):
            self.fail(
                path, _("expected a mapping (key: value), got {value}").format(value=_kind(value))
            )
            return None
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.fail_at_key(
                    (*path, key),
                    _("unknown key '{key}' (allowed: {value})").format(
                        key=key, value=", ".join(sorted(allowed))
                    ),
                )
        for key in required:
            if key not in value:
                self.fail(path, _("missing key '{key}'").format(key=key))
                self.missing.add((*path, key))
        return value

    def items(self, path: Path, value: Any, *, allow_empty: bool = True) -> list[Any]:
        """A list (None counts as empty when allowed)."""
        if value is None and allow_empty:
            return []
        if not isinstance(value, list):
            self.fail(path, _("expected a list, got {value}").format(value=_kind(value)))
            return []
        if not value and not allow_empty:
            self.fail(path, _("must not be empty"))
        return value

    def text(self, path: Path, value: Any, *, required: bool = True) -> str:
        """A non-empty string ('' when optional and absent)."""
        if value is None:
            if required:
                self.fail(path, _("must not be empty"))
            return ""
        if not isinstance(value, str):
            self.fail(path, _("expected text, got {value}").format(value=_kind(value)))
            return ""
        if required and not value.strip():
            self.fail(path, _("must not be empty"))
        return value

    def integer(self, path: Path, value: Any) -> int:
        """A whole number written in decimal without leading zeros."""
        if isinstance(value, str) and _INT.fullmatch(value):
            return int(value)
        self.fail(path, _("expected a whole number, got {value}").format(value=_show(value)))
        return 0

    def number(self, path: Path, value: Any, unit: str = "") -> float:
        """A number as people write it (5,480, ２５．６％, △5, 90か所), in the series' unit."""
        from kouryu_cli.core import values

        if isinstance(value, str):
            try:
                return values.parse_number(value, unit)
            except values.NumberError as error:
                self.fail(path, str(error))
                return 0.0
        self.fail(path, _("expected a number, got {value}").format(value=_show(value)))
        return 0.0

    def boolean(self, path: Path, value: Any) -> bool:
        """true or false (absent is false); YAML 1.1's yes/no/on/off are not booleans here."""
        if value is None or value == "false":
            return False
        if value == "true":
            return True
        self.fail(path, _("expected true or false, got {value}").format(value=_show(value)))
        return False

    def choice(
        self, path: Path, value: Any, convert: Callable[[str], T], expected: str
    ) -> T | None:
        """A value from a fixed set, converted; None (and a problem listing the set) otherwise."""
        if isinstance(value, str):
            try:
                return convert(value)
            except ValueError:
                pass
        self.fail(
            path,
            _("unknown value {value} (expected {expected})").format(
                value=_show(value), expected=expected
            ),
        )
        return None


class Node:
    """A checked mapping and its path: each accessor reads one key and checks it there."""

    def __init__(self, check: Checker, path: Path, data: dict[str, Any]) -> None:
        self.check = check
        self.path = path
        self.data = data

    def at(self, *steps: str | int) -> Path:
        """The path of a key (or deeper) below this node."""
        return (*self.path, *steps)

    def has(self, key: str) -> bool:
        """Whether the key is there with a value."""
        return self.data.get(key) is not None

    def get(self, key: str) -> Any:
        """The raw value of a key (None when absent)."""
        return self.data.get(key)

    def text(self, key: str, *, required: bool = True) -> str:
        """A text value (see Checker.text)."""
        return self.check.text(self.at(key), self.data.get(key), required=required)

    def integer(self, key: str) -> int:
        """A whole number (see Checker.integer)."""
        return self.check.integer(self.at(key), self.data.get(key))

    def number(self, key: str, unit: str = "") -> float:
        """A number as people write it, in the series' unit (see Checker.number)."""
        return self.check.number(self.at(key), self.data.get(key), unit)

    def choice(self, key: str, convert: Callable[[str], T], expected: str) -> T | None:
        """A value from a fixed set (see Checker.choice)."""
        return self.check.choice(self.at(key), self.data.get(key), convert, expected)

    def items(self, key: str, *, allow_empty: bool = True) -> list[tuple[Path, Any]]:
        """The entries of a list, each with its path."""
        values = self.check.items(self.at(key), self.data.get(key), allow_empty=allow_empty)
        return [(self.at(key, index), value) for index, value in enumerate(values)]

    def nodes(
        self, key: str, required: Iterable[str], optional: Iterable[str] = (), **options: bool
    ) -> list[Node]:
        """The entries of a list of mappings, each checked (those that are not are reported)."""
        required, optional = tuple(required), tuple(optional)
        found = (
            self.check.node(path, v, required, optional) for path, v in self.items(key, **options)
        )
        return [node for node in found if node is not None]

    def child(self, key: str, required: Iterable[str], optional: Iterable[str] = ()) -> Node:
        """A nested mapping; an empty node (problems recorded) when it is missing or not one."""
        found = self.check.node(self.at(key), self.data.get(key), required, optional)
        return found or Node(self.check, self.at(key), {})

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of texts."""
        return tuple(self.check.text(path, value) for path, value in self.items(key))


def _kind(value: Any) -> str:
    if value is None:
        return _("nothing")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    text = str(value)  # a whole CSV read as one YAML text is not quoted in full
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _show(value: Any) -> str:
    return _kind(value) if not isinstance(value, str) else f"'{value}'"
