"""Every sentence kouryu says to a person goes through the translation functions.

Checked on the source, not on a list of messages: the test reads every module of the
package with `ast`, finds each place where a text is handed to a person, and follows the
text back to where it is written. Handed to a person are:

- the message of an exception (the first argument of any `…Error(…)`, `…Exception(…)` or
  `typer.BadParameter(…)`), except the exceptions that only ever mean a bug (the CLI shows
  "internal error" for those, never their text);
- the message of a data-file `Problem(…)`, of `DataFileError.single(…)`, the reason of an
  `OutputError(…)`;
- a line written to stderr: `say(…)` (cli/options.py, which note() and the others call),
  `sys.stderr.write(…)`, `typer.echo(…, err=True)`, `print(…, file=sys.stderr)`;
- an entry added to a list of messages (`….notes`, `….warnings`, `….guesses`,
  `….problems`, `….messages`), which a command prints later;
- the help of an option, argument, command or group (`help=`, `short_help=`, `epilog=`);
- whatever reaches one of these through our own functions: a parameter that is handed on
  whole makes its function a place of the same kind (checker.fail, returned's warn …), and
  a function whose result is handed on has its `return`s checked (need_openpyxl …).

A text is translated when it comes out of `_`, `N_`, `ngettext` or `i18n.localized` (with
`.format(…)` after it). A text written in the code any other way is a hole when it holds an
English word once placeholders, options (`--format`, `-o`) and the program's name are
taken out: `f"{path}: {reason}"` only joins messages, `f"'{text}' matches {n} departments"`
is a sentence. Japanese written in the code is the plan's own terms, data in both languages.

Command docstrings are Typer's help; tools/babel_extract.py puts them in the catalog and
cli/__init__.py translates them when it builds a command. The second test checks that the
extractor sees the docstring of every command and group the CLI builds.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "kouryu_cli"

TRANSLATE = {"_", "N_", "ngettext", "localized"}
# Exceptions that only mean a bug in kouryu: the CLI says "internal error", not their text.
BUG = {
    "AssertionError",
    "AttributeError",
    "IndexError",
    "KeyError",
    "NotImplementedError",
    "RuntimeError",
    "TypeError",
}
# Where a message is handed on, besides an exception's first argument: (position, keyword).
# (Our own functions that hand a parameter on are found by reading them.)
HANDED = {
    "say": (0, "message"),  # cli/options.py: a line for the person on stderr
    "Problem": (4, "message"),  # core/errors.py: one thing wrong with a data file
    "single": (1, "message"),  # DataFileError.single: a file-level problem
    "OutputError": (1, "reason"),  # its first argument is the place, not a message
    "BadParameter": (0, "message"),
}
HELP = {"help", "short_help", "epilog"}
_EXCEPTION = re.compile(r"[A-Z]\w*(?:Error|Exception)")
_MESSAGE_LIST = re.compile(r"(?:notes|warnings|guesses|problems|messages)")
# Places that write English on purpose, each with its reason: (module, function).
ALLOWED = {
    # Ctrl-C while Python is still importing the package: the catalogs are not loaded yet,
    # and importing them is what was interrupted.
    ("entry.py", "main"),
    # KOURYU_DEBUG=1 only, for whoever debugs the cache; the messages it is given are
    # translated, the prefix names the component.
    ("planfile/cache.py", "_debug"),
}

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_WORD = re.compile(r"[A-Za-z]{2,}")


def speaks(text: str) -> bool:
    """Whether a text written in the code holds an English word a person would read."""
    text = _OPTION.sub(" ", _PLACEHOLDER.sub(" ", text)).replace("kouryu", " ")
    return _WORD.search(text) is not None


def callee(call: ast.Call) -> str:
    """The name a call is made by: say for say(…), single for DataFileError.single(…)."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def is_stderr(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "stderr"


