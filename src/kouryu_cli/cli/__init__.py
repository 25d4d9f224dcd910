"""The `kouryu` command: a thin Typer layer over the library.

The command modules (each feature's command.py and actuals_command.py, and validate.py here)
do not use `from __future__ import annotations`: Typer reads every annotation of a command
twice (inspect.signature(eval_str=True) and get_type_hints), and a string annotation is
compiled each time, a cost paid on every run. Names imported only for type checking are
quoted where a signature uses them.
"""

import functools
import gettext
import importlib
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from kouryu_cli import __version__
from kouryu_cli.cli.options import Settings, say
from kouryu_cli.core import i18n
from kouryu_cli.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, KouryuError
from kouryu_cli.core.i18n import N_, _
from kouryu_cli.core.textnorm import strip_controls

SHORT_HELP = N_("""\
kouryu — query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム

  kouryu measures --age 65+          measures for people aged 65 and over
  kouryu dept 高齢福祉課             a department's measures (part of its name will do)
  kouryu search ボランティア         full-text search
  kouryu show 2-1-07                 one measure in full
  kouryu outline                     the whole field as a tree
  kouryu matrix                      所管課 × 対象年代
  kouryu indicators                  the evaluation of the indicators
  kouryu actuals template -o F.xlsx  a form for the actual values
  kouryu report -o 評価報告.html     the evaluation report (one printable file)
  kouryu diff OLD.yaml NEW.yaml      compare two editions
  kouryu validate [FILE]             check a plan file
  kouryu progress --help             progress management (forms: make, collect, sum up)

All commands: kouryu --help    What a command does: kouryu COMMAND --help
""")


# The commands, in the order --help lists them, by the module that holds them. A module holds
# functions named as their commands, or one group of commands (a typer.Typer) named `app`.
# A run imports and builds only the module of the command it runs.
COMMANDS: dict[str, tuple[str, ...]] = {
    "kouryu_cli.measures.command": ("measures", "dept", "search", "show", "outline", "matrix"),
    "kouryu_cli.indicators.command": ("indicators",),
    "kouryu_cli.indicators.actuals_command": ("actuals",),
    "kouryu_cli.report.command": ("report",),
    "kouryu_cli.editions.command": ("diff",),
    "kouryu_cli.cli.validate": ("validate",),
    "kouryu_cli.progress.command": ("progress",),
}
NAMES: tuple[str, ...] = tuple(name for names in COMMANDS.values() for name in names)
_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "pretty_exceptions_show_locals": False,
}


class _Context(typer.Context):
    """A context whose help is wrapped by display width: a Japanese character takes two columns."""

    def make_formatter(self) -> Any:
        from kouryu_cli.cli.helpformat import HelpFormatter  # only for help: not every start-up

        return HelpFormatter(width=self.terminal_width, max_width=self.max_content_width)


class _Localized:
    """Help in the user's language: the texts of the command, its options, the usage line.

    The texts are written in English in the code (docstrings, help=) and translated when
    the Click command is built, in the language of the run.
    """

    context_class: Any = _Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = {
            attribute: getattr(self, attribute, None)
            for attribute in ("help", "short_help", "epilog")
        }
        self.param_sources = [(p, getattr(p, "help", None)) for p in getattr(self, "params", ())]
        self.localize()

    def localize(self) -> None:
        """Translate the texts as written in the code into the language of this run."""
        for attribute, text in self.sources.items():
            if text:
                setattr(self, attribute, i18n.localized(text))
        for param, text in self.param_sources:
            if text:
                param.help = i18n.localized(text)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class _Command(_Localized, TyperCommand):
    """A command of kouryu."""

    __slots__ = ()


class _SubGroup(_Localized, TyperGroup):
    """A group of commands under kouryu (actuals, progress)."""

    __slots__ = ()


def command(name: str) -> Any:
    """The Click command of one of NAMES, built the first time it is asked for."""
    return _build(name, i18n.current())


@functools.cache
def _build(name: str, language: str) -> Any:
    """The command in one language (a process speaks one; tests switch)."""
    module = importlib.import_module(next(m for m, names in COMMANDS.items() if name in names))
    group = getattr(module, "app", None)
    if isinstance(group, typer.Typer):
        _localize(group)
        built = typer.main.get_command(group)
        built.name = name
        return built
    single = typer.Typer(**_SETTINGS)
    single.command(name, cls=_Command)(getattr(module, name))
    return typer.main.get_command(single)


def _localize(sub_app: typer.Typer) -> None:
    """Build a sub-app's group and its commands with the localized help."""
    if not sub_app.info.cls or sub_app.info.cls is TyperGroup:
        sub_app.info.cls = _SubGroup
    for info in sub_app.registered_commands:
        if not info.cls or info.cls is TyperCommand:  # @app.command() names TyperCommand
            info.cls = _Command
    for group in sub_app.registered_groups:
        if group.typer_instance is not None:
            _localize(group.typer_instance)


