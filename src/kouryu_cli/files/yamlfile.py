"""Read a YAML data file safely into plain values (dict, list, str, None), remembering positions.

Every scalar is read as the string the author wrote: no YAML 1.1 booleans (``no``),
octal (``010``) or base-60 (``1:30``) numbers. Types are decided by the schema, not by YAML.
Duplicate keys, anchors and aliases are errors: a hand-edited file must not lose data
silently, and aliases are how a small file expands into a huge one.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kouryu_cli.core.errors import os_reason
from kouryu_cli.core.i18n import _
from kouryu_cli.files import kinds, max_bytes
from kouryu_cli.files.problems import DataFileError, Problem

if TYPE_CHECKING:
    import yaml

_CHUNK = 1 << 20
MAX_DEPTH = 32
_ALIASES_SHOWN = 3
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Plain = dict[str, Any] | list[Any] | str | None


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: its plain content, and the node tree to find positions in."""

    file: str
    data: Plain
    root: Any  # yaml.Node; typed loosely so that yaml is imported only when parsing

    def problem(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> Problem:
        """A Problem at the position of path (or of its nearest existing parent).

        With key=True, the position is that of the last step's key rather than its value.
        """
        node = self.root
        for index, step in enumerate(path):
            child = _child(node, step, key=key and index == len(path) - 1)
            if child is None:
                break
            node = child
        mark = node.start_mark if node is not None else None
        return Problem(
            self.file,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            format_path(path),
            message,
        )


def format_path(path: tuple[str | int, ...]) -> str:
    """measures[12].ages[0] style."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def read_bytes(path: Path, label: str | None = None, kind: str | None = None) -> bytes:
    """The file's bytes, up to max_bytes() actually read; `-` is standard input.

    Read in chunks, whatever the file is (a regular file, /dev/stdin, a pipe, a process
    substitution, /dev/zero): the limit counts what was read, not what stat() claims, and
    Ctrl-C is honoured between chunks.
    """
    name = label or str(path)
    limit = max_bytes()
    try:
        if str(path) == "-":
            return _read_limited(sys.stdin.buffer, name, limit, None)
        if path.is_dir():
            raise DataFileError.single(
                name, _("is a folder, not {kind}").format(kind=kind or _("a plan file"))
            )
        with path.open("rb") as stream:
            info = os.fstat(stream.fileno())
            size = info.st_size if stat.S_ISREG(info.st_mode) else None
            if size is not None and size > limit:
                raise _too_big(name, limit, size)
            return _read_limited(stream, name, limit, size)
    except FileNotFoundError:
        raise DataFileError.single(name, _("no such file")) from None
    except PermissionError:
        raise DataFileError.single(name, _("permission denied: the file cannot be read")) from None
    except OSError as error:
        raise DataFileError.single(
            name, _("cannot be read: {reason}").format(reason=os_reason(error))
        ) from None


def _read_limited(stream: BinaryIO, name: str, limit: int, size: int | None) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise _too_big(name, limit, size)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(name: str, limit: int, size: int | None) -> DataFileError:
    what = (
        _("file is {size:,} bytes").format(size=size)
        if size is not None
        else _("more than {limit:,} bytes were read").format(limit=limit)
    )
    return DataFileError.single(
        name,
        _(
            "{what}, over the limit of {limit:,} bytes (raise it with the"
            " environment variable KOURYU_MAX_BYTES)"
        ).format(what=what, limit=limit),
    )


def read_text(path: Path, label: str | None = None) -> str:
    """A data file's text, in whichever encoding decode() reads, or a DataFileError saying why."""
    name = label or str(path)
    return decode(read_bytes(path, name), name)[0]


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """A text file's text as people save it, and the name of the encoding it was read in.

    The one decoder of every text file kouryu reads (plans, progress files, actuals, returned
    forms): UTF-8 with or without a BOM; UTF-16 with a BOM (Excel's "Unicode text", Notepad's
    "Unicode"); Shift_JIS (cp932: Excel's CSV and older Notepad on Japanese Windows). A file
    that is UTF-8 but for a damaged byte is reported at that byte, not read as cp932.
    EUC-JP and UTF-16 without a BOM are named, with an iconv command for the very file.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8 with a BOM"
        except UnicodeDecodeError as error:
            raise _not_utf8(raw, error.start + 3, name, damaged=True) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16 with a BOM"
        except UnicodeDecodeError as error:
            raise DataFileError.single(
                name,
                _("the file starts with a UTF-16 BOM but byte {start} is not UTF-16").format(
                    start=error.start
                ),
            ) from None
    # UTF-16 text of ASCII characters alone is valid UTF-8 too (its zero bytes are NUL
    # characters): the zero bytes tell it first.
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        raise _not_readable(name, utf16)
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        first = error.start
    if _mostly_utf8(raw):
        raise _not_utf8(raw, first, name, damaged=True)
    # Shift_JIS text almost never decodes as EUC-JP, while EUC-JP often decodes as cp932
    # (as half-width katakana): EUC-JP is ruled out first.
    try:
        raw.decode("euc_jp")
    except UnicodeDecodeError:
        pass
    else:
        raise _not_readable(name, Encoding("EUC-JP", "EUC-JP"))
    try:
        return raw.decode("cp932"), "Shift_JIS (cp932)"
    except UnicodeDecodeError:
        raise _not_utf8(raw, first, name, damaged=False) from None


def _mostly_utf8(raw: bytes) -> bool:
    """Whether the non-ASCII text is mostly valid UTF-8: a damaged UTF-8 file, not cp932.

    cp932 bytes form a valid UTF-8 character now and then (about one in five of the plan's
    Japanese characters did); a UTF-8 file with a damaged byte is valid nearly everywhere.
    """
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return sum(not c.isascii() for c in text) - bad > bad


def _not_utf8(raw: bytes, at: int, name: str, *, damaged: bool) -> DataFileError:
    """The message for byte `at`, with its line and column (counted in characters)."""
    line_start = raw.rfind(b"\n", 0, at) + 1
    line = raw.count(b"\n", 0, at) + 1
    column = len(raw[line_start:at].decode("utf-8", "replace")) + 1
    if damaged:
        message = _(
            "the file is UTF-8 text but for byte 0x{value:02x} here (a damaged or pasted"
            " character); correct it and save the file as UTF-8 again"
        )
    else:
        message = _(
            "the file is not UTF-8 text (byte 0x{value:02x}), nor UTF-16 or Shift_JIS (cp932);"
            " save it as UTF-8, or convert it with {command}, ENCODING being the encoding it"
            " was saved in"
        )
    command = Encoding("", "ENCODING").command(name)
    return DataFileError.single(name, message.format(value=raw[at], command=command), line, column)


def _not_readable(name: str, guess: Encoding) -> DataFileError:
    return DataFileError.single(
        name,
        _(
            "the file looks like {name}, which kouryu does not read; save"
            " it as UTF-8 or convert it with {value}"
        ).format(name=guess.name, value=guess.command(name)),
    )


@dataclass(frozen=True, slots=True)
class Encoding:
    """An encoding a file seems to be in, and the iconv name that converts it."""

    name: str
    iconv: str

    def command(self, file: str) -> str:
        """A shell command that writes a UTF-8 copy of file beside it (same suffix)."""
        if file in ("-", "<stdin>", "/dev/stdin"):
            return _("`iconv -f {iconv} -t UTF-8` before the pipe into kouryu").format(
                iconv=self.iconv
            )
        source = Path(file)
        suffix = source.suffix or ".txt"
        target = source.with_name(f"{source.stem}-utf8{suffix}")
        return f"`iconv -f {self.iconv} -t UTF-8 {_quote(file)} > {_quote(str(target))}`"


def _utf16_without_bom(raw: bytes) -> Encoding | None:
    """UTF-16 without a BOM, told by its zero bytes (ASCII in UTF-16 is every other byte 0)."""
    sample = raw[:4096]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if max(odd, even) < max(2, len(sample) // 16):
        return None
    if odd > even:
        return Encoding(_("UTF-16 (little-endian, without a BOM)"), "UTF-16LE")
    return Encoding(_("UTF-16 (big-endian, without a BOM)"), "UTF-16BE")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def parse(text: str, name: str) -> Document:
    """Parse YAML text into a Document; syntax errors become a DataFileError with the position."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text.splitlines(), name) from None
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, text, name) from None
    except yaml.YAMLError as error:
        raise _other_yaml_error(error, name) from None
    except RecursionError:
        raise DataFileError.single(
            name,
            _("nesting is too deep (more than {MAX_DEPTH} levels)").format(MAX_DEPTH=MAX_DEPTH),
        ) from None
    # A bare "---" (or "~") composes to a null scalar: as empty as no document at all.
    if root is None or (
        isinstance(root, yaml.ScalarNode) and not root.style and root.value in _NULLS
    ):
        raise DataFileError.single(name, _("the file is empty (or holds only comments)"))
    problems: list[Problem] = []
    data = _to_plain(root, name, problems)
    if problems:
        raise DataFileError(problems)
    return Document(name, data, root)


