"""The cache of validated plans: exact round trip, never stale, never trusted when damaged."""

from __future__ import annotations

import io
import math
import os
import pickle
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kouryu_cli import planfile
from kouryu_cli.core import model
from kouryu_cli.core.model import EraYear, Indicator, Observation, Plan, Series, TargetKind
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile import cache, loader
from tests.conftest import SHIPPED, Run

Write = Callable[[str, str], Path]


def big_plan(plan: Plan, copies: int) -> Plan:
    """The plan with every measure copied (unique ids) and indicators with actuals."""
    policies = tuple(
        replace(
            p,
            sections=tuple(
                replace(
                    s,
                    measures=tuple(
                        replace(
                            m,
                            id=f"{m.id}-{k}" if k else m.id,
                            order=k * len(s.measures) + m.order,
                            aliases=(*m.aliases, f"別名{k}") if k % 2 else m.aliases,
                            notes=(f"注記 {k}\n改行",) if k % 3 == 0 else m.notes,
                            reading=f"よみ{k}",
                        )
                        for k in range(copies)
                        for m in s.measures
                    ),
                )
                for s in p.sections
            ),
        )
        for p in plan.policies
    )
    extra = Indicator(
        id="X1",
        name="実績つきの指標",
        plan="",
        baseline_year=EraYear("R2", 2020),
        baseline_written="",
        target_year=EraYear("R7", 2025),
        target_kind=TargetKind.INCREASE,
        target_written="増加",
        series=(
            Series(
                "a",
                "",
                "人",
                1.5,
                None,
                (
                    Observation(EraYear("R3", 2021), 2.25, "報告"),
                    Observation(EraYear("R4", 2022), -0.0),
                ),
            ),
        ),
    )
    return replace(plan, policies=policies, indicators=(*plan.indicators, extra))


def entries() -> list[Path]:
    folder = cache.folder()
    return sorted(folder.glob("plan-*.cache")) if folder.is_dir() else []


