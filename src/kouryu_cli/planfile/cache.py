"""A cache of validated plans, so that a repeated query neither imports YAML nor parses it again.

An entry is one file per plan path in ``$XDG_CACHE_HOME/kouryu`` (or ``~/.cache/kouryu``).
It can never be stale: it is used only when the plan's resolved path, size, modification
time and CRC-32 of its bytes, kouryu's version, the schema version, the model's field names
and the loader's source files all match what was stored. It holds only plain data (tuples,
strings, numbers; written with ``marshal``, never pickle) behind a CRC-32 of itself,
so a truncated or corrupt entry is detected before it is decoded.

Why CRC-32 (zlib) and not SHA-256: the checksums find edits and damage, not attacks (an
entry is the user's own 0600 file, and whoever can write the plan can write anything into
it), and loading OpenSSL for hashlib would cost 2 ms of every run; zlib is loaded anyway.

Why a codec of its own: rebuilding a 1,000× plan (49,000 measures) from positional tuples
is what keeps a repeated query on it under the benchmark's 0.6 s; pickle would be as fast
but runs code from the file. The codec is derived from the model's record fields and
their types, so a new field needs no change here. Anything wrong with the
cache (missing, corrupt, foreign, another user's, unwritable) means the plan is parsed as if
there were no cache; ``KOURYU_DEBUG=1`` says why on stderr.
"""

from __future__ import annotations

import dataclasses
import enum
import marshal
import os
import stat
import sys
import types
import typing
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kouryu_cli import __version__
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import SCHEMA_VERSION, Plan

# Bump when the layout of an entry changes.
FORMAT = 1
_MAGIC = b"kouryu plan cache\n"
_DIGEST = 4  # bytes of CRC-32
# The modules whose code decides what a plan file means: an edit to any of them
# (a new check in the loader, a new field in the model) must not meet an old entry.
_CODE = (
    "core/model.py",
    "core/era.py",
    "core/textnorm.py",
    "planfile/loader.py",
    "files/checker.py",
    "files/yamlfile.py",
    "planfile/cache.py",
)


@dataclass(frozen=True, slots=True)
class Source:
    """A plan file as found: its resolved path, and the key its cache entry must carry."""

    path: Path
    key: tuple[Any, ...]


def folder() -> Path:
    """Where entries live: $XDG_CACHE_HOME/kouryu, or ~/.cache/kouryu."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "kouryu"


def entry_path(resolved: Path) -> Path:
    """The entry of a plan file (by its resolved path)."""
    raw = os.fsencode(resolved)
    name = f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}"
    return folder() / f"plan-{name}.cache"


def read_source(path: Path, max_bytes: int) -> Source | None:
    """The file's cache key; None when it cannot be read (the loader then says why)."""
    size = 0
    try:
        resolved = path.resolve()
        with resolved.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
                return None
            checksum = 0
            # In chunks: a 20 MB plan is checked without holding its bytes. No bigger than
            # the file: zeroing a whole 1 MiB for a 30 kB plan cost 0.4 ms of every query.
            buffer = bytearray(min(1 << 20, info.st_size + 1))
            view = memoryview(buffer)
            while count := stream.readinto(buffer):
                checksum = zlib.crc32(view[:count], checksum)
                size += count
                if size > max_bytes:  # grown since fstat: the loader reports the limit
                    return None
    except (OSError, RuntimeError):
        return None
    key = (
        FORMAT,
        __version__,
        _schema_version(),
        _model_signature(),
        _code_stamp(),
        str(resolved),
        size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        checksum,
    )
    return Source(resolved, key)


def unchanged(source: Source) -> bool:
    """Whether the file still has the key it had (it was not edited while being parsed)."""
    again = read_source(source.path, sys.maxsize)
    return again is not None and again.key == source.key


