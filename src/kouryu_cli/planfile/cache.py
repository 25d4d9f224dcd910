"""A cache of validated plans, so that a repeated query neither imports YAML nor parses it again.

An entry is one file per plan path in ``$XDG_CACHE_HOME/kouryu`` (or ``~/.cache/kouryu``):
the Plan as the loader built it, pickled, behind a key and a CRC-32 of itself. It can never
be stale: it is used only when the plan's resolved path, size, modification and change times
and CRC-32 of its bytes, kouryu's version, the schema version, the Python version and the
source files of the code that decides what a plan means all match what was stored.

Why pickle: it is the standard way to store Python objects, and on a 1,000× plan (49,000
measures) loading it is what keeps a repeated query within the benchmark's targets; no
format of our own was measurably faster. Pickle runs code on load, which is acceptable here
because an entry is only ever read from the user's own cache folder, from a regular file
owned by the user (mode 0600, written atomically), never through a symlink; whoever can
write it can already change the user's files and programs. Even so, an entry may only name
the classes of the model (core/model.py): anything else is refused as a foreign entry.

Why CRC-32 (zlib) and not SHA-256: the checksums find edits and damage, not attacks, and
loading OpenSSL for hashlib would cost milliseconds of every run; zlib is loaded anyway.
Anything wrong with the cache (missing, corrupt, foreign, another user's, unwritable) means
the plan is parsed as if there were no cache; ``KOURYU_DEBUG=1`` says why on stderr.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import os
import pickle
import stat
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kouryu_cli import __version__
from kouryu_cli.core import model
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import SCHEMA_VERSION, Plan

# Bump when the layout of an entry changes.
FORMAT = 3
_MAGIC = b"kouryu plan cache\n"
_DIGEST = 4  # bytes of CRC-32
# The modules whose code decides what a plan file means: an edit to any of them
# (a new check in the loader, a new field in the model) must not meet an old entry.
_CODE = (
    "core/model.py",
    "core/era.py",
    "core/textnorm.py",
    "core/values.py",
    "planfile/loader.py",
    "files/checker.py",
    "files/yamlfile.py",
    "planfile/cache.py",
)


# What an entry must carry to be used: the plan file's resolved path and state, kouryu's
# version, the schema, the Python version and the code that reads plans (see read_key).
Key = dict[str, Any]


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


def read_key(path: Path, max_bytes: int) -> Key | None:
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
    return {
        "format": FORMAT,
        "kouryu": __version__,
        "schema": SCHEMA_VERSION,
        "python": sys.version_info[:2],
        "code": _code_stamp(),
        "path": str(resolved),
        "size": size,
        "mtime": info.st_mtime_ns,
        "ctime": info.st_ctime_ns,
        "crc32": checksum,
    }


def unchanged(key: Key) -> bool:
    """Whether the file still has this key (it was not edited while being parsed)."""
    return read_key(Path(key["path"]), sys.maxsize) == key


def lookup(key: Key) -> Plan | None:
    """The cached plan for this key, or None (missing, stale, corrupt or not ours)."""
    entry = entry_path(Path(key["path"]))
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
        # The key first: a stale entry's plan is never unpickled.
        stream = io.BytesIO(blob)  # shares the bytes, which a memoryview would copy
        stream.seek(len(_MAGIC) + _DIGEST)
        if _ModelUnpickler(stream).load() != key:
            _debug(
                _("{entry}: stale entry (the file or kouryu changed), ignored").format(entry=entry)
            )
            return None
        plan = _ModelUnpickler(stream).load()
        if type(plan) is not Plan:
            raise TypeError(f"expected a Plan, found {type(plan).__name__}")
        return plan
    except Exception as error:  # noqa: BLE001 - a cache never stops a query
        _debug(
            _("{entry}: unusable entry ({kind}: {error}), ignored").format(
                entry=entry, kind=type(error).__name__, error=error
            )
        )
        return None


def store(key: Key, plan: Plan) -> None:
    """Write the entry for this key atomically (0600); failures are only reported in debug."""
    entry = entry_path(Path(key["path"]))
    try:
        body = pickle.dumps(key, pickle.HIGHEST_PROTOCOL) + _pickled(plan)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only when writing: the reading path does not import it

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


def _pickled(plan: Plan) -> bytes:
    """The plan pickled so that each record is rebuilt by calling its class with its fields.

    By default a frozen dataclass is rebuilt through its __setstate__, one field at a time,
    which loads a large plan measurably slower than calling the class; a call also runs
    __post_init__, which derives Plan.measures again instead of storing it.
    """
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, pickle.HIGHEST_PROTOCOL)
    shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    pickler.dispatch_table = {
        cls: _by_arguments(cls, shared)
        for cls in vars(model).values()
        if dataclasses.is_dataclass(cls) and isinstance(cls, type)
    }
    pickler.dump(plan)
    return stream.getvalue()


def _by_arguments(
    cls: type[Any], shared: dict[tuple[Any, ...], tuple[Any, ...]]
) -> Callable[[Any], tuple[Any, ...]]:
    """A reduction of a record to its class and the arguments that build it again.

    Equal tuples of words (the ages, icons and departments that thousands of measures
    repeat) are stored once and loaded as one object: a smaller entry and less memory.
    """
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)

    def reduce(record: Any) -> tuple[Any, ...]:
        return cls, tuple(_one_of(shared, getattr(record, name)) for name in names)

    return reduce


def _one_of(shared: dict[tuple[Any, ...], tuple[Any, ...]], value: Any) -> Any:
    if type(value) is tuple and all(type(v) is str or isinstance(v, enum.Enum) for v in value):
        return shared.setdefault(value, value)
    return value


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


class _ModelUnpickler(pickle.Unpickler):
    """Resolves only the model's own classes: an entry naming anything else is foreign."""

    def find_class(self, module_name: str, name: str, /) -> Any:
        found = getattr(model, name, None) if module_name == model.__name__ else None
        if isinstance(found, type) and found.__module__ == model.__name__:
            return found
        raise pickle.UnpicklingError(
            _("{name} is not a class of the model").format(name=f"{module_name}.{name}")
        )
