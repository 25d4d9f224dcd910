"""`kouryu validate`, `--version`, the bare command, and the installed console script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli import __version__
from tests.conftest import SHIPPED, Run


def test_validate_the_shipped_plan(run: Run) -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{SHIPPED}: ok: 3 policies, 4 sections, 49 measures, 12 departments, "
        "7 indicators (8 series), 117 age marks\n"
    )


def test_validate_lists_every_problem_and_exits_3(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("ages: [0-17, 18-64, 65+]", "ages: [0-17, 18-64, 65歳以下]", 1)
    text = text.replace("departments: [障害福祉課]", "departments: [障がい福祉課]", 1)
    path = write("broken.yaml", text)
    result = run("validate", str(path))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    line = text.splitlines().index("            ages: [0-17, 18-64, 65歳以下]") + 1
    assert lines[0].startswith(
        f"kouryu: {path}:{line}:33: policies[0].sections[0].measures[0].ages[2]: "
    )
    assert "unknown age group '65歳以下' (expected 0-17, 18-64, 65+)" in lines[0]
    assert "unknown department '障がい福祉課'" in lines[1]
    assert "Traceback" not in result.stderr


def test_a_missing_key_is_said_once_not_again_for_what_it_would_hold(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    """`missing key 'program'` is the problem: not also program (empty) and program.city."""
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("program:")
    end = text.index("\n", text.index("  title:", start))  # program: city, title
    path = write("no-program.yaml", text[:start] + text[end + 1 :])
    result = run("validate", str(path))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"kouryu: {path}:")
    assert lines[0].endswith(": missing key 'program'")
    actuals = write("a.yaml", "actuals:\n  - indicator: I1\n    value: 27\n")
    checked = run("actuals", "check", str(actuals))
    assert checked.stderr.splitlines() == [f"kouryu: {actuals}:2:5: actuals[0]: missing key 'year'"]


def test_data_option_and_environment_variable(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "none.yaml"
    result = run("--data", str(missing), "measures")
    assert (result.exit_code, result.stderr) == (3, f"kouryu: {missing}: no such file\n")
    monkeypatch.setenv("KOURYU_DATA", str(missing))
    assert run("measures").exit_code == 3


def test_version(run: Run) -> None:
    assert run("--version").stdout == f"kouryu {__version__}\n"


def test_bare_command_prints_short_help_with_examples(run: Run) -> None:
    result = run()
    assert result.exit_code == 0
    assert "kouryu measures --age 65+" in result.stdout


def _console_script() -> list[str]:
    found = shutil.which("kouryu", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "kouryu_cli"]


def test_installed_command_validates_from_another_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [*_console_script(), "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(
        ": ok: 3 policies, 4 sections, 49 measures, 12 departments, "
        "7 indicators (8 series), 117 age marks\n"
    )


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kouryu_cli", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout == f"kouryu {__version__}\n"


def test_validate_refuses_two_measures_of_one_name(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace("name: 市民文化祭", "name: 社会教育推進事業")
    path = write("twice.yaml", text)
    result = run("validate", str(path))
    assert result.exit_code == 3
    lines = text.splitlines()
    first, second = (i + 1 for i, s in enumerate(lines) if s.endswith("name: 社会教育推進事業"))
    assert result.stderr == (
        f"kouryu: {path}:{second}:19: policies[1].sections[0].measures[4].name: "
        f"name '社会教育推進事業' is already the name of measure 1-1-01 at {path}:{first}:19: "
        "a name must name one measure\n"
    )


def test_validate_counts_one_of_a_kind_in_the_singular(
    run: Run, write: Callable[[str, str], Path]
) -> None:
    from tests.test_loader import MINIMAL

    path = write("plan.yaml", MINIMAL)
    result = run("validate", str(path))
    assert result.stdout == (
        f"{path}: ok: 1 policy, 1 section, 2 measures, 2 departments, "
        "1 indicator (1 series), 4 age marks\n"
    )


def test_verbose_says_how_the_plan_was_read(run: Run, tmp_path: Path) -> None:
    """-v names the encoding of a plan file, or that it came from the cache, as for actuals."""
    plan = tmp_path / "sjis.yaml"
    plan.write_bytes(SHIPPED.read_text(encoding="utf-8").encode("cp932"))
    read = f"{plan}: read as YAML, encoding Shift_JIS (cp932)\n"
    first = run("-v", "--data", str(plan), "measures", "-f", "json")
    assert first.exit_code == 0
    assert first.stderr.startswith(read)
    again = run("-v", "--data", str(plan), "measures", "-f", "json")
    assert again.stderr.startswith(f"{plan}: read before, unchanged since: taken from the cache\n")
    assert run("-v", "validate", str(plan)).stderr.startswith(read)
    both = run("-v", "--no-cache", "diff", str(plan), str(SHIPPED), "-f", "json")
    assert both.stderr.startswith(read + f"{SHIPPED}: read as YAML, encoding UTF-8\n")
    # Without -v, nothing of it.
    assert "read as" not in run("--data", str(plan), "measures", "-f", "json").stderr