def lookup(source: Source) -> Plan | None:
    """The cached plan for this source, or None (missing, stale, corrupt or not ours)."""
    entry = entry_path(source.path)
    try:
        blob = _read_entry(entry)
        if blob is None:
            return None
        body = memoryview(blob)[len(_MAGIC) + _DIGEST :]
        if not blob.startswith(_MAGIC) or (
            _digest(body) != blob[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        ):
            _debug(_("{entry}: corrupt or foreign entry, ignored").format(entry=entry))
            return None
        # Our own file: owner-checked, 0600, its CRC-32 verified above; plain data only.
        key, data = marshal.loads(body)  # noqa: S302
        if key != source.key:
            _debug(
                _("{entry}: stale entry (the file or kouryu changed), ignored").format(entry=entry)
            )
            return None
        return decode(data)
    except Exception as error:  # noqa: BLE001 - a cache never stops a query
        _debug(
            _("{entry}: unusable entry ({kind}: {error}), ignored").format(
                entry=entry, kind=type(error).__name__, error=error
            )
        )
        return None


def store(source: Source, plan: Plan) -> None:
    """Write the entry for this source atomically (0600); failures are only reported in debug."""
    entry = entry_path(source.path)
    try:
        body = marshal.dumps((source.key, encode(plan)), 4)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only when writing: it costs milliseconds to import

        handle, temp = tempfile.mkstemp(dir=entry.parent, prefix=".plan-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_MAGIC)
                stream.write(_digest(body))
                stream.write(body)
            Path(temp).replace(entry)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except Exception as error:  # noqa: BLE001 - a cache never stops a query
        _debug(
            _("{entry}: cannot write the cache ({kind}: {error})").format(
                entry=entry, kind=type(error).__name__, error=error
            )
        )


def _digest(data: bytes | memoryview) -> bytes:
    return zlib.crc32(data).to_bytes(_DIGEST, "big")


def _read_entry(entry: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(entry, flags)
    except FileNotFoundError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            _debug(_("{entry}: not a regular file, ignored").format(entry=entry))
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            _debug(_("{entry}: owned by another user, ignored").format(entry=entry))
            return None
        return stream.read()


def _debug(message: str) -> None:
    if os.environ.get("KOURYU_DEBUG") == "1":
        sys.stderr.write(f"kouryu: cache: {message}\n")


def _schema_version() -> int:
    return SCHEMA_VERSION


def _model_signature() -> str:
    return ";".join(f"{m.__name__}:{','.join(m.__match_args__)}" for m in _models(Plan))


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    here = Path(__file__).parents[1]
    stamps = []
    for name in _CODE:
        try:
            info = (here / name).stat()
            stamps.append((name, info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((name, -1, -1))
    return tuple(stamps)


# ---------------------------------------------------------------- plan ⇄ plain data
# A record is a tuple of its fields in order; an enum member its value; a tuple of
# either, a tuple of those. Built once per class from the record fields and the field
# types, so the codec can never disagree with the model.

Convert = Callable[[Any], Any]


def encode(plan: Plan) -> tuple[Any, ...]:
    """The plan as plain tuples, strings and numbers (what marshal stores)."""
    result: tuple[Any, ...] = _codec(Plan)[0](plan)
    return result


def decode(data: Any) -> Plan:
    """The Plan that encode() turned into plain data."""
    plan: Plan = _codec(Plan)[1](data)
    return plan


def _models(root: type[Any]) -> list[type[Any]]:
    """root and every record class its fields hold, in a stable order."""
    found: list[type[Any]] = []

    def visit(cls: type[Any]) -> None:
        if cls in found:
            return
        found.append(cls)
        for hint in _field_types(cls).values():
            for inner in _flatten(hint):
                if isinstance(inner, type) and dataclasses.is_dataclass(inner):
                    visit(inner)

    visit(root)
    return found


def _field_types(cls: type[Any]) -> dict[str, Any]:
    """Each field's type: the model's annotations are objects (model.py is not lazy)."""
    hints = {}
    for klass in reversed(cls.__mro__):
        hints.update(vars(klass).get("__annotations__", {}))
    return {name: hints[name] for name in cls.__match_args__}


def _flatten(hint: Any) -> list[Any]:
    args = typing.get_args(hint)
    return [hint] if not args else [a for arg in args for a in _flatten(arg)]


_CODECS: dict[Any, tuple[Convert, Convert]] = {}


def _codec(hint: Any) -> tuple[Convert, Convert]:
    """(encode, decode) for a type of the model; None for a value stored as it is."""
    if hint in _CODECS:
        return _CODECS[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    codec: tuple[Convert, Convert]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        codec = _record_codec(hint)
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        lookup = {m.value: m for m in hint}
        codec = (lambda member: member.value, lookup.__getitem__)
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        codec = _tuple_codec(args[0])
    elif origin in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        encode_inner, decode_inner = _codec(inner)
        codec = (
            lambda value: None if value is None else encode_inner(value),
            lambda value: None if value is None else decode_inner(value),
        )
    elif hint in (str, int, float, bool):
        codec = (_same, _same)
    else:
        raise TypeError(f"the plan cache cannot store a field of type {hint!r}")
    _CODECS[hint] = codec
    return codec


def _same(value: Any) -> Any:
    return value


def _tuple_codec(item: Any) -> tuple[Convert, Convert]:
    encode_item, decode_item = _codec(item)
    if encode_item is _same:
        return tuple, tuple
    if isinstance(item, type) and issubclass(item, enum.Enum):
        # Measures share a handful of age and icon combinations: build each one once.
        combinations: dict[tuple[Any, ...], tuple[Any, ...]] = {}

        def decode_members(values: tuple[Any, ...]) -> tuple[Any, ...]:
            found = combinations.get(values)
            if found is None:
                found = combinations[values] = tuple(map(decode_item, values))
            return found

        return (lambda members: tuple(map(encode_item, members)), decode_members)
    return (
        lambda values: tuple(map(encode_item, values)),
        lambda values: tuple(map(decode_item, values)),
    )


def _record_codec(cls: type[Any]) -> tuple[Convert, Convert]:
    hints = _field_types(cls)
    names = cls.__match_args__
    codecs = [_codec(hints[name]) for name in names]
    # Only the fields that need converting are touched: most are text and numbers.
    special = [(i, c) for i, c in enumerate(codecs) if c[0] is not _same]
    encoders = [(i, c[0]) for i, c in special]
    decoders = [(i, c[1]) for i, c in special]

    def encode_one(instance: Any) -> tuple[Any, ...]:
        values = [getattr(instance, name) for name in names]
        for index, convert in encoders:
            values[index] = convert(values[index])
        return tuple(values)

    def decode_one(data: Any) -> Any:
        if type(data) is not tuple or len(data) != len(names):
            raise TypeError(f"{cls.__name__}: expected {len(names)} fields")
        values = list(data)
        for index, convert in decoders:
            values[index] = convert(values[index])
        return cls(*values)

    return encode_one, decode_one