@dataclass(eq=False)
class Scope:
    """A function (or a module's top level): its parameters and its assignments."""

    module: Module
    node: ast.AST
    name: str = ""
    params: list[str] = field(default_factory=list)  # positional; self and cls left out
    required: int = 0  # positional parameters without a default
    keyword_only: list[str] = field(default_factory=list)
    method: bool = False
    outer: Scope | None = None  # where a name it does not assign is looked up
    handed: set[str] = field(default_factory=set)  # parameters a person will read

    def fits(self, call: ast.Call) -> bool:
        """Whether call can be a call of this function (by its number of arguments)."""
        if any(isinstance(a, ast.Starred) for a in call.args):
            return True
        return self.required <= len(call.args) <= len(self.params)

    def handed_arguments(self, call: ast.Call) -> list[ast.expr]:
        found = [a for a, p in zip(call.args, self.params, strict=False) if p in self.handed]
        return found + [k.value for k in call.keywords if k.arg in self.handed]

    def assigned(self, name: str) -> list[ast.expr]:
        """Every value this scope assigns to name (nested functions left out)."""
        values = []
        for node in own_nodes(self.node):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    values.append(node.value)
        return values

    def returned(self) -> list[ast.expr]:
        return [n.value for n in own_nodes(self.node) if isinstance(n, ast.Return) and n.value]


@dataclass
class Module:
    path: Path
    tree: ast.Module
    scopes: dict[ast.AST, Scope] = field(default_factory=dict)  # every node → its scope
    functions: list[Scope] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.relative_to(PACKAGE).as_posix()


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's body (or a module's), not those of functions inside it."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from own_nodes(child)


