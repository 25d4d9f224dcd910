"""Folding text for matching, highlighting and terminal safety."""

from __future__ import annotations

import pytest

from kouryu_cli.core.textnorm import codec_name, find_spans, fold, strip_controls


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ＰＲ", "pr"),
        ("PR", "pr"),
        ("カルタ", "かるた"),
        ("18～64", "18-64"),
        ("18〜64", "18-64"),
        ("18~64", "18-64"),
        ("18－64", "18-64"),
        ("18‐64", "18-64"),
        ("高齢 福祉", "高齢福祉"),
        ("高齢\u3000福祉", "高齢福祉"),
        ("ﾎﾞﾗﾝﾃｨｱ", "ぼらんてぃあ"),
        ("６５歳以上", "65歳以上"),
    ],
)
def test_fold_makes_these_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_the_long_vowel_mark() -> None:
    # ー is part of katakana words (ハロウィーン), not a dash.
    assert fold("ボランティアー") == "ぼらんてぃあー"


def test_find_spans_maps_back_to_the_original_text() -> None:
    text = "市の魅力を大々的にＰＲするとともに"
    assert find_spans(text, (fold("pr"),)) == [(9, 11)]
    assert find_spans("ﾎﾞﾗﾝﾃｨｱ活動", (fold("ボランティア"),)) == [(0, 7)]
    assert find_spans("かるた教室、カルタ", (fold("かるた"),)) == [(0, 3), (6, 9)]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("全角\u3000空白", "全角\u3000空白"),
        ("👨\u200d👩", "👨\u200d👩"),
        ("\x9b31m", "\\x9b31m"),
    ],
)
def test_strip_controls(raw: str, shown: str) -> None:
    assert strip_controls(raw) == shown


def test_the_tools_own_header_is_written_in_what_windows_calls_shift_jis() -> None:
    assert "18～64歳".encode(codec_name("shift_jis")) == "18～64歳".encode("cp932")
