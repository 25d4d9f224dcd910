"""Every command has help text with examples and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from kouryu_cli.cli import COMMANDS as TABLE
from tests.conftest import Run

README = Path(__file__).parents[1] / "README.md"
COMMANDS = sorted(TABLE)


def test_all_commands_are_registered() -> None:
    assert {"measures", "dept", "search", "show", "outline", "matrix", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_with_examples(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"kouryu {command}" in result.stdout


@pytest.mark.skipif(not README.is_file(), reason="README is not beside the tests")
@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_the_readme(command: str) -> None:
    assert f"`kouryu {command}`" in README.read_text(encoding="utf-8")