class _Group(_Localized, TyperGroup):
    """The command group: lazy commands, and one place for every expected failure.

    The library's errors, the broken pipe of `| head`, and Click's own usage errors (a bad
    option value, an unknown option or command) become one message on stderr and their
    exit status here.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # The group was built before the run chose its language (typer builds it first).
        _speak(i18n.language())
        self.localize()
        return super().main(*args, **kwargs)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(NAMES)

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        completion_help = {
            "install_completion": _("Install completion for the current shell."),
            "show_completion": _(
                "Show completion for the current shell, to copy it or customize the installation."
            ),
        }
        for param in params:
            if param.name in completion_help:
                param.help = completion_help[param.name]
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        self.arguments = list(args)  # as typed: to show where a misplaced option goes
        result: list[str] = super().parse_args(ctx, args)
        return result

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return command(cmd_name) if cmd_name in NAMES else None

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:  # `kouryu --help | head -1`
            _silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except typer.TyperException as error:
            _usage_exit(error)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KouryuError as error:
            _flush_stdout()
            say(_message(error))
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`kouryu measures | head -1`). Click would exit 1, which
            # means "nothing found" here; and unflushed output would print "Exception ignored".
            _silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except typer.TyperException as error:
            _usage_exit(error, getattr(self, "arguments", []))


def _usage_exit(error: Exception, arguments: list[str] | None = None) -> NoReturn:
    """Click's usage error as one line in the user's language (cli/usage.py), exit 2.

    Click echoes the bad value back ("no such command '…'"); say() keeps escapes out.
    """
    if getattr(error, "format_message", None) is None:  # not a usage error: Click's own
        raise error
    from kouryu_cli.cli.usage import usage_message  # only for a mistake: not every start-up

    say(f"kouryu: {usage_message(error, arguments or [])}")
    raise typer.Exit(getattr(error, "exit_code", EXIT_USAGE))


def _speak(language: str) -> None:
    """Speak language in this process: kouryu's messages and Typer's own words.

    Typer words its help (Options, default: …) with the standard gettext function of the
    domain `messages`; that catalog ships beside kouryu's, and gettext follows LANGUAGE.
    Setting them is process-wide policy: the entry point's business, not the library's.
    """
    i18n.use(language)
    os.environ["LANGUAGE"] = language
    gettext.bindtextdomain("messages", str(i18n.LOCALE_DIR))


app = typer.Typer(
    name="kouryu",
    cls=_Group,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    epilog=N_(
        "Exit status: 0 ok, 1 nothing found (or the editions differ), 2 usage error, "
        "3 data file error, 74 output failed, 130 interrupted. Run `kouryu` alone for examples."
    ),
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kouryu {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            envvar="KOURYU_DATA",
            metavar="PATH",
            dir_okay=True,
            help=N_("Plan file to read instead of the shipped one (also KOURYU_DATA)."),
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help=N_("Do not read or write the cache of parsed plans."))
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help=N_("No messages on stderr (conditions, counts)."))
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Say on stderr how input files were read: encoding, format, and every guess."),
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=N_("Print the version and exit.")
        ),
    ] = False,
) -> None:
    """Query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム."""
    ctx.obj = Settings(data=data, use_cache=not no_cache, quiet=quiet, verbose=verbose)
    if ctx.invoked_subcommand is None:
        sys.stdout.write(_(SHORT_HELP))
        raise typer.Exit(EXIT_OK)


class _Interrupted(BaseException):
    """Ctrl-C, raised past Click so that it does not turn it into 'Aborted!' and status 1."""


def _on_sigint(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    """Entry point: run the app, turning expected failures into messages and exit statuses."""
    _hold_standard_descriptors()
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        app(prog_name="kouryu")
    except _Interrupted:
        _quiet_exit(EXIT_INTERRUPTED, "kouryu: " + _("interrupted"))
    except KouryuError as error:
        _quiet_exit(error.exit_code, _message(error))
    except BrokenPipeError:
        _quiet_exit(EXIT_OK, "")
    except UnicodeEncodeError as error:
        encoding = getattr(sys.stdout, "encoding", "?")
        _quiet_exit(
            EXIT_USAGE,
            # The character itself cannot be shown in that encoding: name it by code point.
            "kouryu: "
            + _(
                "the terminal's encoding {encoding} cannot show {code}; "
                "set PYTHONIOENCODING=utf-8 or use -o FILE"
            ).format(encoding=encoding, code=f"U+{ord(error.object[error.start]):04X}"),
        )
    except Exception:
        if os.environ.get("KOURYU_DEBUG") == "1":
            raise
        _quiet_exit(
            EXIT_INTERNAL,
            "kouryu: "
            + _(
                "internal error; please report it with the command you ran "
                "(KOURYU_DEBUG=1 shows the details)"
            ),
        )


def _message(error: KouryuError) -> str:
    # Messages quote file contents and arguments: control characters are shown, not sent.
    text = "\n".join(strip_controls(line) for line in str(error).split("\n"))
    return "\n".join(
        f"kouryu: {line}" if i == 0 else line for i, line in enumerate(text.splitlines() or [""])
    )


def _hold_standard_descriptors() -> None:
    """Point a closed stdin, stdout or stderr (`>&-`) at /dev/null.

    Python has already set sys.stdout (or sys.stderr) to None for a closed one, so output
    still fails cleanly (exit 74) and messages are dropped; but the next file opened can no
    longer take descriptor 1 or 2, where a stray write would land in the user's file.
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)


def _flush_stdout() -> None:
    """Flush stdout; if it cannot take the output, point it at /dev/null so exit is quiet."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (CliRunner, pytest)
        pass


def _quiet_exit(code: int, message: str) -> None:
    """Exit with code; stdout may be a closed pipe, so it is pointed at /dev/null first."""
    _flush_stdout()
    if message:
        say(message)
    sys.exit(code)
