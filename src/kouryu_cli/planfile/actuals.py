"""Actuals files (実績値): a year's figures added beside the plan, in YAML or CSV.

YAML::

    note: 例示用の架空の値          # optional
    actuals:
      - {indicator: I3, component: groups, year: R6, value: 65, source: 市調べ}

CSV (a header row names the columns; lines starting with # are comments)::

    indicator,component,year,value,source
    I3,groups,R6,65,市調べ

Every row is checked against the plan: unknown indicator or component, a year that is not
a year, a value that is not a number, and a year given twice for the same series (in the
file, or already in the plan) are reported together with their line numbers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kouryu_cli import era
from kouryu_cli.errors import PlanError, Problem
from kouryu_cli.model import Indicator, Observation, Plan, Series
from kouryu_cli.planfile import yamlfile
from kouryu_cli.planfile.checker import Checker
from kouryu_cli.planfile.checker import Path as NodePath

_NUMBER = re.compile(r"-?(0|[1-9]\d{0,2}(,\d{3})+|[1-9]\d*)(\.\d+)?")
# Column names a CSV header may use, in English or as a Japanese office would write them.
_COLUMNS = {
    "indicator": "indicator",
    "indicator_id": "indicator",
    "id": "indicator",
    "指標": "indicator",
    "指標id": "indicator",
    "component": "component",
    "series": "component",
    "内訳": "component",
    "year": "year",
    "年度": "year",
    "value": "value",
    "値": "value",
    "実績値": "value",
    "source": "source",
    "出典": "source",
}
_REQUIRED = ("indicator", "year", "value")


@dataclass(frozen=True)
class _Row:
    """One actual as written, and how to report a problem with each of its fields."""

    indicator: str
    component: str
    year: str
    value: str
    source: str
    fail: Callable[[str, str], None]  # (field, message)
    where: str  # "line 4", for "first given on …"


def load_actuals(path: Path, plan: Plan, label: str | None = None) -> Plan:
    """The plan with the actuals of a YAML or CSV file added; PlanError lists every problem."""
    name = label or str(path)
    text = yamlfile.read_text(path, name)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return actuals_from_csv(text, name, plan, delimiter="\t" if suffix == ".tsv" else ",")
    return actuals_from_document(yamlfile.parse(text, name), plan)


def actuals_from_document(document: yamlfile.Document, plan: Plan) -> Plan:
    """The plan with the actuals of a parsed YAML actuals file added."""
    check = Checker(document)
    top = check.mapping((), document.data, ("actuals",), ("note",))
    rows: list[_Row] = []
    if top is not None:
        check.text(("note",), top.get("note"), required=False)
        for index, item in enumerate(check.items(("actuals",), top.get("actuals"))):
            path: NodePath = ("actuals", index)
            data = check.mapping(path, item, _REQUIRED, ("component", "source"))
            if data is None:
                continue
            line = document.problem(path, "").line
            rows.append(
                _Row(
                    indicator=check.text((*path, "indicator"), data.get("indicator")),
                    component=check.text(
                        (*path, "component"), data.get("component"), required=False
                    ),
                    year=check.text((*path, "year"), data.get("year")),
                    value=check.text((*path, "value"), data.get("value")),
                    source=check.text((*path, "source"), data.get("source"), required=False),
                    fail=_yaml_fail(check, path),
                    where=f"line {line}" if line else f"item {index + 1}",
                )
            )
    merged = _Merger(plan).merge(rows)
    check.raise_if_any()
    return merged


def _yaml_fail(check: Checker, path: NodePath) -> Callable[[str, str], None]:
    def fail(field: str, message: str) -> None:
        check.fail((*path, field), message)

    return fail


def actuals_from_csv(text: str, name: str, plan: Plan, delimiter: str = ",") -> Plan:
    """The plan with the actuals of a CSV text added (its first row names the columns)."""
    problems: list[Problem] = []
    rows: list[_Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    end = 0
    try:
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if columns is None:
                columns = _header(cells, name, line, problems)
                if columns is None:
                    break
                continue
            rows.append(_csv_row(cells, columns, name, line, problems))
    except csv.Error as error:
        problems.append(Problem(name, reader.line_num, None, "", f"CSV syntax error: {error}"))
    if columns is None and not problems:
        problems.append(Problem(name, None, None, "", "no header row (indicator,year,value …)"))
    merged = _Merger(plan).merge(rows)
    if problems:
        raise PlanError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return merged


def _header(
    cells: list[str], name: str, line: int, problems: list[Problem]
) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _COLUMNS.get(unicodedata.normalize("NFKC", cell).strip().casefold())
        if key is None:
            problems.append(
                Problem(
                    name,
                    line,
                    index + 1,
                    "",
                    f"unknown column '{cell}' (expected indicator, component, year, value, source)",
                )
            )
        elif key in columns:
            problems.append(Problem(name, line, index + 1, "", f"column '{key}' is given twice"))
        else:
            columns[key] = index
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        problems.append(Problem(name, line, None, "", f"missing column {', '.join(missing)}"))
    return None if problems else columns


def _csv_row(
    cells: list[str], columns: dict[str, int], name: str, line: int, problems: list[Problem]
) -> _Row:
    def fail(field: str, message: str) -> None:
        column = columns.get(field)
        problems.append(Problem(name, line, None if column is None else column + 1, field, message))

    if len(cells) > len(columns):
        problems.append(
            Problem(name, line, None, "", f"{len(cells)} fields, but the header has {len(columns)}")
        )

    def cell(field: str) -> str:
        index = columns.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for required in _REQUIRED:
        if not cell(required):
            fail(required, "must not be empty")
    return _Row(
        indicator=cell("indicator"),
        component=cell("component"),
        year=cell("year"),
        value=cell("value"),
        source=cell("source"),
        fail=fail,
        where=f"line {line}",
    )


class _Merger:
    """Checks rows against the plan and adds them to the series they belong to."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.added: dict[tuple[str, str], list[Observation]] = {}
        self.seen: dict[tuple[str, str, int], str] = {}
        for indicator in plan.indicators:
            for series in indicator.series:
                for observation in series.actuals:
                    key = (indicator.id, series.key, observation.year.year)
                    self.seen[key] = f"in the plan as '{observation.year.label}'"

    def merge(self, rows: list[_Row]) -> Plan:
        for row in rows:
            self.add(row)
        return dataclasses.replace(
            self.plan, indicators=tuple(self.extended(i) for i in self.plan.indicators)
        )

    def add(self, row: _Row) -> None:
        indicator = self.indicator(row)
        series = self.series(row, indicator) if indicator is not None else None
        year = None
        if row.year:
            try:
                year = era.parse_year(row.year)
            except era.EraError as error:
                row.fail("year", str(error))
        value = None
        if row.value:
            folded = unicodedata.normalize("NFKC", row.value).strip()
            if _NUMBER.fullmatch(folded):
                value = float(folded.replace(",", ""))
            else:
                row.fail("value", f"expected a number, got '{row.value}'")
        if indicator is None or series is None or year is None or value is None:
            return
        key = (indicator.id, series.key, year.year)
        if key in self.seen:
            what = indicator.id + (f" {series.label or series.key}" if series.key else "")
            row.fail(
                "year",
                f"year '{row.year}' ({year.year}) of {what} is given twice "
                f"(first {self.seen[key]})",
            )
            return
        self.seen[key] = f"on {row.where}" if row.where.startswith("line") else row.where
        self.added.setdefault((indicator.id, series.key), []).append(
            Observation(year, value, row.source)
        )

    def indicator(self, row: _Row) -> Indicator | None:
        if not row.indicator:
            return None
        wanted = _fold(row.indicator)
        for indicator in self.plan.indicators:
            if _fold(indicator.id) == wanted:
                return indicator
        known = ", ".join(i.id for i in self.plan.indicators)
        row.fail("indicator", f"unknown indicator '{row.indicator}' (expected {known})")
        return None

    def series(self, row: _Row, indicator: Indicator) -> Series | None:
        compound = len(indicator.series) > 1
        if not row.component:
            if not compound:
                return indicator.series[0]
            row.fail(
                "component",
                f"{indicator.id} has components: give one of {_components(indicator)}",
            )
            return None
        wanted = _fold(row.component)
        for series in indicator.series:
            if wanted in {_fold(series.key), _fold(series.label)} - {""}:
                return series
        if not compound:
            row.fail(
                "component",
                f"{indicator.id} has no components: leave component empty (got '{row.component}')",
            )
        else:
            row.fail(
                "component",
                f"unknown component '{row.component}' of {indicator.id} "
                f"(expected {_components(indicator)})",
            )
        return None

    def extended(self, indicator: Indicator) -> Indicator:
        series = tuple(
            dataclasses.replace(
                s,
                actuals=tuple(
                    sorted(
                        (*s.actuals, *self.added.get((indicator.id, s.key), ())),
                        key=lambda o: o.year.year,
                    )
                ),
            )
            for s in indicator.series
        )
        return dataclasses.replace(indicator, series=series)


def _components(indicator: Indicator) -> str:
    return ", ".join(f"{s.key} ({s.label})" if s.label else s.key for s in indicator.series)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()