def _unreadable_character(error: yaml.reader.ReaderError, text: str, name: str) -> DataFileError:
    """A character YAML does not allow (a control character), at its line and column.

    PyYAML counts the position in characters, its C parser (libyaml) in bytes of UTF-8: the
    character itself is found instead, the first of its kind being the one refused.
    """
    code = error.character
    at = text.find(chr(code)) if isinstance(code, int) else -1
    if at < 0:
        return _other_yaml_error(error, name)
    message = _(
        "the character U+{code:04X} is not allowed in YAML (a control character, pasted or"
        " typed by mistake): delete it"
    ).format(code=code)
    line_start = text.rfind("\n", 0, at) + 1
    return DataFileError.single(name, message, text.count("\n", 0, at) + 1, at - line_start + 1)


def _other_yaml_error(error: yaml.YAMLError, name: str) -> DataFileError:
    """An error of a kind not foreseen: its first line, not the position PyYAML appends."""
    first = next(iter(str(error).splitlines()), "") or type(error).__name__
    return DataFileError.single(name, _("YAML error: {error}").format(error=first))


def load(path: Path, label: str | None = None, notes: list[str] | None = None) -> Document:
    """Read and parse a YAML file; notes, when given, gets how it was read (for -v)."""
    name = label or str(path)
    raw = read_bytes(path, name)
    if (what := kinds.what_it_is(raw)) is not None:  # a workbook, a PDF, a picture …
        raise DataFileError.single(name, _("{what}, not a YAML file").format(what=what))
    text, encoding = decode(raw, name)
    if notes is not None:
        notes.append(
            _("{name}: read as YAML, encoding {encoding}").format(name=name, encoding=encoding)
        )
    return parse(text, name)


