"""What every command shares: the plan it reads, and where and how its output goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kouryu_cli import planfile
from kouryu_cli.errors import UsageError
from kouryu_cli.textnorm import strip_controls
from kouryu_cli.views import formats as render

if TYPE_CHECKING:
    from kouryu_cli.model import Plan


@dataclass
class Settings:
    """Global options, kept on the Click context."""

    data: Path | None = None
    use_cache: bool = True
    quiet: bool = False


def settings(ctx: typer.Context) -> Settings:
    """The global options of this run."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def plan(ctx: typer.Context) -> Plan:
    """The plan this run reads."""
    current = settings(ctx)
    return planfile.open_plan(current.data, use_cache=current.use_cache)


def note(ctx: typer.Context, message: str) -> None:
    """A message for the person (stderr), unless --quiet."""
    if not settings(ctx).quiet:
        # Notes quote the query: an escape sequence in an argument must not reach the terminal.
        sys.stderr.write(strip_controls(message) + "\n")


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, csv, tsv or markdown. Default: table on a terminal, "
        "tab-separated lines in a pipe.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        dir_okay=False,
        help="Write to FILE (replaced atomically). FILE.xlsx writes an Excel workbook.",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="ENC",
        help="Text encoding of the output, e.g. cp932. CSV defaults to UTF-8 with a BOM.",
        show_default=False,
    ),
]
NoBomOption = Annotated[
    bool, typer.Option("--no-bom", help="CSV without the UTF-8 BOM that Excel needs.")
]


@dataclass(frozen=True)
class Output:
    """Where and how a command writes its result."""

    format: str | None = None
    path: Path | None = None
    encoding: str | None = None
    bom: bool = True

    def resolved_format(self, allowed: tuple[str, ...] = render.FORMATS) -> str:
        """The format asked for, from --format, the file suffix, or the terminal."""
        chosen = self.format
        if chosen is None and self.path is not None:
            chosen = _SUFFIXES.get(self.path.suffix.lower())
        if chosen is None:
            chosen = "table" if self.path is None and sys.stdout.isatty() else "plain"
        chosen = chosen.lower()
        if chosen == "md":
            chosen = "markdown"
        if chosen not in (*allowed, "plain"):
            raise UsageError(f"unknown format '{self.format}' (expected {', '.join(allowed)})")
        if chosen == "xlsx":
            _check_xlsx(self.path)
        return chosen


def _check_xlsx(path: Path | None) -> None:
    """A workbook needs a file and openpyxl: say so before any work is done."""
    if path is None:
        raise UsageError("xlsx needs a file: use -o FILE.xlsx")
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:
        raise UsageError(
            "writing .xlsx needs openpyxl: pip install 'kouryu[excel]' (or pip install openpyxl)"
        )


_SUFFIXES = {
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".md": "markdown",
    ".xlsx": "xlsx",
    ".svg": "svg",
    ".txt": "table",
}


def emit_listing(listing: render.Listing, out: Output, *, header_in_pipe: bool = False) -> None:
    """Write a listing in the chosen format to stdout or the output file."""
    fmt = out.resolved_format((*render.FORMATS, "xlsx"))
    if fmt == "xlsx" and out.path is not None:
        from kouryu_cli.views import xlsx

        write_bytes_atomic(out.path, xlsx.workbook_bytes(listing))
        return
    if fmt == "table":
        emit_rich(lambda console: _draw(listing, console), out)
        return
    if fmt == "json":
        emit_text(render.to_json(listing.records), out, rows=listing)
    elif fmt == "csv":
        emit_text(render.to_csv(listing), out, csv_bom=out.bom, rows=listing)
    elif fmt == "tsv":
        emit_text(render.to_tsv(listing), out, rows=listing)
    elif fmt == "markdown":
        emit_text(render.to_markdown(listing), out, rows=listing)
    else:
        emit_text(render.to_tsv(listing, header=header_in_pipe), out, rows=listing)


def emit_document(
    out: Output, record: Any, draw: Callable[[Any], None], text: Callable[[bool], str]
) -> None:
    """One document (a measure, the outline): JSON, a Rich view, or Markdown / plain text."""
    chosen = out.resolved_format(("table", "json", "markdown"))
    if chosen == "json":
        emit_text(render.to_json(record), out)
    elif chosen == "table":
        emit_rich(draw, out)
    else:
        emit_text(text(chosen == "markdown"), out)


def _draw(listing: render.Listing, console: Any) -> None:
    from kouryu_cli.views import terminal as richview

    richview.draw_listing(listing, console)


def emit_rich(draw: Any, out: Output) -> None:
    """Draw with Rich on the terminal, or into the output file without colour."""
    from kouryu_cli.views import terminal as richview

    if out.path is None:
        draw(richview.console())
        return
    import io

    from rich.console import Console

    buffer = io.StringIO()
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 120
    draw(
        Console(
            file=buffer,
            width=width,
            color_system=None,
            highlight=False,
            markup=False,
            emoji=False,
            force_terminal=False,
        )
    )
    emit_text(buffer.getvalue(), out)


def emit_text(
    text: str, out: Output, *, csv_bom: bool = False, rows: render.Listing | None = None
) -> None:
    """Encode text and write it to stdout or, atomically, to the output file."""
    encoding = out.encoding or (None if out.path is None else "utf-8")
    if encoding is None:
        encoding = sys.stdout.encoding or "utf-8"
    try:
        data = text.encode(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'") from None
    except UnicodeEncodeError as error:
        raise UsageError(_unencodable(error, encoding, rows)) from None
    if csv_bom and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    if out.path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_bytes_atomic(out.path, data)


def _unencodable(error: UnicodeEncodeError, encoding: str, rows: render.Listing | None) -> str:
    char = error.object[error.start]
    where = ""
    if rows is not None:
        for index, row in enumerate(rows.rows, 1):
            for column, cell in zip(rows.columns, row, strict=False):
                if char in cell:
                    where = f" in record {index} ({row[0]}), field {column}"
                    break
            if where:
                break
    return (
        f"character '{char}' (U+{ord(char):04X}){where} cannot be written in {encoding}; "
        "use UTF-8 (the default) or remove the character"
    )


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace path with data in one step: a failure never leaves a half-written file."""
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise UsageError(f"{path} is a folder")
    import tempfile  # only when writing a file: it costs milliseconds of every start-up

    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            Path(temp).chmod(path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            Path(temp).chmod(0o666 & ~umask)
        Path(temp).replace(path)
    except OSError as error:
        # A full disk or a vanished folder: the old file is still there, untouched.
        Path(temp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
