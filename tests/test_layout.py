"""The package's layout: one home per feature over a small kernel, and the rule between them.

The same rule is written for ruff in each folder's ruff.toml (TID251); this test reads every
module's imports (module level and inside functions) and holds the code to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "kouryu_cli"

KERNEL = "core"
SHARED = ("files", "render")  # import only the kernel
PLAN = "planfile"  # the plan file: the kernel and files/
CLI = "cli"  # the root group and the pieces every command shares
FEATURES = ("measures", "indicators", "report", "editions", "progress")
# Where a feature uses another feature's domain, by name.
NAMED = {
    "report": ("indicators", "progress"),  # the report is built from evaluations and the round
    "progress": ("measures",),  # the round resolves department names as measures does
}
ROOT_MODULES = ("__init__.py", "__main__.py", "entry.py")


def allowed(home: str) -> set[str]:
    """The homes a module in `home` may import from (its own included)."""
    if home == KERNEL:
        return {KERNEL}
    if home in SHARED:
        return {home, KERNEL}
    if home == PLAN:
        return {PLAN, KERNEL, "files"}
    if home == CLI:
        return {CLI, KERNEL, *SHARED, PLAN}
    if home in FEATURES:
        return {home, KERNEL, *SHARED, PLAN, CLI, *NAMED.get(home, ())}
    assert home == "root", home
    return {"root", CLI}


def home_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return "root" if len(parts) == 1 else parts[0]


def imported_homes(path: Path) -> list[tuple[int, str]]:
    """(line, home) of every kouryu module a file imports, at module level or in a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] != "kouryu_cli" or len(parts) < 2:
                continue
            module = PACKAGE.joinpath(*parts[1:])
            if (module / "__init__.py").exists() or module.with_suffix(".py").exists():
                top = parts[1]
                found.append((node.lineno, "root" if top in ("entry", "__main__") else top))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_home() -> None:
    homes = {home_of(path) for path in MODULES}
    assert homes == {"root", KERNEL, *SHARED, PLAN, CLI, *FEATURES}
    assert {path.name for path in MODULES if home_of(path) == "root"} == set(ROOT_MODULES)


def test_each_home_imports_only_what_the_rule_allows() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports from {home}/"
        for path in MODULES
        for line, home in imported_homes(path)
        if home not in allowed(home_of(path))
    ]
    assert wrong == []


def test_the_command_table_names_every_feature_command() -> None:
    # cli/ reaches features only through its table of module names, loaded when a command runs.
    table = (PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8")
    for feature in FEATURES:
        assert f'"kouryu_cli.{feature}.' in table, feature


@pytest.mark.parametrize("home", [KERNEL, *SHARED, PLAN, CLI, *FEATURES])
def test_ruff_bans_what_the_rule_forbids(home: str) -> None:
    """Each folder's ruff.toml bans every home of ours that the rule keeps it from."""
    config = (PACKAGE / home / "ruff.toml").read_text(encoding="utf-8")
    forbidden = {KERNEL, *SHARED, PLAN, CLI, *FEATURES} - allowed(home)
    for other in sorted(forbidden):
        assert f'"kouryu_cli.{other}".msg' in config, (home, other)


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_folder_holds_more_than_a_quarter_of_the_code() -> None:
    total = sum(lines(path) for path in MODULES)
    by_home: dict[str, int] = {}
    for path in MODULES:
        by_home[home_of(path)] = by_home.get(home_of(path), 0) + lines(path)
    assert {home: size for home, size in by_home.items() if size > total / 4} == {}


def test_no_module_is_longer_than_500_lines() -> None:
    assert {str(p.relative_to(PACKAGE)): lines(p) for p in MODULES if lines(p) > 500} == {}


def test_records_are_dataclasses_and_each_named_tuple_says_why() -> None:
    """A value record is a frozen dataclass; a NamedTuple is kept only where speed asks."""
    kept: dict[str, str] = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(base) in ("NamedTuple", "typing.NamedTuple") for base in node.bases
            ):
                kept[node.name] = ast.get_docstring(node) or ""
    assert sorted(kept) == ["Request", "Traits"]
    assert all("NamedTuple" in why and "dataclass" in why for why in kept.values())


def test_no_two_classes_share_a_name() -> None:
    """One meaning per word: a class name says which thing it is, wherever it is read."""
    homes: dict[str, list[str]] = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                homes.setdefault(node.name, []).append(str(path.relative_to(PACKAGE)))
    assert {name: where for name, where in homes.items() if len(where) > 1} == {}


DEVELOPMENT = Path(__file__).parents[1] / "docs" / "development.md"


def _layout_block() -> dict[str, str]:
    """The layout tree of docs/development.md, as the text under each top folder."""
    text = DEVELOPMENT.read_text(encoding="utf-8")
    start = text.index("```\nsrc/kouryu_cli/\n")
    block = text[start + 4 : text.index("```\n", start + 4)]
    sections: dict[str, str] = {}
    current = ""
    for line in block.splitlines()[1:]:
        if line.startswith("  ") and not line.startswith("   "):
            current = line.split()[0].rstrip("/")
        sections[current] = sections.get(current, "") + line + "\n"
    return sections


@pytest.mark.skipif(not DEVELOPMENT.is_file(), reason="docs/ is not beside the tests")
def test_the_documented_layout_names_every_module() -> None:
    sections = _layout_block()
    missing = [
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if home_of(path) != "root"
        and path.name != "__init__.py"
        and path.name not in sections.get(home_of(path), "")
    ]
    assert missing == []
    assert {home_of(p) for p in MODULES} - {"root"} <= set(sections)
