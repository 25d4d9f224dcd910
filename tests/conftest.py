"""Shared fixtures: an isolated environment, the shipped plan, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kouryu_cli import planfile
from kouryu_cli.cli import app
from kouryu_cli.core import i18n
from kouryu_cli.core.model import Plan
from kouryu_cli.planfile.loader import load_plan

SHIPPED = planfile.default_path()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep tests away from the user's cache and plan settings; fix the terminal width."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("KOURYU_DATA", raising=False)
    monkeypatch.delenv("KOURYU_DEBUG", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    # Messages in English whatever the machine's locale; tests of Japanese ask for it.
    # LANGUAGE is set by a run of the CLI (Typer's words follow it): restored after each test.
    monkeypatch.setenv("KOURYU_LANG", "en")
    monkeypatch.setenv("LANGUAGE", "en")
    i18n.use("en")


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The shipped plan."""
    return load_plan(SHIPPED)


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke kouryu in-process: run("measures", "--age", "65+")."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, prog_name="kouryu")

    return invoke


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file into tmp_path: write("plan.yaml", text)."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
