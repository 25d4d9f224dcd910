"""Where a command's result goes and in which format: resolved once, rendered once, written once.

A command gets its output options as one Request (options.output_options); resolve() settles
--format, the suffix of -o and the terminal against the formats that command writes, before
any work is done. The emit_* functions render the result once and hand the bytes to
files.writing, which never replaces a link, a pipe or a device and replaces a regular file
atomically.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kouryu_cli.core.errors import OutputError, UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import codec_name
from kouryu_cli.files.writing import replaces, require_stdout, write_file, write_stdout

if TYPE_CHECKING:
    from rich.console import Console

    from kouryu_cli.render.document import Document
    from kouryu_cli.render.listing import Listing

# The suffix each format is recognised by (and named by in messages).
SUFFIXES = {
    ".txt": "table",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xlsx": "xlsx",
    ".svg": "svg",
    ".html": "html",
    ".htm": "html",
}
_FORMAT_NAMES = {"md": "markdown", "txt": "table", "text": "table"}
_BINARY = ("xlsx",)
_ENCODED = ("csv", "tsv", "plain")  # what --encoding changes: text for a spreadsheet or a pipe


@dataclass(frozen=True, slots=True)
class Output:
    """A resolved output: one format the command writes, and stdout (path None) or a file."""

    command: str
    format: str  # one of the command's formats, or "plain": lines for a pipe
    path: Path | None
    encoding: str | None = None
    bom: bool = True
    raw: bool = False


class Request(NamedTuple):
    """The output options as given to a command, before resolve() settles them.

    A NamedTuple, not a dataclass: it is defined at every start-up of a command, and a
    NamedTuple class is made several times faster.
    """

    command: str
    formats: tuple[str, ...]
    format: str | None = None
    path: Path | str | None = None  # -o as typed: only text keeps a trailing '/'
    encoding: str | None = None
    bom: bool = True
    raw: bool = False
    keep: bool = False  # a file that -o names exists: refuse it (a form's command, no --force)

    def resolve(self, inputs: Iterable[Path | None] = (), *, default: str | None = None) -> Output:
        """The output asked for; default is the format when neither -f nor -o FILE is given."""
        fmt = self.format
        if default is not None and (self.path is None or str(self.path) == "-"):
            fmt = fmt or default
        out = resolve(
            self.command,
            self.formats,
            fmt,
            self.path,
            encoding=self.encoding,
            bom=self.bom,
            raw=self.raw,
            inputs=inputs,
        )
        if self.keep:
            refuse_existing(out)
        return out


def resolve(
    command: str,
    formats: tuple[str, ...],
    fmt: str | None,
    path: Path | str | None,
    *,
    encoding: str | None = None,
    bom: bool = True,
    raw: bool = False,
    inputs: Iterable[Path | None] = (),
) -> Output:
    """The output a command was asked for, or a UsageError saying what it can write."""
    path = _file_path(path)
    suffixes = {f: s for s, f in reversed(SUFFIXES.items())}  # each format's first suffix
    possible = ", ".join((*formats, *(suffixes[f] for f in formats)))
    chosen = None
    if fmt is not None:
        chosen = _FORMAT_NAMES.get(fmt.strip().lower(), fmt.strip().lower())
        if chosen not in formats:
            raise UsageError(
                _("{command} cannot write {fmt}; it writes {possible}").format(
                    command=command, fmt=fmt, possible=possible
                )
            )
    if path is not None:
        _check_target(path, inputs)  # a folder is named as one, whatever its suffix says
        suffix = path.suffix.lower()
        implied = SUFFIXES.get(suffix)
        if chosen is None:
            if implied is None:
                raise UsageError(
                    _(
                        "cannot tell the format of {path} from its suffix; add "
                        "--format ({command} writes {formats})"
                    ).format(path=path, command=command, formats=", ".join(formats))
                )
            if implied not in formats:
                raise UsageError(
                    _("{command} cannot write {suffix}; it writes {possible}").format(
                        command=command, suffix=suffix, possible=possible
                    )
                )
            chosen = implied
        elif implied is not None and implied != chosen:
            raise UsageError(
                _("--format {chosen} contradicts {path}: {suffix} is {implied}").format(
                    chosen=chosen, path=path, suffix=suffix, implied=implied
                )
            )
    if chosen is None:
        chosen = "table" if _stdout_is_terminal() else "plain"
    if chosen in _BINARY:
        if path is None and _stdout_is_terminal():
            raise UsageError(_("{chosen} needs a file: use -o FILE.{chosen}").format(chosen=chosen))
        _check_openpyxl()
    if encoding is not None:
        encoding = _check_encoding(encoding, chosen)
    return Output(command, chosen, path, encoding, bom, raw)


def _file_path(path: Path | str | None) -> Path | None:
    """The file -o names; None for stdout (-). Text ending in '/' names a folder: refused."""
    if path is None or str(path) == "-":
        return None
    # Path() drops a trailing '/' (`-o out.csv/` would write out.csv): only the text has it.
    if isinstance(path, str) and path.endswith(("/", os.sep)):
        raise UsageError(_("{path} is a folder; -o needs a file").format(path=path))
    return Path(path)


def refuse_existing(out: Output) -> None:
    """A UsageError when -o names a file that exists: a blank form never replaces data.

    A command that writes a form to fill in refuses so (Request.keep) unless --force was
    given. A pipe, a device or /dev/stdout is written into, never replaced, so only a
    regular file (also through a link) is refused.
    """
    if out.path is not None and replaces(out.path):
        raise UsageError(
            _(
                "{path} already exists; nothing was written "
                "(--force replaces it, or choose another file)"
            ).format(path=out.path)
        )


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def _check_target(path: Path, inputs: Iterable[Path | None]) -> None:
    """-o must name a file, and not one this command reads."""
    try:
        info = path.stat()
    except OSError:
        return  # a new file (or one the write will report on)
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(_("{path} is a folder; -o needs a file").format(path=path))
    for source in inputs:
        other = _input_stat(source)
        if other is None or not stat.S_ISREG(info.st_mode):
            continue
        if (other.st_dev, other.st_ino) != (info.st_dev, info.st_ino):
            continue
        if str(source) == "-":  # `--actuals - < x.csv -o x.csv`
            raise UsageError(
                _(
                    "-o {path} is the file read from standard input; choose another output file"
                ).format(path=path)
            )
        raise UsageError(
            _("-o {path} is the input file {source}; choose another output file").format(
                path=path, source=source
            )
        )


def _input_stat(source: Path | None) -> os.stat_result | None:
    """What an input is on disk; for '-', the file behind standard input, if any."""
    if source is None:
        return None
    try:
        if str(source) == "-":
            return None if sys.stdin is None else os.fstat(sys.stdin.fileno())
        return source.stat()
    except (OSError, ValueError):  # no descriptor (a test's stdin), or a closed one
        return None


def _check_openpyxl() -> None:
    import importlib.util

    from kouryu_cli.render.xlsx import need_openpyxl

    if importlib.util.find_spec("openpyxl") is None:
        raise UsageError(need_openpyxl())


def _check_encoding(name: str, fmt: str) -> str:
    if fmt not in _ENCODED:
        raise UsageError(_("--encoding is for CSV and TSV; {fmt} is always UTF-8").format(fmt=fmt))
    codec = codec_name(name)
    try:
        codecs.lookup(codec)
    except LookupError:
        raise UsageError(_("--encoding: unknown encoding '{name}'").format(name=name)) from None
    return codec


# Emitting ----------------------------------------------------------------------------------


def is_empty(out: Output, listing: Listing) -> bool:
    """Whether the listing holds nothing, asked of the shape this format builds anyway.

    JSON builds records and never rows; every other format the reverse.
    """
    return not (listing.records if out.format == "json" else listing.rows)


def emit_listing(out: Output, listing: Listing) -> None:
    """A listing in the resolved format; an empty one still writes its header to a file."""
    fmt = out.format
    if fmt in ("table", "plain") and is_empty(out, listing):
        if out.path is not None:
            emit_text(out, "")
    elif fmt == "xlsx":
        from kouryu_cli.render import xlsx

        emit_bytes(out, xlsx.workbook_bytes(listing))
    elif fmt == "table":
        from kouryu_cli.render import terminal

        emit_rich(out, lambda console: terminal.draw_listing(listing, console))
    else:
        from kouryu_cli.render.listing import render

        emit_text(out, render(listing, fmt, raw=out.raw), listing=listing)


def emit_document(out: Output, record: Any, document: Document) -> None:
    """One document (a measure, the outline): JSON, a Rich view, Markdown or plain text."""
    from kouryu_cli.render.document import document_text

    if out.format == "json":
        emit_json(out, record)
    elif out.format == "table":
        from kouryu_cli.render import terminal

        emit_rich(out, lambda console: terminal.draw_document(document, console))
    else:
        emit_text(out, document_text(document, markdown=out.format == "markdown"))


def emit_json(out: Output, value: Any) -> None:
    """JSON: a list of records one record per line, anything else indented."""
    from kouryu_cli.render.listing import to_json

    emit_text(out, to_json(value))


def emit_rich(out: Output, draw: Callable[[Console], None]) -> None:
    """Draw with Rich on the terminal, or into the output file without colour."""
    from kouryu_cli.render import terminal

    if out.path is None:
        require_stdout()
        try:
            draw(terminal.console())
            sys.stdout.flush()
        except (BrokenPipeError, UnicodeEncodeError):
            raise  # the reader went away; a character the terminal cannot show
        except (OSError, ValueError) as error:
            raise OutputError(None, error) from None
        return
    import io

    buffer = io.StringIO()
    draw(terminal.console(into=buffer, width=terminal.columns_setting() or 120))
    emit_text(out, buffer.getvalue())


def emit_text(out: Output, text: str, *, listing: Listing | None = None) -> None:
    """Encode text as asked (CSV gets Excel's BOM) and write it."""
    encoding = out.encoding
    if encoding is None:
        encoding = "utf-8" if out.path is not None else _stdout_encoding()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as error:
        raise UsageError(_unencodable(error, encoding, listing)) from None
    if out.format == "csv" and out.bom and codecs.lookup(encoding).name == "utf-8":
        data = codecs.BOM_UTF8 + data
    emit_bytes(out, data)


def emit_bytes(out: Output, data: bytes) -> None:
    """Bytes to stdout or, safely, to the output file."""
    if out.path is None:
        write_stdout(data)
    else:
        write_file(out.path, data)


def _stdout_encoding() -> str:
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def _unencodable(error: UnicodeEncodeError, encoding: str, listing: Listing | None) -> str:
    char = error.object[error.start]
    where = ""
    if listing is not None:
        for index, row in enumerate(listing.text_rows, 1):
            column = next(
                (c for c, cell in zip(listing.columns, row, strict=True) if char in cell), None
            )
            if column is not None:
                where = _(" in record {index} ({first}), field {column}").format(
                    index=index, first=row[0], column=column
                )
                break
    return _(
        "character '{char}' (U+{code:04X}){where} cannot be written "
        "in {encoding}; use UTF-8 (the default) or remove the "
        "character"
    ).format(char=char, code=ord(char), where=where, encoding=encoding)
