"""YAML syntax errors in the user's words: tabs, anchors given twice, keys indented wrongly."""

from __future__ import annotations

import re

import pytest

from kouryu_cli.core import i18n
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.files.yamlfile import parse

MEASURE = """\
measures:
  - id: 2-1-05
    name: 市民文化祭
    ages: [65+]
"""


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs with both of PyYAML's parsers: their words differ."""
    import yaml

    if request.param == "python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")


pytestmark = pytest.mark.usefixtures("parser")


def problem(text: str) -> tuple[int | None, int | None, str]:
    with pytest.raises(DataFileError) as caught:
        parse(text, "plan.yaml")
    (found,) = caught.value.problems
    return found.line, found.column, found.message


TAB = "tabs cannot indent YAML: use spaces"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (MEASURE.replace("    name:", "\t    name:"), 3, 1),
        (MEASURE.replace("    name:", "\tname:"), 3, 1),
        (MEASURE.replace("    name:", "  \t  name:"), 3, 3),
        (MEASURE.replace("  - id:", "  -\tid:"), 2, 4),
    ],
    ids=["tab-first", "tab-alone", "tab-inside", "tab-after-dash"],
)
def test_a_tab_is_named_in_every_language(text: str, line: int, column: int) -> None:
    assert problem(text) == (
        line,
        column,
        f"YAML syntax error: found a tab where none may be ({TAB})",
    )
    i18n.use("ja")
    try:
        message = problem(text)[2]
    finally:
        i18n.use("en")
    # PyYAML's English ("found a tab character that violates indentation") is not left in.
    assert set(re.findall("[A-Za-z]+", message)) == {"YAML"}


def test_an_anchor_given_twice_names_it_and_its_first_line() -> None:
    text = MEASURE.replace("name: 市民文化祭", "name: &a 市民文化祭") + "x: &a y\n"
    assert problem(text) == (
        5,
        4,
        "YAML syntax error: the anchor &a is defined a second time (first on line 3); kouryu's"
        " data files need no anchors: delete them, or put a text that starts with '&' in quotes",
    )


def _wrong(key: str, column: int, line: int, other: int) -> str:
    return (
        f"YAML syntax error: wrong indentation: '{key}' starts in column {column}, the key on"
        f" line {line} in column {other}; the keys of one mapping start in one column"
    )


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (MEASURE.replace("    name:", "      name:"), (3, 11), _wrong("name", 7, 2, 5)),
        (MEASURE.replace("    ages:", "     ages:"), (4, 10), _wrong("ages", 6, 3, 5)),
        (MEASURE.replace("    ages:", "   ages:"), (4, 4), _wrong("ages", 4, 3, 5)),
        ("a: 1\n b: 2\n", (2, 3), _wrong("b", 2, 1, 1)),
        ("a:\n  b: 1\n\n    # note\n    c: 2\n", (5, 5), _wrong("c", 5, 2, 3)),
    ],
    ids=["deeper-after-dash", "deeper", "shallower", "top", "after-a-comment"],
)
def test_a_key_indented_unlike_the_one_above_is_called_so(
    text: str, where: tuple[int, int], message: str
) -> None:
    """Said at the parser's place: the colon it stopped at, or the key it did not expect."""
    assert problem(text) == (*where, message)


@pytest.mark.parametrize(
    "text",
    [
        MEASURE.replace("name: 市民文化祭", "name: 市民: 文化祭"),
        "a: b: c\n",
        "description: 長い文章で\n  続き: ここ\n",  # a text going on, not a key
    ],
    ids=["value", "one-line", "text-going-on"],
)
def test_a_value_holding_colon_space_still_asks_for_quotes(text: str) -> None:
    message = problem(text)[2]
    assert message.startswith("YAML syntax error: a 'key: value' is not allowed here")
    assert "indentation" not in message


def test_an_unclosed_list_is_not_called_an_indentation() -> None:
    message = problem("a: [1, 2\n  b: 3\n")[2]
    assert "indentation" not in message
