"""Property tests: any input makes the loader raise only DataFileError; commands exit 0, 1, 2."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kouryu_cli.cli import app
from kouryu_cli.files import yamlfile
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.planfile.loader import plan_from_document
from tests.test_robust_files import MINIMAL

# Kept small so that the suite stays quick; KOURYU_HYPOTHESIS_EXAMPLES=2000 hunts harder.
FEW = settings(
    max_examples=int(os.environ.get("KOURYU_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RUNNER = CliRunner()


def load_bytes(raw: bytes) -> None:
    """The loader's whole path after reading the file: decode, parse, validate."""
    plan_from_document(yamlfile.parse(yamlfile.decode(raw, "plan.yaml")[0], "plan.yaml"))


# --- the loader ------------------------------------------------------------------------------


@FEW
@given(st.binary(max_size=2_000))
@example(b"\xff\xfe\x00\x00")
@example(b"\xef\xbb\xbf")
@example(b"a: &x [*x]\n")
@example(b"? !!binary aGVsbG8=\n: 1\n")
@example(b"%YAML 1.1\n--- !!set {a, b}\n")
def test_random_bytes_raise_only_plan_error(raw: bytes) -> None:
    with pytest.raises(DataFileError):
        load_bytes(raw)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["no", "yes", "on", "off", "010", "1:30", "2024-01-01", "~", "R1", "65+"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "schema",
            "program",
            "chapter",
            "number",
            "title",
            "policies",
            "sections",
            "measures",
            "id",
            "name",
            "departments",
            "ages",
            "icons",
            "description",
            "indicators",
            "series",
        ]
    ),
    st.text(max_size=10),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=40,
)


@FEW
@given(documents, st.sampled_from(["block", "flow"]))
def test_random_yaml_documents_raise_only_plan_error(document: Any, style: str) -> None:
    import yaml

    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=style == "flow")
    with pytest.raises(DataFileError):
        load_bytes(text.encode())


@FEW
@given(
    st.integers(min_value=0, max_value=len(MINIMAL)),
    st.integers(min_value=0, max_value=40),
    st.text(alphabet=st.sampled_from(list(" \t\n:-[]{}&*!|>'\"#%@`,?0あ")), max_size=8),
)
def test_damaged_plans_load_or_raise_plan_error(start: int, cut: int, insert: str) -> None:
    text = MINIMAL[:start] + insert + MINIMAL[start + cut :]
    problems: tuple[object, ...] = ()
    try:
        load_bytes(text.encode())
    except DataFileError as error:
        problems = error.problems
        assert problems
    assert all(str(p).startswith("plan.yaml") for p in problems)


# --- the commands ----------------------------------------------------------------------------

words = st.text(max_size=60)
filter_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["65+", "18-64", "0-17", "知守", "運動", "高齢", "こそだて", "", " ", "-"]),
)


def invoke(*args: str) -> int:
    result = RUNNER.invoke(app, list(args), prog_name="kouryu")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), (args, result.output)
    return result.exit_code


@FEW
@given(words, st.sampled_from(["tsv", "json", "table", "markdown", "csv"]))
def test_measures_query(text: str, fmt: str) -> None:
    invoke("measures", "--query", text, "-f", fmt)


@FEW
@given(
    st.lists(filter_values, max_size=2),
    st.lists(filter_values, max_size=2),
    st.lists(filter_values, max_size=2),
)
def test_measures_filters(ages: list[str], depts: list[str], tags: list[str]) -> None:
    args = ["measures", "-f", "json"]
    for option, values in (("--age", ages), ("--dept", depts), ("--tag", tags)):
        for value in values:
            args += [option, value]
    invoke(*args)


@FEW
@given(st.sampled_from(["dept", "search", "show"]), words, st.sampled_from(["tsv", "table"]))
def test_commands_with_a_word(command: str, text: str, fmt: str) -> None:
    # After "--" a text that starts with "-" is still the argument, not an option.
    invoke(command, "-f", fmt, "--", text)


@FEW
@given(st.lists(words, min_size=1, max_size=4))
def test_search_with_many_words(many: list[str]) -> None:
    invoke("search", "--", *many)
