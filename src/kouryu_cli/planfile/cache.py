"""A cache of validated plans, so that a repeated query neither imports YAML nor parses it again.

An entry is one file per plan path in ``$XDG_CACHE_HOME/kouryu`` (or ``~/.cache/kouryu``).
It can never be stale: it is used only when the plan's resolved path, size, modification
time and SHA-256 of its bytes, kouryu's version, the schema version, the model's field names
and the loader's source files all match what was stored. It holds only plain data (tuples,
lists, strings, numbers; written with ``marshal``, never pickle) behind a SHA-256 of itself,
so a truncated or corrupt entry is detected before it is decoded. Anything wrong with the
cache (missing, corrupt, foreign, another user's, unwritable) means the plan is parsed as if
there were no cache; ``KOURYU_DEBUG=1`` says why on stderr.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kouryu_cli import __version__
from kouryu_cli.model import (
    SCHEMA_VERSION,
    AgeGroup,
    Challenge,
    Chapter,
    Department,
    EraYear,
    Icon,
    Indicator,
    Measure,
    Observation,
    Plan,
    Policy,
    Section,
    Series,
    TargetKind,
    Term,
    Vocabulary,
)

# Bump when the layout of an entry changes.
FORMAT = 1
_MAGIC = b"kouryu plan cache\n"
_DIGEST = 32  # bytes of SHA-256
# The modules whose code decides what a plan file means: an edit to any of them
# (a new check in the loader, a new field in the model) must not meet an old entry.
_CODE = ("model.py", "loader.py", "schema.py", "yamlfile.py", "era.py", "cache.py")
_MODELS = (
    Plan,
    Chapter,
    Challenge,
    Department,
    Policy,
    Section,
    Measure,
    Indicator,
    Series,
    Observation,
    EraYear,
    Vocabulary,
    Term,
)


@dataclass(frozen=True)
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
    hasher = _sha256(0)
    hasher.update(os.fsencode(resolved))
    name = hasher.hexdigest()[:32]
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
            digest = _sha256(info.st_size)
            # In chunks: a 16 MB plan is hashed in about 10 ms without holding its bytes.
            buffer = bytearray(1 << 20)
            view = memoryview(buffer)
            while count := stream.readinto(buffer):
                digest.update(view[:count])
                size += count
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
        digest.hexdigest(),
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
            _debug(f"{entry}: corrupt or foreign entry, ignored")
            return None
        # Our own file: owner-checked, 0600, its SHA-256 verified above; plain data only.
        key, data = marshal.loads(body)  # noqa: S302
        if key != source.key:
            _debug(f"{entry}: stale entry (the file or kouryu changed), ignored")
            return None
        return decode(data)
    except Exception as error:  # noqa: BLE001 - a cache never stops a query
        _debug(f"{entry}: unusable entry ({type(error).__name__}: {error}), ignored")
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
        _debug(f"{entry}: cannot write the cache ({type(error).__name__}: {error})")


def _sha256(size: int) -> Any:
    """A SHA-256 hasher: CPython's built-in one for small files, OpenSSL's for large ones.

    Loading OpenSSL (hashlib) costs 2 ms of a 70 ms start-up; the built-in module is
    slower per byte, which only matters for plans over a megabyte.
    """
    if size <= 1 << 20:
        for name in ("_sha2", "_sha256"):  # CPython 3.12+, 3.10-3.11
            try:
                module = __import__(name)
            except ImportError:
                continue
            return module.sha256()
    import hashlib

    return hashlib.sha256()


def _digest(data: bytes | memoryview) -> bytes:
    hasher = _sha256(len(data))
    hasher.update(data)
    return bytes(hasher.digest())


def _read_entry(entry: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(entry, flags)
    except FileNotFoundError:
        return None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            _debug(f"{entry}: not a regular file, ignored")
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            _debug(f"{entry}: owned by another user, ignored")
            return None
        return stream.read()


def _debug(message: str) -> None:
    if os.environ.get("KOURYU_DEBUG") == "1":
        sys.stderr.write(f"kouryu: cache: {message}\n")


def _schema_version() -> int:
    return SCHEMA_VERSION


def _model_signature() -> str:
    return ";".join(f"{m.__name__}:{','.join(f.name for f in fields(m))}" for m in _MODELS)


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    here = Path(__file__).parent
    stamps = []
    for name in _CODE:
        try:
            info = (here / name).stat()
            stamps.append((name, info.st_size, info.st_mtime_ns))
        except OSError:
            stamps.append((name, -1, -1))
    return tuple(stamps)


# ---------------------------------------------------------------- plan ⇄ plain data
# Positional tuples in the dataclasses' field order: compact, and rebuilt without
# keyword matching. test_cache checks the order against dataclasses.fields().


def encode(plan: Plan) -> tuple[Any, ...]:
    """The plan as plain tuples, strings and numbers (what marshal stores)."""
    return (
        plan.city,
        plan.program,
        (plan.chapter.number, plan.chapter.title, plan.chapter.intro),
        plan.vision_slogan,
        plan.vision_text,
        plan.challenges_lead,
        tuple((c.title, c.text) for c in plan.challenges),
        tuple((d.name, d.reading) for d in plan.departments),
        tuple(
            (
                p.number,
                p.title,
                p.text,
                tuple(
                    (s.policy, s.number, s.title, s.lead, tuple(_measure(m) for m in s.measures))
                    for s in p.sections
                ),
            )
            for p in plan.policies
        ),
        tuple(_indicator(i) for i in plan.indicators),
        tuple(
            (v.key, tuple((t.value, t.definition, t.needs_activities) for t in v.terms))
            for v in plan.vocabularies
        ),
    )


def _measure(m: Measure) -> tuple[Any, ...]:
    return (
        m.id,
        m.name,
        m.description,
        m.policy,
        m.section,
        m.order,
        tuple(m.departments),
        tuple(a.value for a in m.ages),
        tuple(i.value for i in m.icons),
        m.reading,
        tuple(m.aliases),
        tuple(m.notes),
    )


def _indicator(i: Indicator) -> tuple[Any, ...]:
    return (
        i.id,
        i.name,
        i.plan,
        (i.baseline_year.label, i.baseline_year.year),
        i.baseline_written,
        (i.target_year.label, i.target_year.year),
        i.target_kind.value,
        i.target_written,
        tuple(
            (
                s.key,
                s.label,
                s.unit,
                s.baseline,
                s.target,
                tuple(((o.year.label, o.year.year), o.value, o.source) for o in s.actuals),
            )
            for s in i.series
        ),
    )


def decode(data: Any) -> Plan:
    """The Plan that encode() turned into plain data."""
    (city, program, chapter, slogan, vision, lead, challenges, departments, policies, ind, voc) = (
        data
    )
    ages = _EnumTuples(AgeGroup)
    icons = _EnumTuples(Icon)
    return Plan(
        city=_text(city),
        program=_text(program),
        chapter=Chapter(*chapter),
        vision_slogan=_text(slogan),
        vision_text=_text(vision),
        challenges_lead=_text(lead),
        challenges=tuple(Challenge(*c) for c in challenges),
        departments=tuple(Department(*d) for d in departments),
        policies=tuple(
            Policy(
                number,
                title,
                text,
                tuple(
                    Section(
                        s_policy,
                        s_number,
                        s_title,
                        s_lead,
                        tuple(
                            Measure(a, b, c, d, e, f, g, ages[h], icons[i], j, k, n)
                            for (a, b, c, d, e, f, g, h, i, j, k, n) in measures
                        ),
                    )
                    for (s_policy, s_number, s_title, s_lead, measures) in sections
                ),
            )
            for (number, title, text, sections) in policies
        ),
        indicators=tuple(
            Indicator(
                id_,
                name,
                plan,
                EraYear(*base_year),
                base_written,
                EraYear(*target_year),
                TargetKind(kind),
                target_written,
                tuple(
                    Series(
                        key,
                        label,
                        unit,
                        baseline,
                        target,
                        tuple(Observation(EraYear(*y), v, src) for (y, v, src) in actuals),
                    )
                    for (key, label, unit, baseline, target, actuals) in series
                ),
            )
            for (
                id_,
                name,
                plan,
                base_year,
                base_written,
                target_year,
                kind,
                target_written,
                series,
            ) in ind
        ),
        vocabularies=tuple(Vocabulary(key, tuple(Term(*t) for t in terms)) for key, terms in voc),
    )


class _EnumTuples(dict[tuple[str, ...], tuple[Any, ...]]):
    """("18-64", "65+") → (AgeGroup.WORKING_AGE, AgeGroup.SENIOR), each combination built once."""

    def __init__(self, enum: Any) -> None:
        super().__init__()
        self.enum = enum

    def __missing__(self, values: tuple[str, ...]) -> tuple[Any, ...]:
        members = tuple(self.enum(v) for v in values)
        self[values] = members
        return members


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
