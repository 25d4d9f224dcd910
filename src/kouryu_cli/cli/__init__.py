"""The `kouryu` command: a thin Typer layer over the library."""

from __future__ import annotations

import functools
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
from kouryu_cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, KouryuError
from kouryu_cli.i18n import _
from kouryu_cli.textnorm import strip_controls

SHORT_HELP = """\
kouryu — 山陽小野田市 スマイルエイジング チャレンジプログラム「交流」分野を調べる

  kouryu measures --age 65+        65歳以上を対象にする事務事業
  kouryu dept 高齢福祉課           所管課の事業（名前の一部でも可）
  kouryu search ボランティア       全文検索
  kouryu show 2-1-07               1件の詳細
  kouryu outline                   分野全体の構成
  kouryu matrix                    所管課 × 対象年代
  kouryu indicators                指標の評価
  kouryu actuals template -o F.xlsx 実績値の記入用紙
  kouryu report -o 評価報告.html   評価報告書（印刷できる1ファイル）
  kouryu diff OLD.yaml NEW.yaml    2つの版の比較
  kouryu validate [FILE]           計画ファイルの検査
  kouryu progress --help           進行管理（調査票の作成・回収・集計）

すべてのコマンド: kouryu --help    各コマンドの説明: kouryu COMMAND --help
"""


# The commands, in the order --help lists them, as (module, attribute): a function is one
# command, a typer.Typer a group of them. A run imports and builds only the one it runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "measures": ("kouryu_cli.cli.measures", "measures"),
    "dept": ("kouryu_cli.cli.measures", "dept"),
    "search": ("kouryu_cli.cli.measures", "search"),
    "show": ("kouryu_cli.cli.measures", "show"),
    "outline": ("kouryu_cli.cli.measures", "outline"),
    "matrix": ("kouryu_cli.cli.measures", "matrix"),
    "indicators": ("kouryu_cli.cli.indicators", "indicators"),
    "actuals": ("kouryu_cli.cli.actuals", "app"),
    "report": ("kouryu_cli.cli.report", "report"),
    "diff": ("kouryu_cli.cli.diff", "diff"),
    "validate": ("kouryu_cli.cli.validate", "validate"),
    "progress": ("kouryu_cli.cli.progress", "app"),
}
_SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "pretty_exceptions_show_locals": False,
}


class _Localized:
    """Help in the user's language: the usage line and the help option (Click words them)."""

    __slots__ = ()

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


@functools.cache
def command(name: str) -> Any:
    """The Click command of one entry of COMMANDS, built the first time it is asked for."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        _localize(target)
        built = typer.main.get_command(target)
        built.name = name
        return built
    single = typer.Typer(**_SETTINGS)
    single.command(name, cls=_Command)(target)
    return typer.main.get_command(single)


def _localize(sub_app: typer.Typer) -> None:
    """Build a sub-app's group and its commands with the localized help."""
    sub_app.info.cls = sub_app.info.cls or _SubGroup
    for info in sub_app.registered_commands:
        info.cls = info.cls or _Command
    for group in sub_app.registered_groups:
        if group.typer_instance is not None:
            _localize(group.typer_instance)


class _Group(_Localized, TyperGroup):
    """The command group: lazy commands, and one place for every expected failure.

    The library's errors, the broken pipe of `| head`, and Click's own usage errors (a bad
    option value, an unknown option or command) become one message on stderr and their
    exit status here.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

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
        return command(cmd_name) if cmd_name in COMMANDS else None

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


app = typer.Typer(
    name="kouryu",
    cls=_Group,
    help="Query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム.",
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    epilog="Exit status: 0 ok, 1 nothing found (or the editions differ), 2 usage error, "
    "3 data file error, 74 output failed, 130 interrupted. Run `kouryu` alone for examples.",
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
            help="Plan file to read instead of the shipped one (also KOURYU_DATA).",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the cache of parsed plans.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No messages on stderr (conditions, counts).")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Say on stderr how input files were read: encoding, format, and every guess.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム.

    Exit status: 0 ok, 1 nothing found (or editions differ), 2 usage error,
    3 data file error, 74 output failed, 130 interrupted.
    """
    ctx.obj = Settings(data=data, use_cache=not no_cache, quiet=quiet, verbose=verbose)
    if ctx.invoked_subcommand is None:
        sys.stdout.write(SHORT_HELP)
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
        _quiet_exit(EXIT_INTERRUPTED, "kouryu: interrupted")
    except KouryuError as error:
        _quiet_exit(error.exit_code, _message(error))
    except BrokenPipeError:
        _quiet_exit(EXIT_OK, "")
    except UnicodeEncodeError as error:
        encoding = getattr(sys.stdout, "encoding", "?")
        _quiet_exit(
            EXIT_USAGE,
            # The character itself cannot be shown in that encoding: name it by code point.
            f"kouryu: the terminal's encoding {encoding} cannot show "
            f"U+{ord(error.object[error.start]):04X}; set PYTHONIOENCODING=utf-8 or use "
            "-o FILE",
        )
    except Exception:
        if os.environ.get("KOURYU_DEBUG") == "1":
            raise
        _quiet_exit(
            EXIT_INTERNAL,
            "kouryu: internal error; please report it with the command you ran "
            "(KOURYU_DEBUG=1 shows the details)",
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