def _yaml_words() -> dict[str, str]:
    """PyYAML's usual problems and contexts, in the user's language (others stay as PyYAML says)."""
    return {
        "did not find expected ',' or ']'": _("did not find the expected ',' or ']'"),
        "did not find expected ',' or '}'": _("did not find the expected ',' or '}'"),
        "did not find expected key": _("did not find the expected key"),
        "did not find expected '-' indicator": _("did not find the expected '-'"),
        "did not find expected <document start>": _(
            "did not find the expected start of a document"
        ),
        "could not find expected ':'": _("did not find the expected ':'"),
        "mapping values are not allowed here": _("a 'key: value' is not allowed here"),
        # libyaml's wording (the C parser, used when installed)
        "mapping values are not allowed in this context": _(
            "a 'key: value' is not allowed here: a text holding ': ' needs quotes"
        ),
        "found character that cannot start any token": _(
            "found a character that cannot start a value here"
        ),
        "did not find expected node content": _("a value is missing here"),
        "block sequence entries are not allowed in this context": _(
            "a list item ('- ') is not allowed here"
        ),
        "found unknown escape character": _("found an unknown escape (\\) in a quoted text"),
        "found unexpected end of stream": _("the file ends too early"),
        "found unexpected ':'": _("found an unexpected ':'"),
        "found character '\\t' that cannot start any token": _("found a tab where none may be"),
        "found character '@' that cannot start any token": _("a value cannot start with '@'"),
        "found character '`' that cannot start any token": _("a value cannot start with '`'"),
        "found undefined alias": _("found an undefined alias"),
        "did not find expected alphabetic or numeric character": _(
            "a text that starts with '&' or '*' needs quotes"
        ),
        "but found another document": _("a second document starts here"),
        "expected a single document in the stream": _("a data file holds one YAML document"),
        "while parsing a flow sequence": _("while reading a list in [ ]"),
        "while parsing a flow mapping": _("while reading a mapping in { }"),
        "while parsing a block mapping": _("while reading a mapping"),
        "while parsing a block collection": _("while reading a list"),
        "while scanning a simple key": _("while reading a key"),
        "while scanning a quoted scalar": _("while reading a quoted text"),
        "while parsing a quoted scalar": _("while reading a quoted text"),
        "while scanning a plain scalar": _("while reading a text"),
        "while scanning an anchor": _("while reading an anchor"),
        "while parsing a block node": _("while reading a value"),
        "while parsing a flow node": _("while reading a value"),
        "while scanning an alias": _("while reading an alias"),
        "while scanning for the next token": _("while reading the next value"),
    }


# How PyYAML and libyaml begin the problem of a line indented unlike the keys around it.
_INDENTATION = r"mapping values|expected <block end>|did not find expected (key|'-')"


