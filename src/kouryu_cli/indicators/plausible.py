"""Figures that cannot be right (docs/actuals.md): each reason is a problem at its cell.

A year before the series' baseline year; a baseline-year figure other than the plan's
baseline; a test result (有意差) that says the figure went the other way; a negative count;
a figure ten or more times away from the baseline, unless the clerk marked it as checked
(確認: 済), when it is kept and -v says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from kouryu_cli.core import values
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import EraYear, Significance
from kouryu_cli.core.textnorm import fold, format_number
from kouryu_cli.indicators.evaluation import direction

if TYPE_CHECKING:
    from kouryu_cli.indicators.actuals import Actual
    from kouryu_cli.indicators.actuals_rows import WrittenRow

# Units that count people, places or things: a count below zero cannot be right.
_COUNTS = frozenset(
    values.canonical_unit(u) for u in ("人", "団体", "か所", "件", "回", "人/年", "世帯", "施設")
)
# A figure this many times above or below its series' baseline is a slip: 0.3 for 27.3 %
# (a percentage typed as a fraction), a digit too many or too few.
_FACTOR = 10

# The column 確認 (YAML: checked) says a figure was checked with a word, a name or a stamp
# (済, 確認済み, OK, yes, 1, 山田) or a check sign (○, ✓). A mark that says the check is
# pending or negative leaves the check on, whatever else it holds: a sign of not yet, needed,
# waiting, no, again or wrong (未 要 待 否 不 無 再 誤 違 異 駄), a question mark, a cross or a
# triangle, a word such as まだ, なし, いいえ, できず, おかしい, ばつ or ぺけ, an activity under
# way (確認中: two characters and 中, so that 田中 stays a name), an English no (no, not,
# false, 0, x, xx, ng, wrong, error, todo, pending); so does a mark of neither letters nor a
# check sign (-, ー, /). Marks are compared folded (ＮＧ = ng, ダメ = だめ, バツ = ばつ).
_PENDING = re.compile(
    r"[未要待否不無再誤違異駄?×✕✖✗✘☓△▲]|まだ|いいえ|ない|なし|ません|できず|だめ|おかし|ばつ|ぺけ"
    r"|ぺんでぃんぐ|保留|予定|あとで|後で|\w\w中"
)
_NO = re.compile(
    r"(?<![a-z0-9])(?:x+|n|no|not|ng|none|false|0|todo|tbd|pending|wip|nil|null|nan|unchecked"
    r"|wrong|error|err|bad|fail|failed)(?![a-z0-9])"
)
_SIGNS = frozenset("○◯〇◎✓✔☑✅")


def checked(row: WrittenRow) -> bool:
    """Whether the row marks its figure as checked (確認: 済, ○, a name …; not 未, 要確認, ×, ?)."""
    written = row.text("checked")
    mark = fold(written).strip("-ー")
    if _PENDING.search(mark) or _NO.search(unicodedata.normalize("NFKC", written).casefold()):
        return False
    return any(char.isalnum() or char in _SIGNS for char in mark)


def plausible(actual: Actual, row: WrittenRow, note: Callable[[str], None]) -> bool:
    """Whether a figure can be right; each reason it cannot is a problem at its cell."""
    start = actual.indicator.baseline_year_of(actual.series)
    if actual.observation.year.year == start.year:
        found = [("value", _second_baseline(actual))]
    else:
        found = [
            ("year", _before_baseline(actual, start)),
            ("significance", _the_other_way(actual)),
            ("value", _negative_count(actual) or _far(actual, row, note)),
        ]
    wrong = [(column, message) for column, message in found if message]
    for column, message in wrong:
        row.fail(column, message)
    return not wrong


def _second_baseline(actual: Actual) -> str | None:
    value, baseline = actual.observation.value, actual.series.baseline
    if value == baseline:
        return None
    return _(
        "{value} for {year}, the baseline year of {what}, differs from the plan's baseline "
        "{baseline}"
    ).format(
        value=format_number(value),
        year=actual.observation.year.shown,
        what=actual.what,
        baseline=format_number(baseline),
    )


def _before_baseline(actual: Actual, start: EraYear) -> str | None:
    year = actual.observation.year
    if year.year >= start.year:
        return None
    return _(
        "{year} is before {what}'s baseline year {start}: the plan is measured from there"
    ).format(year=year.shown, what=actual.what, start=start.shown)


def _the_other_way(actual: Actual) -> str | None:
    """A test that says 改善 of a figure gone the wrong way (or 悪化 of one gone the right way)."""
    tested, series = actual.observation.significance, actual.series
    value, baseline = actual.observation.value, series.baseline
    sign = direction(actual.indicator.target_kind, baseline, series.target)
    if not sign or tested not in (Significance.IMPROVED, Significance.WORSENED):
        return None
    if sign * (value - baseline) * (1 if tested is Significance.IMPROVED else -1) > 0:
        return None
    return _(
        "the test says {result}, but {what} went from its baseline {baseline} to {value}, "
        "which is not {result} for its target: check the figure or the test"
    ).format(
        result=tested.label,
        what=actual.what,
        baseline=format_number(baseline),
        value=format_number(value),
    )


def _negative_count(actual: Actual) -> str | None:
    value, unit = actual.observation.value, actual.series.unit
    if value >= 0 or values.canonical_unit(unit) not in _COUNTS:
        return None
    return _("{value}: {what} counts {unit}, which cannot be negative").format(
        value=format_number(value), what=actual.what, unit=unit
    )


def _far(actual: Actual, row: WrittenRow, note: Callable[[str], None]) -> str | None:
    """A figure ten times away from the baseline: an error, or a note when marked checked."""
    series, value = actual.series, actual.observation.value
    baseline = series.baseline
    if not baseline or abs(baseline) / _FACTOR < abs(value) < abs(baseline) * _FACTOR:
        return None
    far = _(
        "{value} is {factor} or more times away from {what}'s baseline {baseline} ({label})"
    ).format(
        value=format_number(value),
        factor=_FACTOR,
        what=actual.what,
        baseline=format_number(baseline) + (series.unit if series.unit == "%" else ""),
        label=actual.indicator.baseline_year_of(series).label,
    )
    if checked(row):
        # The figure's cell, where its error would be.
        note(_("{place}: {far}; kept: marked as checked").format(place=row.place("value"), far=far))
        return None
    return _(
        "{far}: a misplaced decimal point, or a percentage written as a fraction? "
        "If the figure is right, write 済 in its column 確認 (YAML: checked: 済)"
    ).format(far=far)