def only_entry() -> Path:
    found = entries()
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the shipped plan that a test may change."""
    target = tmp_path / "plan.yaml"
    target.write_bytes(SHIPPED.read_bytes())
    return target


# ---------------------------------------------------------------- round trip


def stored_and_read(path: Path, plan: Plan) -> Plan | None:
    """Store plan as the entry of the file at path, then read it back as a new run would."""
    key = cache.read_key(path, sys.maxsize)
    assert key is not None
    cache.store(key, plan)
    return cache.lookup(key)


def test_entry_round_trips_the_shipped_plan_exactly(plan: Plan, copy: Path) -> None:
    again = stored_and_read(copy, plan)
    assert again == plan
    assert again is not plan


def test_entry_round_trips_a_generated_big_plan_exactly(plan: Plan, copy: Path) -> None:
    big = big_plan(plan, 40)
    assert len(big.measures) == 40 * len(plan.measures)
    again = stored_and_read(copy, big)
    assert again == big
    assert again is not None
    assert again.measures == big.measures  # not compared by ==: derived from the policies
    value = again.indicators[-1].series[0].actuals[1].value
    assert value == 0.0
    assert math.copysign(1.0, value) == -1.0  # -0.0 stays -0.0
    # The derived list holds the very records of the sections, as the loader builds it.
    assert again.measures[0] is again.policies[0].sections[0].measures[0]


def test_equal_lists_of_words_are_loaded_as_one_object(plan: Plan, copy: Path) -> None:
    # The memory a large plan takes: thousands of measures share a few age groups.
    first, *others = (m for m in plan.measures if m.ages == plan.measures[0].ages)
    assert any(m.ages is not first.ages for m in others)  # as the loader built them
    again = stored_and_read(copy, plan)
    assert again is not None
    same = [m for m in again.measures if m.ages == first.ages]
    assert len(same) == len(others) + 1
    assert all(m.ages is same[0].ages for m in same)


# ---------------------------------------------------------------- where and how


@pytest.mark.parametrize(
    ("xdg", "expected"),
    [
        ("/var/cache/x", Path("/var/cache/x/kouryu")),
        ("", Path.home() / ".cache" / "kouryu"),
        ("relative/path", Path.home() / ".cache" / "kouryu"),  # the spec ignores relative ones
    ],
)
def test_folder_follows_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, xdg: str, expected: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache.folder() == expected


def test_second_open_comes_from_the_cache(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = planfile.open_plan(copy)
    assert len(entries()) == 1

    def refuse(*_args: object, **_kwargs: object) -> Plan:
        raise AssertionError("parsed again")

    monkeypatch.setattr(loader, "load_plan", refuse)
    assert planfile.open_plan(copy) == first


def test_entry_and_folder_are_private(copy: Path) -> None:
    planfile.open_plan(copy)
    entry = only_entry()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert not list(entry.parent.glob(".plan-*"))  # no temporary file left behind


def test_no_cache_neither_reads_nor_writes(copy: Path) -> None:
    planfile.open_plan(copy, use_cache=False)
    assert entries() == []


def test_no_cache_option_of_the_cli_writes_nothing(run: Run) -> None:
    result = run("--no-cache", "measures", "--age", "65+", "--format", "json")
    assert result.exit_code == 0
    assert entries() == []
    assert run("measures", "--age", "65+", "--format", "json").stdout == result.stdout
    assert len(entries()) == 1


# ---------------------------------------------------------------- never stale


def test_one_byte_change_with_the_same_size_and_time_is_seen(copy: Path) -> None:
    before = planfile.open_plan(copy)
    info = copy.stat()
    text = copy.read_bytes()
    # Change one byte of the first measure's id (1-1-01 → 1-1-02 would clash; use 9).
    position = text.index(b"id: 1-1-01") + len(b"id: 1-1-0")
    changed = text[:position] + b"9" + text[position + 1 :]
    assert len(changed) == len(text)
    copy.write_bytes(changed)
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime
    after = planfile.open_plan(copy)
    assert before.measures[0].id == "1-1-01"
    assert after.measures[0].id == "1-1-09"


def test_another_file_gets_its_own_entry(copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_bytes(copy.read_bytes())
    planfile.open_plan(copy)
    planfile.open_plan(other)
    assert len(entries()) == 2


def test_a_plan_with_problems_is_never_cached(write: Write) -> None:
    broken = write("broken.yaml", SHIPPED.read_text("utf-8").replace("ages: [65+]", "ages: [70+]"))
    for _ in range(2):
        with pytest.raises(DataFileError, match="unknown age group '70\\+'"):
            planfile.open_plan(broken)
    assert entries() == []


def test_a_missing_file_is_still_reported_by_the_loader(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        planfile.open_plan(tmp_path / "nothing.yaml")


def test_edit_during_parsing_is_not_stored(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader.load_plan

    def parse_then_edit(path: Path, label: str | None = None, notes: Any = None) -> Plan:
        result = real(path, label, notes)
        copy.write_bytes(copy.read_bytes() + b"# edited\n")
        return result

    monkeypatch.setattr(loader, "load_plan", parse_then_edit)
    planfile.open_plan(copy)
    assert entries() == []


# ---------------------------------------------------------------- never trusted when damaged


def _damage_truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _damage_flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def _damage_empty(_data: bytes) -> bytes:
    return b""


def _damage_foreign(data: bytes) -> bytes:
    return b"something else entirely\n" + data


def _damage_pickle_like(data: bytes) -> bytes:
    return b"\x80\x04\x95" + data[3:]


@pytest.mark.parametrize(
    "damage",
    [_damage_truncate, _damage_flip, _damage_empty, _damage_foreign, _damage_pickle_like],
)
def test_damaged_entry_is_ignored_and_rebuilt(
    copy: Path, damage: Callable[[bytes], bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = planfile.open_plan(copy)
    entry = only_entry()
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert planfile.open_plan(copy) == expected
    assert entry.read_bytes() == good  # rebuilt
    assert capsys.readouterr().err == ""  # silent without KOURYU_DEBUG


def _parsed_again(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the loader parses from now on (an entry that is used parses none)."""
    parsed: list[Path] = []
    real = loader.load_plan

    def counting(path: Path, label: str | None = None, notes: Any = None) -> Plan:
        parsed.append(path)
        return real(path, label, notes)

    monkeypatch.setattr(loader, "load_plan", counting)
    return parsed


