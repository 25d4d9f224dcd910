"""What keeps kouryu fast, checked in real processes: which modules a run imports, the cache.

No wall-clock assertions (machines are noisy): bench/run.py measures the time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kouryu_cli.planfile import cache
from kouryu_cli.render import listing as render
from tests.conftest import SHIPPED

# Runs kouryu's entry point, then writes the names of the imported modules to argv[1].
_PROBE = """
import json, sys
report = sys.argv[1]
sys.argv = ["kouryu", *sys.argv[2:]]
from kouryu_cli.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
with open(report, "w", encoding="utf-8") as stream:
    json.dump({"code": code, "modules": sorted(sys.modules)}, stream)
"""


def kouryu(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[bytes], dict[str, Any]]:
    """Run kouryu in a fresh interpreter; the result and the modules it imported."""
    report = tmp_path / "modules.json"
    report.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    return result, json.loads(report.read_text("utf-8"))


def families(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


QUERY = ("measures", "--age", "65+", "--format", "json")


def test_warm_json_query_imports_neither_yaml_nor_rich(tmp_path: Path) -> None:
    cold, cold_modules = kouryu(tmp_path, *QUERY)
    assert cold.returncode == 0
    assert "yaml" in families(cold_modules["modules"])  # the first run parses
    warm, warm_modules = kouryu(tmp_path, *QUERY)
    assert warm.returncode == 0
    assert warm.stdout == cold.stdout
    assert warm.stderr.decode() == "conditions: 65歳以上 / 40 measures\n"
    loaded = families(warm_modules["modules"])
    assert "yaml" not in loaded
    assert "rich" not in loaded
    assert "pydantic" not in loaded
    assert "kouryu_cli.planfile.cache" in warm_modules["modules"]
    assert "kouryu_cli.planfile.loader" not in warm_modules["modules"]  # not parsed again


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown"])
def test_warm_text_formats_do_not_import_rich(tmp_path: Path, fmt: str) -> None:
    kouryu(tmp_path, *QUERY)
    result, modules = kouryu(tmp_path, "measures", "--age", "65+", "--format", fmt)
    assert result.returncode == 0
    assert not {"rich", "yaml"} & families(modules["modules"])


def test_table_imports_rich_only_because_it_draws(tmp_path: Path) -> None:
    # The control for the test above: the probe does see Rich when a table is drawn.
    result, modules = kouryu(
        tmp_path, "measures", "--age", "65+", "--format", "table", env={"COLUMNS": "120"}
    )
    assert result.returncode == 0
    assert "rich" in families(modules["modules"])


def test_help_imports_neither_rich_nor_yaml(tmp_path: Path) -> None:
    result, modules = kouryu(tmp_path, "--help")
    assert result.returncode == 0
    assert b"measures" in result.stdout
    assert not {"rich", "yaml", "pydantic"} & families(modules["modules"])


def test_department_completion_with_a_warm_cache(tmp_path: Path) -> None:
    completion = {
        "_KOURYU_COMPLETE": "complete_bash",
        "COMP_WORDS": "kouryu dept 高",
        "COMP_CWORD": "2",
    }
    kouryu(tmp_path, *QUERY)
    result, modules = kouryu(tmp_path, env=completion)
    assert result.returncode == 0
    assert result.stdout.decode().split() == ["高齢福祉課"]
    assert not {"rich", "yaml"} & families(modules["modules"])


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("kouryu measures --age 6", ["65+"]),
        ("kouryu measures --age 1", ["18-64"]),
        ("kouryu measures --tag 知", ["知守"]),
        ("kouryu measures --tag 運", ["運動"]),
    ],
)
def test_age_and_icon_completion(tmp_path: Path, words: str, expected: list[str]) -> None:
    completion = {"_KOURYU_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "3"}
    result, _modules = kouryu(tmp_path, env=completion)
    assert result.returncode == 0
    assert result.stdout.decode().split() == expected


def test_one_byte_change_reaches_the_output(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = SHIPPED.read_bytes()
    plan.write_bytes(text)
    args = ("--data", str(plan), "show", "1-1-01", "--format", "json")
    first, _ = kouryu(tmp_path, *args)
    assert json.loads(first.stdout)["name"] == "社会教育推進事業"
    info = plan.stat()
    plan.write_bytes(text.replace("社会教育推進事業".encode(), "社会教育推進事柄".encode(), 1))
    os.utime(plan, ns=(info.st_atime_ns, info.st_mtime_ns))
    second, modules = kouryu(tmp_path, *args)
    assert json.loads(second.stdout)["name"] == "社会教育推進事柄"
    assert "yaml" in families(modules["modules"])  # parsed again


@pytest.mark.parametrize("junk", [b"", b"kouryu plan cache\n" + b"\0" * 40, b"\x80\x04junk"])
def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, junk: bytes) -> None:
    good, _ = kouryu(tmp_path, *QUERY)
    entries = list((Path(os.environ["XDG_CACHE_HOME"]) / "kouryu").glob("plan-*.cache"))
    assert len(entries) == 1
    entries[0].write_bytes(junk)
    again, modules = kouryu(tmp_path, *QUERY)
    assert again.returncode == 0
    assert again.stdout == good.stdout
    assert again.stderr.decode() == "conditions: 65歳以上 / 40 measures\n"
    assert "yaml" in families(modules["modules"])
    assert entries[0].read_bytes().startswith(b"kouryu plan cache\n")
    assert len(entries[0].read_bytes()) > 1000


def test_unwritable_cache_folder_never_stops_a_query(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result, _ = kouryu(tmp_path, *QUERY, env={"XDG_CACHE_HOME": str(blocker)})
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == 40
    assert result.stderr.decode() == "conditions: 65歳以上 / 40 measures\n"


def test_cache_folder_is_where_xdg_says() -> None:
    assert cache.folder() == Path(os.environ["XDG_CACHE_HOME"]) / "kouryu"


# ---------------------------------------------------------------- the JSON writer


@pytest.mark.parametrize(
    "records",
    [
        [{"id": "1-1-01", "n": 3, "tags": [], "ages": ["18-64", "65+"]}],
        [{"text": 'quote " backslash \\ newline \n tab \t nul \0 é 漢字 \u2028'}],
        [{"a": -1, "b": 0}, {"a": 10**20, "c": ["x"], "d": {"e": None}}],
        [{"キー": "値"}],
    ],
)
def test_a_listing_is_one_record_per_line(records: list[dict[str, Any]]) -> None:
    text = render.to_json(records)
    assert json.loads(text) == records
    lines = text.splitlines()
    assert lines[0] == "["
    assert lines[-1] == "]"
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records


LISTINGS = [
    [{"a": 0.1, "b": 1e300, "c": -2.5, "d": True, "e": False, "f": None, "g": "\U0001f600"}],
    [{"text": 'quote " backslash \\ newline \n nul \0 漢字'}, {"n": [1, [2, {"x": "y"}]]}],
]


@pytest.mark.parametrize("records", LISTINGS)
def test_each_record_line_is_what_json_dumps_writes(records: list[dict[str, Any]]) -> None:
    lines = render.to_json(records).splitlines()[1:-1]
    assert [line.rstrip(",") for line in lines] == [
        json.dumps(record, ensure_ascii=False) for record in records
    ]


def test_a_value_json_cannot_write_is_refused() -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        render.to_json([{"a": {1}}])


@pytest.mark.parametrize("records", LISTINGS)
def test_the_encoder_is_reused_without_keeping_state(records: list[dict[str, Any]]) -> None:
    # One encoder serves every record and every call: a refused value leaves it as it was.
    first = render.to_json(records)
    with pytest.raises(TypeError):
        render.to_json([{"a": {1}}])
    assert render.to_json(records) == first
    assert render.to_json(records + records) == first[:-3] + ",\n" + first[2:]


@pytest.mark.parametrize(
    ("value", "line"),
    [
        (float("nan"), '{"x": NaN}'),
        (float("inf"), '{"x": Infinity}'),
        (-0.0, '{"x": -0.0}'),
        (1e16, '{"x": 1e+16}'),
        (10**30, '{"x": 1000000000000000000000000000000}'),
        ("\ud800", '{"x": "\ud800"}'),
        ("\u2029", '{"x": "\\u2029"}'),
        ("\x7f\x85", '{"x": "\\u007f\\u0085"}'),
        ("\x1b[31m", '{"x": "\\u001b[31m"}'),
    ],
)
def test_record_values_are_written_as_json_dumps_writes_them(value: Any, line: str) -> None:
    assert render.to_json([{"x": value}]) == f"[\n{line}\n]\n"


@pytest.mark.parametrize("value", [[], {}, "x", [{}, "x"], ["x"], {"a": [{"b": "c"}]}])
def test_other_shapes_are_indented(value: Any) -> None:
    assert render.to_json(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_c1_controls_are_escaped() -> None:
    assert render.to_json([{"a": "\x9b31m"}]) == '[\n{"a": "\\u009b31m"}\n]\n'


PACKAGE = Path(__file__).parents[1] / "src" / "kouryu_cli"


def test_no_private_click_module_is_used() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert "typer._click" not in path.read_text(encoding="utf-8"), path
