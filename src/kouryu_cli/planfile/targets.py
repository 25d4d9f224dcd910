"""What a plan may say of an indicator beyond one baseline and one target.

A target written as a change from the baseline (`10% 減少`), and the history of a baseline or
target revised at a mid-term evaluation (中間評価), kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import SIGNIFICANCE_WORDS, EraYear, Revision, Significance
from kouryu_cli.core.textnorm import fold
from kouryu_cli.files.checker import Node

_RELATIVE = re.compile(r"(\d+(?:\.\d+)?)%(減少|増加)")
_HISTORY_VALUES = ("baseline", "baseline_year", "target", "target_year")
SIGNIFICANCE = ", ".join(SIGNIFICANCE_WORDS)


def significance(written: str) -> Significance:
    """An actual's 有意差 as written in the plan; ValueError when it is none of SIGNIFICANCE."""
    found = Significance.parse(written)
    if found is None:
        raise ValueError(written)
    return found


def relative_change(written: object) -> float | None:
    """The signed percentage of a target written as a change (10% 減少 → -10.0); else None."""
    if not isinstance(written, str):
        return None
    found = _RELATIVE.fullmatch(fold(written).replace(" ", ""))
    if found is None:
        return None
    percent = float(found.group(1))
    return -percent if found.group(2) == "減少" else percent


def history(
    indicator: Node, series_keys: set[str], read_year: Callable[[Node], EraYear]
) -> tuple[Revision, ...]:
    """The revisions of an indicator (`history:`), each checked; read_year reads `revised`."""
    out: list[Revision] = []
    for item in indicator.nodes(
        "history", ("revised",), ("series", *_HISTORY_VALUES, "note"), allow_empty=False
    ):
        series = item.text("series", required=False)
        if series and series not in series_keys:
            item.check.fail(
                item.at("series"),
                _("unknown series '{series}' (expected {expected})").format(
                    series=series, expected=", ".join(sorted(series_keys)) or "—"
                ),
            )
        if not any(item.has(key) for key in _HISTORY_VALUES):
            item.check.fail(
                item.path,
                _("a revision needs at least one of {keys}").format(
                    keys=", ".join(_HISTORY_VALUES)
                ),
            )
        out.append(
            Revision(
                revised=read_year(item.child("revised", ("year", "western_year"))),
                series=series,
                **{key: item.text(key, required=False) for key in (*_HISTORY_VALUES, "note")},
            )
        )
    return tuple(out)
