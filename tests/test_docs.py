"""The README and docs/ say what the tool does: commands, links, examples and contracts.

Conventions the pages follow, so that these tests can read them:
- every command and sub-command of `kouryu --help` has a heading in docs/ that contains it
  in backticks: ## `kouryu measures`, ### `kouryu progress form`;
- a ```console block is an example to be run: each `$ kouryu …` line (environment variables
  before it allowed) is followed by exactly what kouryu prints, stdout and stderr as a
  terminal shows them; a line `…` ends the comparison early.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from kouryu_cli.cli import NAMES as TABLE
from kouryu_cli.cli import app
from kouryu_cli.core import errors, i18n
from tests.conftest import Run

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
COMMANDS = sorted(TABLE)

pytestmark = pytest.mark.skipif(not README.is_file(), reason="the docs are not beside the tests")


def text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


def blocks(page: Path) -> list[tuple[str, int, list[str]]]:
    """The fenced code blocks of a page: (info string, line number, lines)."""
    found: list[tuple[str, int, list[str]]] = []
    fence: str | None = None
    info, start, body = "", 0, list[str]()
    for number, line in enumerate(text(page).splitlines(), 1):
        match = _FENCE.match(line.strip())
        if fence is None and match:
            fence, info, start, body = match[1], match[2].strip(), number, []
        elif fence is not None and line.strip() == fence:
            found.append((info, start, body))
            fence = None
        elif fence is not None:
            body.append(line)
    return found


def prose(page: Path) -> str:
    """The page without its fenced code blocks (a `# comment` in a block is no heading)."""
    lines = text(page).splitlines()
    for _, start, body in blocks(page):
        for index in range(start - 1, start + len(body) + 1):
            lines[index] = ""
    return "\n".join(lines)


def headings(page: Path) -> list[str]:
    return [m[1].strip() for m in re.finditer(r"^#{1,6} +(.+?) *#*$", prose(page), re.M)]


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for heading in headings(page):
        base = anchor(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("## 出力形式 / Output", "出力形式--output"),
        ("`kouryu progress form`", "kouryu-progress-form"),
        ("1. 指標の実績値を集める", "1-指標の実績値を集める"),
        ("Vocabularies (progress scales)", "vocabularies-progress-scales"),
        ("言語・翻訳（日本語）", "言語翻訳日本語"),
    ],
)
def test_anchor_is_github_s(base: str, expected: str) -> None:
    assert anchor(base.lstrip("# ")) == expected


# ---------------------------------------------------------------- commands


def command_names() -> list[str]:
    """Every command of `kouryu --help` and every sub-command of its groups: "actuals check"."""
    group = typer.main.get_command(app)
    context = typer.Context(group)
    names = []
    for name in group.list_commands(context):  # type: ignore[attr-defined]
        command = group.get_command(context, name)  # type: ignore[attr-defined]
        names.append(name)
        if hasattr(command, "list_commands"):
            inner = typer.Context(command, parent=context, info_name=name)
            names += [f"{name} {sub}" for sub in command.list_commands(inner)]
    return names


def test_all_commands_are_registered() -> None:
    assert {"measures", "dept", "search", "show", "outline", "matrix", "validate"} <= set(COMMANDS)
    names = command_names()
    assert set(COMMANDS) <= set(names)
    assert {"actuals template", "actuals check", "progress form", "progress status"} <= set(names)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_with_examples(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"kouryu {command}" in result.stdout


@pytest.mark.parametrize("command", command_names())
def test_every_command_has_a_section_in_the_docs(command: str) -> None:
    wanted = f"`kouryu {command}"
    pages = [p.name for p in DOCS.glob("*.md") if any(wanted in h for h in headings(p))]
    assert pages, f"no heading in docs/ contains {wanted}`"


# ---------------------------------------------------------------- links

_LINK = re.compile(r"!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\)")


def links(page: Path) -> list[str]:
    return [m[1] for m in _LINK.finditer(prose(page)) if not re.match(r"[a-z]+:", m[1])]


def test_the_pages_have_links() -> None:
    assert "docs/commands.md" in links(README)
    assert any("#" in link for page in PAGES for link in links(page))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_lead_somewhere(page: Path) -> None:
    broken = []
    for link in links(page):
        path, _, fragment = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(f"{link}: no heading #{fragment} in {target.name}")
    assert not broken


def test_every_page_is_linked_from_the_readme() -> None:
    linked = {link.partition("#")[0] for link in links(README)}
    assert {f"docs/{page.name}" for page in DOCS.glob("*.md")} <= linked


def test_the_readme_reads_in_a_minute() -> None:
    assert len(text(README)) <= 8000


# ---------------------------------------------------------------- examples

_ASSIGNMENT = re.compile(r"[A-Z_]+=\S*")
# A language set by LANG alone must not be overridden by the tests' own choice.
_LOCALE = ("KOURYU_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")


def examples() -> list[tuple[str, list[str], dict[str, str | None], list[str]]]:
    """(where, argv, environment, expected lines) of every `$ kouryu` line in a console block."""
    found = []
    for page in PAGES:
        for info, start, body in blocks(page):
            if info != "console":
                continue
            for offset, line in enumerate(body):
                if not line.startswith("$ "):
                    continue
                words = shlex.split(line[2:])
                env: dict[str, str | None] = {}
                while words and _ASSIGNMENT.fullmatch(words[0]):
                    name, _, value = words.pop(0).partition("=")
                    env[name] = value
                if "LANG" in env:
                    env.update({name: None for name in _LOCALE if name not in env})
                assert words[:1] == ["kouryu"], f"{page.name}:{start + offset + 1}: {line}"
                expected = []
                for output in body[offset + 1 :]:
                    if output.startswith("$ "):
                        break
                    expected.append(output)
                found.append((f"{page.name}:{start + offset + 1}", words[1:], env, expected))
    return found


EXAMPLES = examples()


def test_the_readme_shows_a_command_with_its_output() -> None:
    assert any(where.startswith("README.md:") and expected for where, _, _, expected in EXAMPLES)


@pytest.mark.parametrize(
    ("where", "argv", "env", "expected"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_console_examples_print_what_they_show(
    where: str, argv: list[str], env: dict[str, str | None], expected: list[str]
) -> None:
    result = CliRunner().invoke(app, argv, env=env, prog_name="kouryu")
    i18n.use("en")  # a run in Japanese leaves its catalog behind
    shown = result.output.splitlines()
    if "…" in expected:
        expected = expected[: expected.index("…")]
        shown = shown[: len(expected)]
    while expected and not expected[-1]:
        expected.pop()
    assert shown == expected, where


# ---------------------------------------------------------------- documented contracts


def section(page: Path, title: str) -> str:
    """The text under the first heading that contains `title`, up to the next heading."""
    body = prose(page)
    start = re.search(rf"^#+ .*{re.escape(title)}.*$", body, re.M)
    assert start, f"{page.name}: no heading with {title}"
    end = re.search(r"^#+ ", body[start.end() :], re.M)
    return body[start.end() : start.end() + end.start() if end else len(body)]


def test_every_exit_status_is_in_the_docs() -> None:
    documented = {
        int(n)
        for n in re.findall(r"^\| (\d+) \|", section(DOCS / "output.md", "Exit status"), re.M)
    }
    statuses = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert documented == statuses


def top_level_names(listed: str) -> list[str]:
    """The names of a record as the docs write it: `{id, name, ages {…}, tags [..]}` → id, name …"""
    inner = listed.strip()[1:-1]
    depth, flat = 0, []
    for char in inner:
        depth += char in "([{"
        depth -= char in ")]}"
        flat.append(char if depth == 0 or (depth == 1 and char in "([{") else "")
    return [re.match(r"\s*([\w\"-]+)", part)[1] for part in "".join(flat).split(",")]  # type: ignore[index]


def documented_record(label: str) -> list[str]:
    line = next(
        line
        for line in section(DOCS / "output.md", "JSON").splitlines()
        if line.startswith(f"- {label}:")
    )
    return top_level_names(re.search(r"`(\{.*\})`", line)[1])  # type: ignore[index]


@pytest.mark.parametrize(
    ("label", "argv"),
    [
        ("`measures`, `dept NAME`", ["measures", "--age", "65+"]),
        ("`dept` (no name)", ["dept"]),
        ("`search`", ["search", "ボランティア"]),
        ("`matrix`", ["matrix"]),
    ],
)
def test_listed_json_keys_are_the_tool_s(run: Run, label: str, argv: list[str]) -> None:
    result = run(*argv, "-f", "json")
    keys = set().union(*(record.keys() for record in json.loads(result.stdout)))
    assert set(documented_record(label)) == keys


def test_outline_json_keys_are_the_tool_s(run: Run) -> None:
    result = run("outline", "-f", "json")
    assert set(documented_record("`outline`")) == set(json.loads(result.stdout))


def test_indicator_json_keys_are_in_the_docs(run: Run) -> None:
    documented = set(re.findall(r"`(\w+)`", section(DOCS / "indicators.md", "JSON")))
    record = json.loads(run("indicators", "-f", "json").stdout)[0]
    history = json.loads(run("indicators", "--history", "-f", "json").stdout)[0]
    missing = (set(record) | set(record["target"]) | set(history)) - documented
    assert not missing


def test_the_language_is_chosen_in_the_documented_order() -> None:
    """languages.md: KOURYU_LANG, then the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG set."""
    listed = section(DOCS / "languages.md", "Language")
    override = re.search(r"`(\w+)=ja` or `\1=en` overrides everything", listed)
    order = re.search(r"the first of ((?:`\w+`(?:, )?)+) that is set", listed)
    assert override
    assert order
    names = [override[1], *re.findall(r"`(\w+)`", order[1])]
    for earlier, later in itertools.pairwise(names):
        assert i18n.language({earlier: "ja", later: "en_US.UTF-8"}) == "ja", (earlier, later)
        assert i18n.language({earlier: "en", later: "ja_JP.UTF-8"}) == "en", (earlier, later)
    for name in names[1:]:
        assert i18n.language({name: "ja_JP.UTF-8"}) == "ja"
        assert i18n.language({name: "C"}) == "en"
