"""What a clerk writes around the figures: the mark 確認, a missing column, a YAML list, stdin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kouryu_cli.core.model import Plan
from kouryu_cli.files.problems import DataFileError
from kouryu_cli.indicators.actuals import read_actuals
from kouryu_cli.indicators.actuals_rows import FilePlace, WrittenRow
from kouryu_cli.indicators.plausible import checked
from tests.conftest import Run

Write = Callable[[str, str], Path]


def problems(path: Path, plan: Plan) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        read_actuals(path, plan, label=path.name)
    return [str(p) for p in caught.value.problems]


def marked(mark: str) -> WrittenRow:
    return WrittenRow({"checked": mark}, lambda _key, _message: None, lambda _key: FilePlace("f"))


# --- the mark 確認 ------------------------------------------------------------------------

CHECKED = [
    *(
        "済",
        "済み",
        "確認済",
        "確認済み",
        "チェック済",
        "ＯＫ",
        "OK",
        "ok",
        "yes",
        "Y",
        "true",
        "1",
    ),
    *("○", "〇", "◯", "◎", "✓", "✔", "レ", "確認"),
    # A name or a stamp says who checked it, 中 and all.
    *(
        "山田",
        "山田太郎",
        "山田 太郎",
        "田中",
        "中村",
        "竹中",
        "Yamada",
        "Nakano Taro",
        "済（田中）",
    ),
]
NOT_CHECKED = [
    *("", " ", "未", "未確認", "未済", "未了", "要確認", "要", "確認待ち", "待ち", "不明", "否"),
    *("確認中", "調査中", "確認中です", "まだ", "いいえ", "なし", "無", "無し", "ナシ", "ダメ"),
    *("確認していない", "保留", "確認予定", "あとで", "?", "？", "OK?", "済？", "山田?"),
    *("×", "✕", "✗", "✘", "△", "▲", "x", "X", "-", "ー", "ｰ", "－", "―", "ーー", "/"),
    *("no", "No", "n", "not yet", "NG", "ＮＧ", "ng", "false", "FALSE", "0", "TODO", "pending"),
    # Again, wrong, or not done: a check that failed or is to be made once more.
    *("確認できず", "再確認", "再調査", "駄目", "ペンディング", "誤り", "誤", "違う", "異常"),
    *("おかしい", "バツ", "ばつ", "ペケ", "xx", "ＸＸ", "wrong", "error", "nan", "failed"),
]


@pytest.mark.parametrize("mark", CHECKED)
def test_a_positive_mark_or_a_name_says_the_figure_was_checked(mark: str) -> None:
    assert checked(marked(mark))


@pytest.mark.parametrize("mark", NOT_CHECKED)
def test_a_pending_or_negative_mark_leaves_the_check_on(mark: str) -> None:
    assert not checked(marked(mark))


def test_a_figure_marked_pending_is_still_refused(plan: Plan, write: Write) -> None:
    # 1200 for I5 (baseline 87 か所) is ten times away: kept only when its row says checked.
    path = write(
        "c.csv",
        "指標ID,年度,実績値,確認\n"
        "I5,R4,1200,済\n"
        "I5,R5,1200,要確認\n"
        "I5,R6,1200,確認中\n"
        "I5,R7,1200,田中\n",
    )
    assert [p.split(": value: ")[0] for p in problems(path, plan)] == ["c.csv:3:3", "c.csv:4:3"]


# --- a missing column, a YAML value that is not text --------------------------------------


def test_a_missing_value_column_is_named_like_any_missing_column(plan: Plan, write: Write) -> None:
    path = write("m1.csv", "指標ID,内訳,年度,出典\nI1,,R6,x\n")
    assert problems(path, plan) == ["m1.csv:1: missing column value"]
    path = write("m2.csv", "# R6\n指標,出典\nI1,x\n")
    assert problems(path, plan) == ["m2.csv:2: missing column year, value"]


def test_a_value_that_is_not_text_in_yaml_is_said_once(plan: Plan, write: Write) -> None:
    path = write(
        "y.yaml",
        "actuals:\n"
        "  - {indicator: I5, year: [R6], value: 100}\n"
        "  - {indicator: {id: I5}, year: R6, value: [100]}\n"
        "  - {indicator: I5, year: '', value: 100}\n",
    )
    assert problems(path, plan) == [
        "y.yaml:2:27: actuals[0].year: expected text, got a list",
        "y.yaml:3:17: actuals[1].indicator: expected text, got a mapping",
        "y.yaml:3:44: actuals[1].value: expected text, got a list",
        "y.yaml:4:27: actuals[2].year: must not be empty",
    ]


# --- standard input -----------------------------------------------------------------------


def test_standard_input_is_read_once_by_check(run: Run) -> None:
    result = run("actuals", "check", "-", "-", input="指標ID,年度,実績値\nI1,R6,27\n")
    assert (result.exit_code, result.stderr) == (
        2,
        "kouryu: standard input (-) can be read only once\n",
    )
