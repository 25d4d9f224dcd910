"""The terminal layout: where text breaks, how narrow a column can be, when a table stacks."""

from __future__ import annotations

import io

import pytest

from kouryu_cli.render import terminal
from kouryu_cli.render.terminal import GAP, Column, Grid, minimum_width, text, wrap
from kouryu_cli.render.textwidth import Kind, narrowest

ATOM, WORDS, PROSE = Kind.ATOM, Kind.WORDS, Kind.PROSE


@pytest.mark.parametrize(
    ("columns", "width"),
    [
        (None, None),
        ("", None),
        ("0", None),
        ("00", None),
        ("-5", None),
        ("abc", None),
        ("80x", None),
        ("٣٣", None),  # Arabic-Indic digits: isdigit() says yes, a terminal says no
        ("1", 1),
        ("50", 50),
        (" 60 ", 60),
        ("300", 300),
    ],
)
def test_columns_setting(monkeypatch: pytest.MonkeyPatch, columns: str | None, width: int) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal.columns_setting() == width


@pytest.mark.parametrize("columns", ["0", "abc", ""])
def test_an_unknown_width_without_a_terminal_is_80(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert terminal.screen_width() == terminal.UNKNOWN_WIDTH == 80
    assert terminal.console().width == 80


def lines(value: str, width: int, kind: Kind = PROSE, keep: tuple[str, ...] = ()) -> list[str]:
    return [line.plain for line in wrap(text(value), width, kind, keep)]


@pytest.mark.parametrize(
    ("value", "width", "kind", "expected"),
    [
        # Prose breaks between characters, never inside an id.
        ("地域介護予防2-1-20事業です", 10, PROSE, ["地域介護予", "防2-1-20事", "業です"]),
        ("地域介護予防2-1-20事業です", 14, PROSE, ["地域介護予防", "2-1-20事業です"]),
        ("I3の目標は5,480人", 8, PROSE, ["I3の目標", "は5,480", "人"]),
        # Punctuation stays with the character before it; an opening bracket with the next.
        ("支援します。取り組み", 10, PROSE, ["支援しま", "す。取り", "組み"]),
        # No last line of one character, unless the line above would be left with one.
        ("社会教育推進事業", 14, PROSE, ["社会教育推進", "事業"]),
        ("知守・食事・運動", 14, PROSE, ["知守・食事・", "運動"]),
        ("（例）社会教育を行う", 8, PROSE, ["（例）社", "会教育を", "行う"]),
        # A diff's markers stay with the text they mark.
        ("[-古い-]{+新しい+}です", 8, PROSE, ["[-古", "い-]{+新", "しい+}", "です"]),
        # Values break at their spaces only.
        ("146,828 人/年 (R2/2020)", 15, WORDS, ["146,828 人/年", "(R2/2020)"]),
        ("30% 以上 (Ｒ12/2030)", 11, WORDS, ["30% 以上", "(Ｒ12/2030)"]),
        ("B*\n総合 C（3.5点）", 10, WORDS, ["B*", "総合", "C（3.5点）"]),
        # What fits is left alone; a line break in the data is kept.
        ("2-1-20", 6, ATOM, ["2-1-20"]),
        ("ベースラインのみ\n期限超過", 16, WORDS, ["ベースラインのみ", "期限超過"]),
        ("", 5, PROSE, [""]),
        # Wider than any line (only on absurdly narrow screens): after a slash, never
        # inside a number unless the number alone is too wide.
        (
            "tests/fixtures/actuals-example.csv:14",
            20,
            ATOM,
            ["tests/fixtures/", "actuals-example.csv:", "14"],
        ),
        ("12345678", 3, ATOM, ["123", "456", "78"]),
    ],
)
def test_wrap(value: str, width: int, kind: Kind, expected: list[str]) -> None:
    assert lines(value, width, kind) == expected


def test_protected_words_never_break() -> None:
    sentence = "評価はベースラインのみです"
    assert lines(sentence, 16) == ["評価はベースライ", "ンのみです"]
    assert lines(sentence, 16, keep=("ベースラインのみ",)) == ["評価は", "ベースラインのみ", "です"]


def test_wrap_keeps_styles() -> None:
    value = text("高齢福祉課の高齢者", spans=[(6, 8)])
    first, second = wrap(value, 12)
    assert (first.plain, second.plain) == ("高齢福祉課の", "高齢者")
    assert [(s.start, s.end, str(s.style)) for s in second.spans] == [(0, 2, "bold reverse")]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("2-1-20", ATOM, 6),
        ("25.6% (Ｈ29/2017)", ATOM, 17),
        ("25.6% (Ｈ29/2017)", WORDS, 11),
        ("ベースラインのみ\n総合 ベースラインのみ", WORDS, 16),
        ("しゃかいきょういくか", PROSE, 4),  # a small ゃ stays with the し before it
        ("事業2-1-20", PROSE, 6),
    ],
)
def test_narrowest(value: str, kind: Kind, expected: int) -> None:
    assert narrowest(value, kind) == expected