def read_module(path: Path) -> Module:
    module = Module(path, ast.parse(path.read_text(encoding="utf-8")))

    def visit(node: ast.AST, scope: Scope, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            module.scopes[child] = scope  # a function's decorators and defaults: outside it
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = child.args
                positional = [a.arg for a in [*arguments.posonlyargs, *arguments.args]]
                static = any(
                    isinstance(d, ast.Name) and d.id == "staticmethod" for d in child.decorator_list
                )
                method = in_class and not static
                inner = Scope(
                    module,
                    child,
                    child.name,
                    positional[1:] if method else positional,
                    len(positional) - len(arguments.defaults) - (1 if method else 0),
                    [a.arg for a in arguments.kwonlyargs],
                    method=in_class,
                    outer=scope,
                )
                module.functions.append(inner)
                visit(child, inner, in_class=False)
            else:
                visit(child, scope, in_class=isinstance(child, ast.ClassDef))

    visit(module.tree, Scope(module, module.tree), in_class=False)
    return module


@dataclass(frozen=True, order=True)
class Hole:
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


class Reader:
    """Follows every text handed to a person back to where it is written."""

    def __init__(self, modules: list[Module]) -> None:
        self.modules = modules
        self.functions: dict[str, list[Scope]] = {}
        for module in modules:
            for function in module.functions:
                self.functions.setdefault(function.name, []).append(function)
        self.returning: set[int] = set()  # functions whose result is handed on (their ids)
        self.holes: set[Hole] = set()
        self.allowed: set[tuple[str, str]] = set()  # the places of ALLOWED that spoke English

    def read(self) -> list[Hole]:
        """Every hole; passes repeat while a function is found to hand a text on."""
        while True:
            before = self.learned()
            for module in self.modules:
                for node, scope in module.scopes.items():
                    if isinstance(node, ast.Call):
                        for argument in self.messages_of(node):
                            self.follow(argument, scope, set())
                for function in module.functions:
                    if id(function) in self.returning:
                        for value in function.returned():
                            self.follow(value, function, set())
            if self.learned() == before:
                return sorted(self.holes)

    def learned(self) -> tuple[int, int]:
        handed = sum(len(f.handed) for fs in self.functions.values() for f in fs)
        return handed, len(self.returning)

    def candidates(self, call: ast.Call) -> list[Scope]:
        """Our functions this call may be a call of: by name and number of arguments.

        A method is called on something (self.fail(…), row.fail(…)); a function by its name
        or through its module (values.parse_number(…)).
        """
        name = callee(call)
        on_something = isinstance(call.func, ast.Attribute)
        return [
            f
            for f in self.functions.get(name, [])
            if f.fits(call) and (on_something or not f.method)
        ]

    def messages_of(self, call: ast.Call) -> list[ast.expr]:
        """The arguments of a call that a person will read."""
        name = callee(call)
        found = [k.value for k in call.keywords if k.arg in HELP]
        for function in self.candidates(call):
            found += function.handed_arguments(call)
        places: set[int | str] = set(HANDED.get(name, ()))
        if not places and _EXCEPTION.fullmatch(name) and name not in BUG:
            places = {0}
        found += [call.args[p] for p in places if isinstance(p, int) and p < len(call.args)]
        found += [k.value for k in call.keywords if k.arg in places]
        target = call.func.value if isinstance(call.func, ast.Attribute) else None
        if name == "write" and target is not None and is_stderr(target):
            found += call.args[:1]
        if name in ("echo", "print") and any(
            (k.arg == "err" and isinstance(k.value, ast.Constant) and k.value.value is True)
            or (k.arg == "file" and is_stderr(k.value))
            for k in call.keywords
        ):
            found += call.args[:1]
        if name in ("append", "extend", "insert") and target is not None:
            collection = target.attr if isinstance(target, ast.Attribute) else ""
            collection = target.id if isinstance(target, ast.Name) else collection
            if _MESSAGE_LIST.fullmatch(collection):
                found += call.args[-1:]
        return found

    def follow(self, node: ast.expr, scope: Scope, seen: set[str]) -> None:
        """Check one text back to where it is written."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and speaks(node.value):
                self.hole(node, scope)
        elif isinstance(node, ast.JoinedStr):
            if any(isinstance(v, ast.Constant) and speaks(str(v.value)) for v in node.values):
                self.hole(node, scope)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            self.follow(node.left, scope, seen)
            if isinstance(node.op, ast.Add):
                self.follow(node.right, scope, seen)
        elif isinstance(node, ast.IfExp):
            self.follow(node.body, scope, seen)
            self.follow(node.orelse, scope, seen)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.follow(value, scope, seen)
        elif isinstance(node, ast.Call):
            self.follow_call(node, scope, seen)
        elif isinstance(node, ast.Name) and node.id not in seen:
            self.follow_name(node.id, scope, seen | {node.id})

    def follow_call(self, call: ast.Call, scope: Scope, seen: set[str]) -> None:
        name = callee(call)
        if name in TRANSLATE:
            return
        if isinstance(call.func, ast.Attribute) and name in ("format", "join"):
            # "…".format(…) and "…".join(…): the text before the dot; a value given to a
            # placeholder as a literal is a text too.
            self.follow(call.func.value, scope, seen)
            for value in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(value, ast.Constant | ast.JoinedStr):
                    self.follow(value, scope, seen)
            return
        for function in self.candidates(call):
            if not function.method:  # a method's name is too often a dict's or a str's
                self.returning.add(id(function))

    def follow_name(self, name: str, scope: Scope, seen: set[str]) -> None:
        if name in scope.params or name in scope.keyword_only:
            scope.handed.add(name)
            return
        here: Scope | None = scope
        while here is not None:
            values = here.assigned(name)
            if values:
                for value in values:
                    self.follow(value, here, seen)
                return
            here = here.outer

    def hole(self, node: ast.expr, scope: Scope) -> None:
        if (scope.module.name, scope.name) in ALLOWED:
            self.allowed.add((scope.module.name, scope.name))
            return
        where = f"src/kouryu_cli/{scope.module.name}:{node.lineno}"
        self.holes.add(Hole(where, ast.unparse(node)))


def test_every_message_goes_through_translation() -> None:
    reader = Reader([read_module(p) for p in sorted(PACKAGE.rglob("*.py"))])
    found = reader.read()
    assert reader.allowed == ALLOWED, "an allowed place no longer writes English: drop it"
    assert not found, (
        "messages a person reads but no translation function sees; wrap each in _() "
        "(N_() for help built at import), with named placeholders, then update the "
        "catalogs (python tools/catalogs.py extract, update, translate, compile):\n"
        + "\n".join(map(str, found))
    )


# Each line marked "# hole" must be found, and no other line.
SAMPLE = """
import sys
import typer
from kouryu_cli.core.errors import OutputError, UsageError
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.core.i18n import N_, _, ngettext


def say(message):
    sys.stderr.write(message)


def note(ctx, message):
    if not ctx.quiet:
        say(message)


class NumberError(ValueError):
    pass


class Checker:
    def fail(self, path, message):
        self.problems.append(Problem("f", None, None, path, message))

    def holes(self, path, text, n, written, ctx, name, more, notes):
        raise UsageError(f"'{text}' matches {n} departments")  # hole
        raise NumberError(f"expected a number, got '{written}'")  # hole
        message = "{path} is a folder".format(path=path)  # hole
        raise UsageError(message)
        raise OutputError(path, "is a folder")  # hole
        Problem(name, 1, 2, "value", "not a number")  # hole
        raise DataFileError.single(name, f"YAML error: {name}")  # hole
        note(ctx, "nothing matched")  # hole
        sys.stderr.write("kouryu: interrupted")  # hole
        typer.echo("no answer", err=True)  # hole
        typer.Option("--by", help="Count by dept or policy.")  # hole
        raise typer.BadParameter("not a year")  # hole
        self.fail(path, "must not be empty")  # hole
        raise UsageError(need_library())
        notes.append("the year is projected")  # hole
        raise UsageError("kouryu: " + f"{more} more aliases")  # hole
        raise UsageError(_("{n} or {m}").format(n=n, m="not both"))  # hole
        raise UsageError(_("a") if n else "nothing")  # hole

    def fine(self, ctx, path, name, n, error):
        raise UsageError(_("{path}: nothing matched").format(path=path))
        raise UsageError(f"{name}: {error}")
        raise UsageError(str(error))
        raise TypeError(f"not JSON serializable: {name}")
        raise OutputError(path, error)
        raise UsageError(ngettext("{n} file", "{n} files", n).format(n=n))
        note(ctx, "kouryu: " + _("interrupted"))
        say(f"{path}: {error}")
        typer.Option("--dept", help=N_("所管課, repeatable."))
        raise UsageError(f"--format {name}")
        raise DataFileError([Problem(path, None, None, "", _("the file is empty"))])
        say("、".join(name))
        self.fail(path, _("must not be empty"))
        sys.stdout.write("kouryu 1.0")
        typer.echo("a table line")
        self.rows.append("a row of data")


def need_library():
    return "openpyxl is needed"  # hole
"""


def test_the_check_finds_every_kind_of_hole(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE, encoding="utf-8")
    module = read_module(sample)
    module.path = PACKAGE / "sample.py"  # shown as it would be in the package
    found = Reader([module]).read()
    marked = {n for n, line in enumerate(SAMPLE.split("\n"), 1) if line.endswith("# hole")}
    assert {h.where for h in found} == {f"src/kouryu_cli/sample.py:{n}" for n in marked}


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("{path}: {reason}", False),
        ("kouryu: ", False),
        ("、", False),
        ("--format {name}", False),
        ("-o {path}", False),
        ("{path}: nothing matched", True),
        ("' matches ", True),
        ("use -o FILE", True),
        ("所管課", False),
    ],
)
def test_a_text_speaks_when_it_holds_an_english_word(text: str, spoken: bool) -> None:
    assert speaks(text) is spoken


def test_every_command_docstring_is_in_the_catalog() -> None:
    """Typer's help of a command is its docstring: the extractor must find each of them.

    Built in English (conftest), a command's help is its docstring as written.
    """
    import sys

    from kouryu_cli.cli import NAMES, app, command

    sys.path.insert(0, str(ROOT))
    try:
        from tools import babel_extract
    finally:
        sys.path.remove(str(ROOT))
    extracted = set()
    for path in PACKAGE.rglob("*.py"):
        with path.open("rb") as stream:
            extracted |= {m[2] for m in babel_extract.extract(stream, None, None, {})}
    import typer.main

    pending = [("kouryu", typer.main.get_command(app))]
    pending += [(f"kouryu {name}", command(name)) for name in NAMES]
    missing = []
    while pending:
        path, built = pending.pop()
        if not built.help or built.help not in extracted:
            missing.append(f"{path}: {built.help!r}")
        if isinstance(getattr(built, "commands", None), dict):  # a group: its commands too
            pending += [(f"{path} {n}", c) for n, c in built.commands.items()]
    assert len(extracted) > 250  # the extractor read the package
    assert missing == [], "commands whose help the catalog does not hold:\n" + "\n".join(missing)
