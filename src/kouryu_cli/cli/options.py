"""What every command shares: the global settings, the plan it reads, the output options."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kouryu_cli import planfile
from kouryu_cli.cli.output import Request
from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import N_
from kouryu_cli.core.textnorm import strip_controls

if TYPE_CHECKING:
    from kouryu_cli.core.model import Plan


@dataclass(frozen=True, slots=True)
class Settings:
    """Global options, kept on the Click context."""

    data: Path | None = None
    use_cache: bool = True
    quiet: bool = False
    verbose: bool = False


def settings(ctx: typer.Context) -> Settings:
    """The global options of this run."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def plan_path(ctx: typer.Context) -> Path:
    """The plan file this run reads."""
    return settings(ctx).data or planfile.default_path()


def plan(ctx: typer.Context) -> Plan:
    """The plan this run reads; with -v, how it was read is said."""
    current = settings(ctx)
    notes: list[str] | None = [] if current.verbose else None
    read = planfile.open_plan(current.data, use_cache=current.use_cache, notes=notes)
    for line in notes or ():
        note(ctx, line)
    return read


def say(message: str) -> None:
    """A line for the person on stderr; a closed or broken stderr never changes the outcome."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        # Messages quote the query: an escape sequence in an argument must not reach a terminal.
        stream.write("".join(strip_controls(line) + "\n" for line in message.split("\n")))
        stream.flush()
    except (OSError, ValueError, UnicodeEncodeError):
        pass


def note(ctx: typer.Context, message: str) -> None:
    """A message for the person (stderr), unless --quiet."""
    if not settings(ctx).quiet:
        say(message)


_SUMMARIES = "kouryu.summaries"


def summary(ctx: typer.Context, message: str) -> None:
    """The line that says what a command wrote (49 measures), unless --quiet.

    In a command with output options it is said once the command has written its output,
    and not at all when the writing failed: a count never claims an output that was lost.
    """
    pending = ctx.meta.get(_SUMMARIES)
    if pending is None:
        note(ctx, message)
    else:
        pending.append(message)


@contextmanager
def option(name: str) -> Iterator[None]:
    """Report a bad value the library refused as a usage error of option name."""
    try:
        yield
    except (ValueError, UsageError) as error:
        raise UsageError(f"{name}: {error}") from None


def value_option(*names: str, metavar: str, help: str, **more: Any) -> Any:
    """An option that takes a value: its names, the metavar and help shown, no default shown.

    Use: `depts: Annotated[list[str] | None, value_option("--dept", metavar="NAME", help=…)]`.
    """
    return typer.Option(*names, metavar=metavar, help=help, show_default=False, **more)


def argument(metavar: str, help: str, **more: Any) -> Any:
    """An argument: the metavar and help shown, no default shown.

    Use: `files: Annotated[list[Path], argument("FILE...", N_("Actuals files …"))]`.
    """
    return typer.Argument(metavar=metavar, help=help, show_default=False, **more)


FORMAT_HELP = {
    "table": "table",
    "json": "json",
    "csv": "csv",
    "tsv": "tsv",
    "markdown": "markdown",
    "xlsx": "xlsx (-o)",
    "svg": "svg",
    "html": "html",
}


def format_option(formats: tuple[str, ...]) -> Any:
    """The -f/--format option of a command that writes these formats (its help names them).

    Use: `fmt: Annotated[str | None, format_option(FORMATS)] = None`.
    """
    names = ", ".join(FORMAT_HELP[f] for f in formats)
    return value_option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=N_(
            "{formats}. Default: from the suffix of -o; else table on a terminal, "
            "plain lines in a pipe.",
            formats=names,
        ),
    )


OutputOption = Annotated[
    str | None,  # as typed: Path() would drop the / that says zz.csv/ names a folder
    value_option(
        "--output",
        "-o",
        metavar="FILE",
        help=N_(
            "Write to FILE (replaced atomically; a link is followed, a pipe written into; "
            "- is stdout). The suffix picks the format."
        ),
    ),
]
EncodingOption = Annotated[
    str | None,
    value_option(
        "--encoding",
        metavar="ENC",
        help=N_(
            "Text encoding of the output, e.g. cp932 (also shift_jis, sjis). "
            "CSV defaults to UTF-8 with a BOM."
        ),
    ),
]
NoBomOption = Annotated[
    bool, typer.Option("--no-bom", help=N_("CSV without the UTF-8 BOM that Excel needs."))
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help=N_(
            "CSV/TSV: leave fields that start with = + - @ as they are (by default a ' "
            "keeps a spreadsheet from running them as formulas)."
        ),
    ),
]

Command = TypeVar("Command", bound=Callable[..., Any])


def output_options(
    formats: tuple[str, ...],
    *,
    name: str | None = None,
    encoding: bool = True,
    bom: bool = True,
    raw: bool = True,
    format_help: str | None = None,
    force: str | None = None,
) -> Callable[[Command], Command]:
    """Give a command the output options it has (-f, -o, --encoding, --no-bom, --raw, --force).

    Declared once here, as sqlite-utils' output_options: the command takes one keyword
    parameter `request` instead, the options as given, and settles them once with
    request.resolve(inputs). name is the command's name in messages (default: the
    function's); format_help replaces the help of --format. --encoding and --raw are
    offered only with csv or tsv among the formats, --no-bom only with csv; encoding, bom
    and raw set to False leave them out even then. force, the help of --force, is for a
    command that writes a form to fill in: its -o then never replaces an existing file
    unless --force is given. The command's summary() lines are said after it returns (or
    exits with a status of its own), never when it failed.

    Use:

        @output_options(FORMATS)
        def diff(ctx: typer.Context, old: …, new: …, *, request: output.Request) -> None:
            out = request.resolve([old, new])
    """
    fmt_option = (
        format_option(formats)
        if format_help is None
        else value_option("--format", "-f", metavar="FORMAT", help=format_help)
    )
    spreadsheet = not {"csv", "tsv"}.isdisjoint(formats)
    encoding = encoding and spreadsheet
    bom = bom and "csv" in formats
    raw = raw and spreadsheet
    added = [
        ("fmt", Annotated[str | None, fmt_option], None),
        ("output_path", OutputOption, None),
        *([("encoding", EncodingOption, None)] if encoding else []),
        *([("no_bom", NoBomOption, False)] if bom else []),
        *([("raw", RawOption, False)] if raw else []),
        *(
            [("force", Annotated[bool, typer.Option("--force", help=force)], False)]
            if force
            else []
        ),
    ]

    def decorate(command: Command) -> Command:
        shown = name or command.__name__
        signature = inspect.signature(command)
        kept = [p for p in signature.parameters.values() if p.name != "request"]
        options = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=a, default=d)
            for n, a, d in added
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = Request(
                shown,
                formats,
                kwargs.pop("fmt"),
                kwargs.pop("output_path"),
                kwargs.pop("encoding", None),
                not kwargs.pop("no_bom", False),
                kwargs.pop("raw", False),
                keep=force is not None and not kwargs.pop("force"),
            )
            ctx = next((a for a in (*args, *kwargs.values()) if isinstance(a, typer.Context)), None)
            if ctx is None:
                return command(*args, request=request, **kwargs)
            pending: list[str] = []
            ctx.meta[_SUMMARIES] = pending
            try:
                result = command(*args, request=request, **kwargs)
            except typer.Exit:
                _say_all(ctx, pending)
                raise
            _say_all(ctx, pending)
            return result

        # Typer reads the parameters from the signature and the annotations.
        wrapper.__signature__ = signature.replace(parameters=[*kept, *options])  # type: ignore[attr-defined]
        annotations = {k: v for k, v in command.__annotations__.items() if k != "request"}
        wrapper.__annotations__ = {**annotations, **{n: a for n, a, _d in added}}
        return wrapper  # type: ignore[return-value]

    return decorate


def _say_all(ctx: typer.Context, messages: list[str]) -> None:
    ctx.meta.pop(_SUMMARIES, None)
    for message in messages:
        note(ctx, message)


def complete_departments(ctx: typer.Context, incomplete: str) -> list[str]:
    """The departments that start with what was typed (shell completion)."""
    try:
        departments = planfile.open_plan(settings(ctx).data).departments
    except Exception:  # noqa: BLE001 - completion must never print a traceback into the shell
        return []
    # Typer keeps only the values that start with what was typed.
    return [d.name for d in departments if d.name.startswith(incomplete)]


DeptOption = Annotated[
    list[str] | None,
    value_option(
        "--dept",
        "-d",
        metavar="NAME",
        autocompletion=complete_departments,
        help=N_("所管課, repeatable; part of the name is enough."),
    ),
]