@pytest.mark.parametrize(
    ("column", "cells", "expected"),
    [
        # Prose gets five Japanese characters a line, or all it needs when less.
        (Column("よみ"), ["しゃかいきょういくか"], terminal.PROSE_MIN),
        (Column("種類"), ["指標"], 4),
        # A heading wraps to two Japanese characters a line, no further.
        (Column("事業数", ATOM, "right"), ["8", "12"], terminal.HEADING_MIN),
        (Column("ID", ATOM), ["1-1-01", "2-1-20"], 6),
        (Column("評価", WORDS), ["A", "ベースラインのみ"], 16),
        (Column("ID", ATOM), [], 2),
    ],
)
def test_minimum_width(column: Column, cells: list[str], expected: int) -> None:
    assert minimum_width(column, cells) == expected


def draw_at(width: int, columns: list[Column], rows: list[list[str]]) -> list[str]:
    buffer = io.StringIO()
    target = terminal.console(into=buffer, width=width)
    terminal.draw_table(target, Grid(columns, [[text(cell) for cell in row] for row in rows]))
    return buffer.getvalue().splitlines()


COLUMNS = [Column("ID", ATOM), Column("事業名"), Column("事業数", ATOM, "right")]
ROWS = [
    ["2-1-20", "地域介護予防活動支援事業", "12"],
    ["I3", "福祉活動ボランティア団体登録数及び人数", "5,480"],
]


def test_a_table_stacks_exactly_where_its_columns_would_go_below_their_minimums() -> None:
    # ID 6, 事業名 10 (five characters a line), 事業数 5 (5,480), two gaps.
    readable = 6 + terminal.PROSE_MIN + 5 + 2 * GAP
    table = draw_at(readable, COLUMNS, ROWS)
    assert table[2] == "─" * readable
    assert table[3].split() == ["2-1-20", "地域介護予", "12"]
    assert max(len(line) for line in table) <= readable
    assert draw_at(readable - 1, COLUMNS, ROWS) == [
        "2-1-20",
        "  事業名  地域介護予防活動",
        "          支援事業",
        "  事業数  12",
        "",
        "I3",
        "  事業名  福祉活動ボラン",
        "          ティア団体登録数",
        "          及び人数",
        "  事業数  5,480",
    ]


def test_optional_columns_come_only_while_the_others_are_at_ease() -> None:
    columns = [*COLUMNS, Column("備考", optional=True)]
    rows = [[*row, "なし"] for row in ROWS]
    at_ease = 6 + 2 * terminal.PROSE_MIN + 5 + 2 * GAP
    assert "備考" not in draw_at(at_ease + GAP + 3, columns, rows)[1]
    assert "備考" in draw_at(at_ease + GAP + 4, columns, rows)[1]
    # The stacked layout shows every field.
    assert "  備考    なし" in draw_at(20, columns, rows)


def test_paragraph_keeps_its_indentation_and_hangs() -> None:
    buffer = io.StringIO()
    target = terminal.console(into=buffer, width=20)
    terminal.paragraph(target, text("    ~ 1-2-09 介護予防活動支援事業（介護予防応援隊養成）"))
    assert buffer.getvalue().splitlines() == [
        "    ~ 1-2-09 介護予",
        "      防活動支援事業",
        "      （介護予防応援",
        "      隊養成）",
    ]