@pytest.mark.parametrize(
    ("name", "value"),
    [("__version__", "0.0.0-other"), ("SCHEMA_VERSION", 99), ("FORMAT", 99)],
    ids=["kouryu-upgraded", "schema-changed", "entry-layout-changed"],
)
def test_entry_of_another_kouryu_is_not_used(
    copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: object,
) -> None:
    expected = planfile.open_plan(copy)
    monkeypatch.setattr(cache, name, value)
    monkeypatch.setenv("KOURYU_DEBUG", "1")
    parsed = _parsed_again(monkeypatch)
    assert planfile.open_plan(copy) == expected
    assert parsed == [copy]
    assert "stale entry (the file or kouryu changed), ignored" in capsys.readouterr().err
    assert planfile.open_plan(copy) == expected
    assert parsed == [copy]  # the entry was rebuilt for the new key


@pytest.mark.parametrize("module", [model, loader, cache], ids=lambda m: m.__name__)
def test_an_edit_to_the_code_that_reads_plans_is_seen(
    copy: Path, monkeypatch: pytest.MonkeyPatch, module: ModuleType
) -> None:
    planfile.open_plan(copy)
    source = Path(str(module.__file__))
    info = source.stat()
    parsed = _parsed_again(monkeypatch)
    try:
        os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        planfile.open_plan(copy)
    finally:
        os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert parsed == [copy]


def test_every_module_named_in_the_code_stamp_exists() -> None:
    package = Path(str(cache.__file__)).parents[1]
    assert all((package / name).is_file() for name in cache._CODE)


def test_a_changed_ctime_is_seen(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planfile.open_plan(copy)
    before = copy.stat().st_ctime_ns
    while copy.stat().st_ctime_ns == before:  # same bytes, same mtime: only the ctime moves
        copy.chmod(copy.stat().st_mode)
    parsed = _parsed_again(monkeypatch)
    planfile.open_plan(copy)
    assert parsed == [copy]


def test_an_entry_naming_anything_but_the_model_is_refused(
    copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = planfile.open_plan(copy)
    entry = only_entry()
    data = entry.read_bytes()
    header = len(b"kouryu plan cache\n") + 4
    stream = io.BytesIO(data[header:])
    key = pickle.load(stream)  # noqa: S301 - the entry this test just wrote
    # A well-formed entry with the right key and checksum, whose plan names another class.
    body = pickle.dumps(key) + pickle.dumps(Counter(loaded=1))
    entry.write_bytes(data[: header - 4] + zlib.crc32(body).to_bytes(4, "big") + body)
    monkeypatch.setenv("KOURYU_DEBUG", "1")
    parsed = _parsed_again(monkeypatch)
    assert planfile.open_plan(copy) == expected
    assert parsed == [copy]
    assert "collections.Counter is not a class of the model" in capsys.readouterr().err


def test_entry_of_another_user_is_ignored(
    copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    planfile.open_plan(copy)
    monkeypatch.setenv("KOURYU_DEBUG", "1")
    monkeypatch.setattr(os, "getuid", lambda: only_entry().stat().st_uid + 1)
    parsed: list[Path] = []
    real = loader.load_plan
    monkeypatch.setattr(
        loader,
        "load_plan",
        lambda p, _label=None, notes=None: parsed.append(p) or real(p, notes=notes),
    )
    planfile.open_plan(copy)
    assert parsed == [copy]
    assert "owned by another user, ignored" in capsys.readouterr().err


def test_symlinked_entry_is_ignored(copy: Path, tmp_path: Path) -> None:
    planfile.open_plan(copy)
    entry = only_entry()
    elsewhere = tmp_path / "elsewhere.cache"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert planfile.open_plan(copy) == planfile.open_plan(copy, use_cache=False)
    assert not entry.is_symlink()  # replaced by a real entry


def test_debug_says_why_an_entry_is_ignored(
    copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    planfile.open_plan(copy)
    only_entry().write_bytes(b"junk")
    monkeypatch.setenv("KOURYU_DEBUG", "1")
    planfile.open_plan(copy)
    assert "corrupt or foreign entry, ignored" in capsys.readouterr().err


# ---------------------------------------------------------------- never fatal


def test_unwritable_cache_folder_never_stops_a_query(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = run("measures", "--age", "65+", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "conditions: 65歳以上 / 40 measures\n"
    assert result.stdout.startswith('[\n{"id": "1-1-01"')


def test_cache_entry_that_is_a_folder_never_stops_a_query(copy: Path) -> None:
    expected = planfile.open_plan(copy, use_cache=False)
    entry = cache.entry_path(copy.resolve())
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.mkdir()
    assert planfile.open_plan(copy) == expected
