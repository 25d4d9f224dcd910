"""What actuals files hold, for `kouryu actuals check`: one row per actual, with its place.

The place is the row the actual was written on: file:line in CSV, TSV and YAML (the line
where its entry starts), file:sheet!3:3 in a workbook, as a spreadsheet names a row.
"""

from __future__ import annotations

from typing import Any

from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.indicators.actuals import ActualsFile
from kouryu_cli.render.listing import Cell, Listing

COLUMNS = ("場所", "ID", "指標", "内訳", "年度", "西暦", "実績値", "単位", "出典")
_NUMERIC = frozenset({COLUMNS.index("実績値")})


def listing(files: list[ActualsFile]) -> Listing:
    """Every actual of every file, in file order."""
    actuals = [a for f in files for a in f.actuals]

    def rows() -> list[tuple[Cell, ...]]:
        return [
            (
                str(a.row),
                a.indicator.id,
                a.indicator.name,
                a.series.label or a.series.key,
                a.observation.year.label,
                str(a.observation.year.year),
                _number(a.observation.value),
                a.series.unit,
                a.observation.source,
            )
            for a in actuals
        ]

    def records() -> list[dict[str, Any]]:
        return [
            {
                "file": a.row.file,
                "line": a.row.line,
                "id": a.indicator.id,
                "name": a.indicator.name,
                "component": a.series.key or None,
                "component_label": (a.series.label or a.series.key) or None,
                "year": a.observation.year.year,
                "label": a.observation.year.label,
                "value": _number(a.observation.value),
                "unit": a.series.unit,
                "source": a.observation.source,
            }
            for a in actuals
        ]

    return Listing(
        columns=COLUMNS,
        make_rows=rows,
        make_records=records,
        numeric=_NUMERIC,
        title="実績値ファイルの内容",
        sheet="実績値",
        names=(1, 2, 3),
    )


def summary(files: list[ActualsFile]) -> str:
    """r6.csv: ok, CSV, 8件 (I1–I7) / …."""
    parts = []
    for file in files:
        ids = sorted({a.indicator.id for a in file.actuals})
        counted = ngettext("{count} actual", "{count} actuals", len(file.actuals)).format(
            count=len(file.actuals)
        )
        parts.append(
            _("{name}: ok, {kind}, {count}").format(name=file.name, kind=file.kind, count=counted)
            + (f"（{', '.join(ids)}）" if ids else "")
        )
    return " / ".join(parts)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value
