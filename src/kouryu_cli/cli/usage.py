"""Click's usage errors as one line in the user's language: `kouryu: --age: …`.

Click (vendored in Typer) words its errors in English f-strings; each kind is rendered here
from the exception's own fields, so that a Japanese user meets no English sentence.
"""

from __future__ import annotations

import re

from kouryu_cli.core.i18n import _

# The options of kouryu itself, and whether each takes a value.
GLOBAL_OPTIONS = {"--data": True, "--no-cache": False, "--quiet": False, "-q": False}

_NOT_VALID = re.compile(r"^'(?P<value>.*)' is not a valid (?P<kind>[\w ]+)\.$", re.S)
_REQUIRES = re.compile(r"^Option '(?P<option>[^']+)' requires (an argument|\d+ arguments)\.$")
_NO_VALUE = re.compile(r"^Option '(?P<option>[^']+)' does not take a value\.$")
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.*)\)$", re.S)
_NO_COMMAND = re.compile(r"^No such command '(?P<name>.*)'\.$", re.S)
_PATH = re.compile(
    r"^(?:File|Directory|Path) (?P<value>'.*') (?P<what>is a file|is a directory|does not exist"
    r"|is not readable|is not writable)\.$",
    re.S,
)


def usage_message(error: Exception, arguments: list[str]) -> str:
    """The one line (without the `kouryu: ` prefix) that says what was wrong."""
    kind = type(error).__name__
    param = getattr(error, "param", None)
    message = str(getattr(error, "message", "") or "")
    misplaced = _misplaced(error, arguments)
    if misplaced is not None:
        return misplaced
    if kind == "MissingParameter":
        return _missing(param)
    if kind == "NoSuchOption":
        return _no_such_option(error)
    if param is not None and kind not in _USAGE_KINDS:
        return f"{_param_name(param)}: {_bad_value(message)}"
    return _usage(message)


_USAGE_KINDS = ("BadOptionUsage", "BadArgumentUsage", "UsageError", "NoArgsIsHelpError")


def _missing(param: object) -> str:
    name = _param_name(param) if param is not None else ""
    if getattr(param, "param_type_name", "") == "argument":
        return _("missing argument {name}").format(name=name)
    return _("missing option {name}").format(name=name)


def _no_such_option(error: Exception) -> str:
    name = getattr(error, "option_name", "")
    possibilities = sorted(getattr(error, "possibilities", None) or ())
    line = _("no such option: {name}").format(name=name)
    if possibilities:
        line += " " + _("(did you mean {names}?)").format(names=", ".join(possibilities))
    return line


def _param_name(param: object) -> str:
    """--policy for an option (its longest name), OLD for an argument."""
    opts = getattr(param, "opts", None) or []
    if getattr(param, "param_type_name", "") == "argument":
        return str(getattr(param, "human_readable_name", "") or (opts[0] if opts else ""))
    return str(max(opts, key=len)) if opts else ""


def _bad_value(message: str) -> str:
    if path := _PATH.match(message):
        problems = {
            "is a file": _("{path} is a file, not a folder"),
            "is a directory": _("{path} is a folder, not a file"),
            "does not exist": _("{path} does not exist"),
            "is not readable": _("{path} cannot be read (permission denied)"),
            "is not writable": _("{path} cannot be written (permission denied)"),
        }
        return problems[path.group("what")].format(path=path.group("value"))
    match = _NOT_VALID.match(message)
    if match is None:
        return message
    kinds = {
        "int": _("a whole number"),
        "integer": _("a whole number"),
        "float": _("a number"),
        "boolean": _("yes or no"),
    }
    kind = match.group("kind")
    return _("'{value}' is not {kind}").format(
        value=match.group("value"), kind=kinds.get(kind, kind)
    )


def _usage(message: str) -> str:
    if match := _REQUIRES.match(message):
        return _("{option} needs a value").format(option=match.group("option"))
    if match := _NO_VALUE.match(message):
        return _("{option} takes no value").format(option=match.group("option"))
    if match := _EXTRA.match(message):
        return _("unexpected extra argument: {extra}").format(extra=match.group("extra"))
    if (name := _no_command(message)) is not None:
        return _("no such command: {name} (kouryu --help lists them)").format(name=name)
    if message in ("Missing command.", typer_words("Missing command.")):
        return _("missing command (kouryu --help lists them)")
    return message


def typer_words(message: str) -> str:
    """A message of Typer's own as Typer says it in this run's language (domain messages)."""
    import gettext

    return gettext.dgettext("messages", message)


def _no_command(message: str) -> str | None:
    """The name in Typer's 'No such command', as worded in English or in this run's language
    (Typer translates it before kouryu sees it)."""
    said = re.escape(typer_words("No such command {name!r}.")).replace(
        re.escape("{name!r}"), "'(?P<name>.*)'"
    )
    for pattern in (_NO_COMMAND, re.compile(f"^{said}$", re.S)):
        if match := pattern.match(message):
            return match.group("name")
    return None


def _misplaced(error: Exception, arguments: list[str]) -> str | None:
    """For a global option typed after the command, the command line it belongs in."""
    name = getattr(error, "option_name", None)
    if type(error).__name__ != "NoSuchOption" or name not in GLOBAL_OPTIONS:
        return None
    moved: list[str] = []
    rest: list[str] = []
    taking = False
    for argument in arguments:
        if taking:
            moved.append(argument)
            taking = False
        elif argument == name:
            moved.append(argument)
            taking = GLOBAL_OPTIONS[name]
        elif argument.startswith(f"{name}="):
            moved.append(argument)
        else:
            rest.append(argument)
    corrected = " ".join(shell_word(a) for a in ["kouryu", *moved, *rest])
    return _("{name} is an option of kouryu itself and goes before the command: {line}").format(
        name=name, line=corrected
    )


def shell_word(argument: str) -> str:
    """An argument as typed in a shell: quoted only when it must be (高齢 stays as it is)."""
    if argument and not any(c in argument for c in " \t\n'\"\\$`!*?;&|<>(){}[]#~"):
        return argument
    import shlex

    return shlex.quote(argument)
