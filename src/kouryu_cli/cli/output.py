"""Where a command's result goes, in which format, and how it is written without losing data.

resolve() settles --format, the suffix of -o and the terminal once per command, against the
formats that command writes, before any work is done. The emit_* functions then write the
result to stdout or through write_file(), which never replaces a link, a pipe or a device
and replaces a regular file atomically.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kouryu_cli.core.errors import OutputError, UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.textnorm import codec_name

if TYPE_CHECKING:
    from rich.console import Console

    from kouryu_cli.render.listing import Document, Listing

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


@dataclass(frozen=True, slots=True)
class Output:
    """A resolved output: one format the command writes, and stdout (path None) or a file."""

    command: str
    format: str  # one of the command's formats, or "plain": lines for a pipe
    path: Path | None
    encoding: str | None = None
    bom: bool = True
    raw: bool = False


def resolve(
    command: str,
    formats: tuple[str, ...],
    fmt: str | None,
    path: Path | None,
    *,
    encoding: str | None = None,
    bom: bool = True,
    raw: bool = False,
    inputs: Iterable[Path | None] = (),
) -> Output:
    """The output a command was asked for, or a UsageError saying what it can write."""
    if path is not None and str(path) == "-":
        path = None
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
        _check_target(path, inputs)
    if chosen is None:
        chosen = "table" if _stdout_is_terminal() else "plain"
    if chosen in _BINARY:
        if path is None and _stdout_is_terminal():
            raise UsageError(_("{chosen} needs a file: use -o FILE.{chosen}").format(chosen=chosen))
        _check_openpyxl()
    if encoding is not None:
        encoding = _check_encoding(encoding)
    return Output(command, chosen, path, encoding, bom, raw)


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
        if source is None or str(source) == "-":
            continue
        try:
            other = source.stat()
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino) and stat.S_ISREG(
            info.st_mode
        ):
            raise UsageError(
                _("-o {path} is the input file {source}; choose another output file").format(
                    path=path, source=source
                )
            )


def _check_openpyxl() -> None:
    import importlib.util

    from kouryu_cli.render.xlsx import need_openpyxl

    if importlib.util.find_spec("openpyxl") is None:
        raise UsageError(need_openpyxl())


def _check_encoding(name: str) -> str:
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
    from kouryu_cli.render import listing as formats

    fmt = out.format
    if fmt in ("table", "plain") and is_empty(out, listing):
        if out.path is not None:
            emit_text(out, "")
        return
    if fmt == "xlsx":
        from kouryu_cli.render import xlsx

        emit_bytes(out, xlsx.workbook_bytes(listing))
    elif fmt == "table":
        from kouryu_cli.render import terminal

        emit_rich(out, lambda console: terminal.draw_listing(listing, console))
    elif fmt == "json":
        emit_json(out, listing.records, listing=listing)
    elif fmt == "csv":
        emit_text(out, formats.to_csv(listing, raw=out.raw), listing=listing)
    elif fmt == "tsv":
        emit_text(out, formats.to_tsv(listing, raw=out.raw), listing=listing)
    elif fmt == "markdown":
        emit_text(out, formats.to_markdown(listing), listing=listing)
    else:
        emit_text(out, formats.to_plain(listing), listing=listing)


def emit_document(out: Output, record: Any, document: Document) -> None:
    """One document (a measure, the outline): JSON, a Rich view, Markdown or plain text."""
    from kouryu_cli.render import listing as formats

    if out.format == "json":
        emit_json(out, record)
    elif out.format == "table":
        from kouryu_cli.render import terminal

        emit_rich(out, lambda console: terminal.draw_document(document, console))
    else:
        emit_text(out, formats.document_text(document, markdown=out.format == "markdown"))


def emit_json(out: Output, value: Any, *, listing: Listing | None = None) -> None:
    """JSON: a listing one record per line, anything else indented."""
    from kouryu_cli.render.listing import to_json

    emit_text(out, to_json(value), listing=listing)


def emit_rich(out: Output, draw: Callable[[Console], None]) -> None:
    """Draw with Rich on the terminal, or into the output file without colour."""
    from kouryu_cli.render import terminal

    if out.path is None:
        _require_stdout()
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


# Writing -----------------------------------------------------------------------------------


def _require_stdout() -> None:
    if sys.stdout is None:
        raise OutputError(None, _("standard output is closed"))


def write_stdout(data: bytes) -> None:
    """Bytes to stdout; a full, closed or read-only stream is an OutputError (exit 74)."""
    _require_stdout()
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise  # the reader went away: the CLI exits quietly
    except (OSError, ValueError) as error:
        raise OutputError(None, error) from None


def write_file(path: Path, data: bytes) -> None:
    """Write data to the file the user named, the way that keeps every other file intact.

    - A regular file is replaced atomically (a failure leaves the old one as it was) and
      keeps its permission bits (and, as root, its owner); a new file gets the umask's.
    - A symbolic link is followed: its target is replaced, the link stays a link.
    - A FIFO, a device or a descriptor path (/dev/stdout) is opened and written into.
    """
    try:
        info: os.stat_result | None = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputError(path, error) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(path, _("is a folder"))
    if (info is not None and not stat.S_ISREG(info.st_mode)) or _is_descriptor(path):
        _write_into(path, data)
    else:
        _replace(path, Path(os.path.realpath(path)), data, info)


def _is_descriptor(path: Path) -> bool:
    """Whether path reaches an open descriptor (/dev/stdout → /proc/self/fd/1): never replace."""
    current = Path.cwd() / path
    for _step in range(40):
        if str(current).startswith(("/proc/", "/dev/fd/")):
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.normpath(current.parent / current.readlink()))
    return False


def _write_into(path: Path, data: bytes) -> None:
    # O_APPEND: a descriptor path may stand for a file the shell opened with >> .
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError as error:
        raise OutputError(path, error) from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(path, error) from None
    finally:
        os.close(handle)


def _replace(shown: Path, target: Path, data: bytes, info: os.stat_result | None) -> None:
    import tempfile  # only when writing a file: it costs milliseconds of every start-up

    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(shown, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if info is not None:
            temp.chmod(stat.S_IMODE(info.st_mode))
            if getattr(os, "geteuid", lambda: -1)() == 0:
                os.chown(temp, info.st_uid, info.st_gid)
        else:
            umask = os.umask(0)
            os.umask(umask)
            temp.chmod(0o666 & ~umask)
        temp.replace(target)
    except OSError as error:
        # A full disk, a locked file, a vanished folder: the old file is still there, untouched.
        temp.unlink(missing_ok=True)
        raise OutputError(shown, error) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
