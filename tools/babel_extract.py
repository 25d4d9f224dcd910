"""Babel extractor for kouryu: the gettext calls, and the docstrings Typer shows as help.

Typer takes a command's help from its function's docstring, and cli/__init__.py translates
it when the command is built (i18n.localized); the extractor puts those docstrings in the
template. A command is a function that COMMANDS in cli/__init__.py names, or one that is
decorated with `….command(…)` or `….callback(…)` (the commands of a group such as
`kouryu progress`). Calls: `_("…")`, `N_("…", field=…)` and `ngettext("…", "…", n)`, with
implicit concatenation of literals (Python's own parser reads them).

Referenced from babel.cfg; run through tools/catalogs.py (see docs/development.md, Translations).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

SINGULAR = ("_", "N_")
PLURAL = ("ngettext",)

Message = tuple[int, str | None, str | tuple[str, str], list[str]]


def extract(
    fileobj: IO[bytes],
    keywords: Any,  # noqa: ARG001 - Babel's extractor signature; the names are fixed here
    comment_tags: Any,  # noqa: ARG001
    options: dict[str, Any],
) -> Iterator[Message]:
    """Every message of one Python file: (line, function, message or (singular, plural), [])."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    tree = ast.parse(source)
    commands = _command_functions(Path(getattr(fileobj, "name", "")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from _call(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in commands or any(_registers(d) for d in node.decorator_list)
        ):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, None, doc, []


def _call(node: ast.Call) -> Iterator[Message]:
    name = _name(node.func)
    texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if name in SINGULAR and node.args and _is_text(node.args[0]):
        yield node.lineno, name, texts[0], []
    elif name in PLURAL and len(node.args) >= 2 and all(_is_text(a) for a in node.args[:2]):
        yield node.lineno, name, (texts[0], texts[1]), []


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _registers(decorator: ast.expr) -> bool:
    """@app.command(), @app.command, @app.callback(…): Typer shows this docstring as help."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in ("command", "callback")


def _command_functions(path: Path) -> set[str]:
    """The functions of this module that COMMANDS in kouryu_cli/cli/__init__.py registers."""
    package = next((p for p in path.resolve().parents if p.name == "kouryu_cli"), None)
    if package is None:
        return set()
    module = ".".join(path.resolve().relative_to(package.parent).with_suffix("").parts)
    tree = ast.parse((package / "cli" / "__init__.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "COMMANDS" and isinstance(value, ast.Dict):
            # {module: (command, …)}; a group's commands are found by their decorators.
            for key, names in zip(value.keys, value.values, strict=True):
                if key is not None and ast.literal_eval(key) == module:
                    return set(ast.literal_eval(names))
            return set()
    return set()