def _syntax_error(error: yaml.MarkedYAMLError, lines: list[str], name: str) -> DataFileError:
    """A YAML syntax error in the user's words, at the line and column the parser gives."""
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return _other_yaml_error(error, name)
    line = lines[mark.line] if mark.line < len(lines) else ""
    words, first = _yaml_words(), error.context_mark
    problem = words.get(error.problem or "", error.problem) or _("syntax error")
    context = error.context or ""
    context = _(" ({context})").format(context=words.get(context, context)) if context else ""
    message = _("YAML syntax error: {problem}{context}").format(problem=problem, context=context)
    if first and (error.context or "").startswith("found duplicate anchor"):
        anchor = re.split(r"[\s,\[\]{}]", "".join(lines[first.line :][:1])[first.column :])[0]
        message = _(
            "YAML syntax error: the anchor {anchor} is defined a second time (first on line"
            " {first}); kouryu's data files need no anchors: delete them, or put a text that"
            " starts with '&' in quotes"
        ).format(anchor=anchor, first=first.line + 1)
    elif "\t" in line[: len(line) - len(line.lstrip())] + line[mark.column : mark.column + 1]:
        # Whatever the parser made of it, the tab is what to correct.
        message = _("YAML syntax error: {problem} (tabs cannot indent YAML: use spaces)")
        message = message.format(problem=_("found a tab where none may be"))
    elif re.match(_INDENTATION, error.problem or ""):
        message = _misindented(line, lines[: mark.line], mark.column) or message
    return DataFileError.single(name, message, mark.line + 1, mark.column + 1)


def _misindented(line: str, before: list[str], at: int) -> str | None:
    """The message for a line `key: value` not starting in the column of the key above."""
    key = re.match(r"( *)([A-Za-z_][\w-]*):(?: |$)", line)
    held = [n for n, text in enumerate(before) if text.strip()[:1] not in ("", "#")]  # YAML
    if not key or not held or at not in (key.start(2), key.end(2)):
        return None
    above = held[-1]
    column, other = key.end(1), len(before[above]) - len(before[above].lstrip(" -"))
    message = _(
        "YAML syntax error: wrong indentation: '{key}' starts in column {column}, the key on"
        " line {line} in column {other}; the keys of one mapping start in one column"
    ).format(key=key[2], column=column + 1, line=above + 1, other=other + 1)
    return None if column == other else message


def _to_plain(root: Any, name: str, problems: list[Problem]) -> Plain:
    import yaml

    seen: set[int] = set()
    aliases: list[tuple[str | int, ...]] = []

    def report(node: Any, path: tuple[str | int, ...], message: str) -> None:
        mark = node.start_mark
        problems.append(Problem(name, mark.line + 1, mark.column + 1, format_path(path), message))

    def convert(node: Any, path: tuple[str | int, ...], at: Any = None) -> Plain:
        if len(path) > MAX_DEPTH:
            deep = _("nesting is too deep (more than {MAX_DEPTH} levels)")
            report(node, path[:MAX_DEPTH], deep.format(MAX_DEPTH=MAX_DEPTH))
            return None
        if id(node) in seen:
            aliases.append(path)
            if len(aliases) <= _ALIASES_SHOWN:  # a "billion laughs" file has thousands
                message = _(
                    "repeats the value of line {value} through a YAML alias; "
                    "aliases (*name) are not allowed in kouryu's data files, write "
                    "the value out"
                )
                report(at or node, path, message.format(value=node.start_mark.line + 1))
            return None
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            value: str = node.value
            # Plain style is None from the Python parser but '' from libyaml's.
            if not node.style and value in _NULLS:
                return None
            return value
        if isinstance(node, yaml.SequenceNode):
            # An alias in a list is reported at the list: PyYAML keeps no position for it.
            return [convert(item, (*path, index), node) for index, item in enumerate(node.value)]
        mapping: dict[str, Any] = {}
        firsts: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                report(key_node, path, _("a key must be plain text"))
            elif key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                merge = _("YAML merge keys (<<) are not allowed in kouryu's data files")
                report(key_node, path, merge)
            elif key in mapping:
                message = _("duplicate key '{key}' (first given on line {first})")
                report(key_node, (*path, key), message.format(key=key, first=firsts[key]))
            else:
                firsts[key] = key_node.start_mark.line + 1
                mapping[key] = convert(value_node, (*path, key), key_node)
        return mapping

    data = convert(root, ())
    if len(aliases) > _ALIASES_SHOWN:
        more = _("… and {more} more YAML aliases").format(more=len(aliases) - _ALIASES_SHOWN)
        problems.append(Problem(name, None, None, "", more))
    return data


def _child(node: Any, step: str | int, *, key: bool = False) -> Any:
    value = getattr(node, "value", None)
    if isinstance(step, int):
        if isinstance(value, list) and 0 <= step < len(value) and not isinstance(value[0], tuple):
            return value[step]
        return None
    if isinstance(value, list):
        for pair in value:
            if not isinstance(pair, tuple):  # a list where a mapping was expected
                return None
            key_node, value_node = pair
            if isinstance(key_node.value, str) and key_node.value == step:
                return key_node if key else value_node
    return None
