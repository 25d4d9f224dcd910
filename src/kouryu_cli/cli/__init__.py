"""The `kouryu` command: a thin Typer layer over the library."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from kouryu_cli import __version__
from kouryu_cli.cli.common import Settings
from kouryu_cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, KouryuError
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
  kouryu report -o 評価報告.html    評価報告書（印刷できる1ファイル）
  kouryu diff OLD.yaml NEW.yaml    2つの版の比較
  kouryu validate [FILE]           計画ファイルの検査

すべてのコマンド: kouryu --help    各コマンドの説明: kouryu COMMAND --help
"""


class _Group(TyperGroup):
    """Turns the library's expected failures into one message and their exit status."""

    def list_commands(self, ctx: Any) -> list[str]:
        # The order people need them in, not the order the modules happen to load.
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER))

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:  # `kouryu --help | head -1`
            _silence_stdout()
            raise typer.Exit(EXIT_OK) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KouryuError as error:
            sys.stderr.write(_message(error) + "\n")
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`kouryu measures | head -1`). Click would exit 1, which
            # means "nothing found" here; and unflushed output would print "Exception ignored".
            _silence_stdout()
            raise typer.Exit(EXIT_OK) from None
        except ClickException as error:
            # Click echoes the bad value back ("no such command '…'"): keep escapes out.
            error.message = strip_controls(error.message)
            raise


_ORDER = (
    "measures",
    "dept",
    "search",
    "show",
    "outline",
    "matrix",
    "indicators",
    "report",
    "diff",
    "validate",
)

app = typer.Typer(
    name="kouryu",
    cls=_Group,
    help="Query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム.",
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    epilog="Exit status: 0 ok, 1 nothing found (or the editions differ), 2 usage error, "
    "3 plan file error, 130 interrupted. Run `kouryu` alone for examples.",
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
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Query the 「交流」 field of 山陽小野田市's スマイルエイジング チャレンジプログラム.

    Exit status: 0 ok, 1 nothing found (or editions differ), 2 usage error,
    3 plan file error, 130 interrupted.
    """
    ctx.obj = Settings(data=data, use_cache=not no_cache, quiet=quiet)
    if ctx.invoked_subcommand is None:
        sys.stdout.write(SHORT_HELP)
        raise typer.Exit(EXIT_OK)


# Commands register themselves on `app` when their module is imported.
from kouryu_cli.cli import diff, indicators, measures, validate  # noqa: E402, F401
from kouryu_cli.cli import report as _report  # noqa: E402

app.command("report")(_report.report_command)


class _Interrupted(BaseException):
    """Ctrl-C, raised past Click so that it does not turn it into 'Aborted!' and status 1."""


def _on_sigint(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    """Entry point: run the app, turning expected failures into messages and exit statuses."""
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


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (CliRunner, pytest)
        pass


def _quiet_exit(code: int, message: str) -> None:
    """Exit with code; stdout may be a closed pipe, so it is pointed at /dev/null first."""
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError):
        _silence_stdout()
    if message:
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except (BrokenPipeError, OSError, UnicodeEncodeError):
            pass
    sys.exit(code)
