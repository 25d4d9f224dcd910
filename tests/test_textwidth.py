"""The one display width and line-break rule of the terminal, help, charts and workbooks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouryu_cli.render.textwidth import (
    NO_END,
    NO_START,
    Kind,
    break_line,
    char_width,
    narrowest,
    natural,
    width,
    wrap,
)


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("", 0),
        ("abc", 3),
        ("交流", 4),  # wide (W)
        ("ＡＢ", 4),  # full-width (F)
        ("ｱｲｳ", 3),  # half-width katakana (H): narrow
        ("65歳以上", 8),
        ("○※", 2),  # ambiguous (A): narrow on a terminal
        ("か\u3099", 2),  # a combining voiced mark takes no column
        ("e\u0301", 1),  # nor a combining accent
        ("a\u200bb", 2),  # a zero-width space is invisible
        ("\x1b[31m", 4),  # a control character takes none; the rest is text
        ("所管課 abc", 10),
    ],
)
def test_width_on_a_terminal(text: str, columns: int) -> None:
    assert width(text) == columns


@pytest.mark.parametrize(
    ("char", "terminal", "font"),
    [("○", 1, 2), ("―", 1, 2), ("交", 2, 2), ("a", 1, 1), ("\u3099", 0, 0)],
)
def test_ambiguous_characters_are_wide_only_when_asked(char: str, terminal: int, font: int) -> None:
    assert (char_width(char), char_width(char, ambiguous=2)) == (terminal, font)


def test_natural_is_the_longest_line() -> None:
    assert natural("ab\n交流交流\nabc") == 8


@pytest.mark.parametrize(
    ("text", "limit", "kind", "lines"),
    [
        ("所管課の事業", 20, Kind.PROSE, ["所管課の事業"]),  # what fits is left alone
        ("所管課の事業。", 6, Kind.PROSE, ["所管課", "の事", "業。"]),  # 。 stays with 業
        ("推進事業", 6, Kind.PROSE, ["推進", "事業"]),  # no line of one character
        ("kouryu dept 高齢福祉課", 12, Kind.PROSE, ["kouryu dept", "高齢福祉課"]),
        ("25.6% (Ｈ29/2017)", 12, Kind.WORDS, ["25.6%", "(Ｈ29/2017)"]),  # at the space only
        ("2-1-20 推進", 6, Kind.ATOM, ["2-1-20", "推進"]),  # an id is never broken
        ("data/actuals/実績値.csv", 14, Kind.PROSE, ["data/actuals/", "実績値.csv"]),
        ("cp932（sjis）", 8, Kind.PROSE, ["cp932", "（sjis）"]),  # （ is no letter of cp932
        ("（18～64歳）", 8, Kind.PROSE, ["（18～64", "歳）"]),  # ～ never starts a line
        ("", 5, Kind.PROSE, [""]),
    ],
)
def test_wrap(text: str, limit: int, kind: Kind, lines: list[str]) -> None:
    assert wrap(text, limit, kind) == lines


@pytest.mark.parametrize(
    ("text", "kind", "columns"),
    [
        ("推進事業 2-1-20", Kind.PROSE, 6),  # the id is the widest unit
        ("25.6% (Ｈ29/2017)", Kind.WORDS, 11),
        ("所管課。", Kind.PROSE, 4),  # 課。 is one unit
        ("「通い", Kind.PROSE, 4),  # 「通 is one unit
        ("B*", Kind.ATOM, 2),
    ],
)
def test_narrowest(text: str, kind: Kind, columns: int) -> None:
    assert narrowest(text, kind) == columns


SENTENCES = [
    "高齢者の「通いの場」（サロン）を広げ、参加者を増やす。",
    "FILE に書く（一度に置き換える。リンクはたどり、パイプには書き込む。- は標準出力）。",
    "認知症サポーター養成講座を開き、ボランティアの活動を支えた。",
    "『健康づくり計画』【第3章】の指標は、R6（2024年度）に評価する。",
    "ショッピングセンターで「ウォーキング教室」を開いた！参加者は増えている？",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_kinsoku_at_every_width(text: str) -> None:
    """No line starts with 。、」） (nor small kana, ー), none ends with 「（, nothing is lost."""
    for limit in range(narrowest(text, Kind.PROSE), width(text) + 2):
        lines = wrap(text, limit)
        assert all(width(line) <= limit for line in lines), (limit, lines)
        assert not [line for line in lines[1:] if line[0] in NO_START], (limit, lines)
        assert not [line for line in lines[:-1] if line[-1] in NO_END], (limit, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (limit, lines)


def test_the_first_line_may_be_narrower() -> None:
    spans = break_line("所管課の事業", 8, first=4)
    assert ["所管課の事業"[a:b] for a, b in spans] == ["所管", "課の事業"]


JAPANESE = st.text(
    alphabet=st.sampled_from("所管課の事業推進（）「」、。ーっァ abc123-/%"), max_size=40
)


@given(JAPANESE, st.integers(min_value=2, max_value=30))  # a wide character needs two
def test_no_line_is_wider_than_asked(text: str, limit: int) -> None:
    lines = wrap(text, limit)
    assert all(width(line) <= limit for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@given(st.text(alphabet=st.sampled_from("所管課（）「」、。ｱｲＡＢ○ abc123"), max_size=30))
def test_rich_pads_by_the_same_width(text: str) -> None:
    """Rich pads table cells by its own table: it must agree with ours on the plan's text."""
    from rich.cells import cell_len

    assert width(text) == cell_len(text)
