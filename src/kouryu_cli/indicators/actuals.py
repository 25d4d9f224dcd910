"""Actuals files (実績値): a year's figures beside the plan, as clerks write them.

A table (CSV, TSV or an .xlsx workbook, recognised by content) with a header row::

    指標ID,指標名,内訳,年度,実績値,出典
    I3,,団体数,R6,65団体,市調べ
    ,地域交流センター,,令和6年度（2024年度）,"154,170人",

or YAML::

    actuals:
      - {indicator: I3, component: groups, year: R6, value: 65, source: 市調べ}

A column 有意差 (YAML: significance) may give the result of a significance test against the
baseline: 改善, 変化なし, 悪化 (also 有意に改善, 有意差なし, 有意に悪化, improved, unchanged,
worsened); it then decides the grade instead of the 5 % guide (evaluation.py).

A row names its indicator by id, by its exact name or by an unambiguous part of it, and its
component by id or label. Values and years are read by one parser with the plan's
(core/values.py, core/era.py). indicators/actuals_rows.py reads the rows as written; here
they are matched to the plan. Every problem of a file is reported at once, with
file:line:column (file:sheet!C5 in a workbook). Several files merge in order; the same
series and year in two places is an error naming both, unless the values are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kouryu_cli.core import era, values
from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.model import (
    SIGNIFICANCE_WORDS,
    EraYear,
    Indicator,
    Observation,
    Plan,
    Series,
    Significance,
)
from kouryu_cli.core.textnorm import fold, format_number
from kouryu_cli.files.problems import DataFileError, Problem
from kouryu_cli.files.tables import DateCell
from kouryu_cli.indicators.actuals_rows import FilePlace, FileReading, WrittenRow, read_rows
from kouryu_cli.indicators.plausible import plausible


@dataclass(frozen=True, slots=True)
class Actual:
    """One actual read from a file and matched to a series of the plan."""

    indicator: Indicator
    series: Series
    observation: Observation
    place: FilePlace  # of the year, where a conflict is reported
    row: FilePlace  # of the row (the entry in YAML), where a listing shows it

    @property
    def what(self) -> str:
        """I3 団体数, or I1."""
        part = self.series.label or self.series.key
        return f"{self.indicator.id} {part}" if part else self.indicator.id


@dataclass(frozen=True, slots=True)
class ActualsFile:
    """What one actuals file holds, and what the reader had to guess or leave out."""

    name: str
    kind: str  # CSV, TSV, YAML or xlsx
    actuals: tuple[Actual, ...]
    ignored_columns: tuple[str, ...] = ()
    guesses: tuple[str, ...] = ()


def read_actuals(path: Path, plan: Plan, label: str | None = None) -> ActualsFile:
    """The actuals of one file (CSV, TSV, YAML or .xlsx), each matched to a series of the plan.

    DataFileError lists every problem of the file.
    """
    reading = FileReading(label or ("<stdin>" if str(path) == "-" else str(path)))
    kind, rows = read_rows(path, reading)
    resolver = _Resolver(plan, reading)
    merger = _Merger(plan, reading.report)
    found = merger.new(actual for row in rows if (actual := resolver.resolve(row)) is not None)
    if reading.problems:
        raise DataFileError(reading.all_problems(_ordered(reading.problems)))
    return ActualsFile(
        reading.name, kind, tuple(found), tuple(reading.ignored), reading.all_guesses()
    )


def load_actuals(path: Path, plan: Plan, label: str | None = None) -> Plan:
    """The plan with the actuals of one file added."""
    return merge_actuals(plan, [read_actuals(path, plan, label)])


def read_all(paths: Sequence[Path], plan: Plan) -> list[ActualsFile]:
    """Every file read, and checked against the others; DataFileError lists every problem of all.

    UsageError when standard input (-) is given twice: the second read would find it empty.
    """
    if sum(str(path) == "-" for path in paths) > 1:
        raise UsageError(_("standard input (-) can be read only once"))
    files: list[ActualsFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            files.append(read_actuals(path, plan))
        except DataFileError as error:
            problems.extend(error.problems)
    try:
        merge_actuals(plan, files)
    except DataFileError as error:
        problems.extend(error.problems)
    if problems:
        raise DataFileError(problems)
    return files


def merge_actuals(plan: Plan, files: Iterable[ActualsFile]) -> Plan:
    """The plan with every file's actuals added, in order.

    The same series and year given twice (in one file, two files, or a file and the plan)
    is an error naming both places, unless both give the same value.
    """
    merger = _Merger(plan)
    added: dict[tuple[str, str], list[Observation]] = {}
    for file in files:
        for actual in merger.new(file.actuals):
            key = (actual.indicator.id, actual.series.key)
            added.setdefault(key, []).append(actual.observation)
    if merger.problems:
        raise DataFileError(merger.problems)
    return replace(plan, indicators=tuple(_extended(i, added) for i in plan.indicators))


class _Merger:
    """Remembers where each series and year was given first; reports a different second value."""

    def __init__(self, plan: Plan, report: Callable[[Problem], None] | None = None) -> None:
        self.problems: list[Problem] = []
        self.report = report or self.problems.append
        self.seen: dict[tuple[str, str, int], tuple[float, str]] = {}
        for indicator in plan.indicators:
            for series in indicator.series:
                for observation in series.actuals:
                    key = (indicator.id, series.key, observation.year.year)
                    where = _("the plan file ('{label}')").format(label=observation.year.label)
                    self.seen[key] = (observation.value, where)

    def new(self, actuals: Iterable[Actual]) -> list[Actual]:
        """The actuals not given before; a conflicting one becomes a problem."""
        out: list[Actual] = []
        for actual in actuals:
            observation = actual.observation
            key = (actual.indicator.id, actual.series.key, observation.year.year)
            if key not in self.seen:
                self.seen[key] = (observation.value, str(actual.place))
                out.append(actual)
                continue
            value, where = self.seen[key]
            if value != observation.value:
                self.report(
                    actual.place.problem(
                        _(
                            "{what} {year} ('{label}') is given twice with different "
                            "values: {value} here, {value2} in {where}"
                        ).format(
                            what=actual.what,
                            year=observation.year.year,
                            label=observation.year.label,
                            value=format_number(observation.value),
                            value2=format_number(value),
                            where=where,
                        )
                    )
                )
        return out


def later_than(plan: Plan, files: Iterable[ActualsFile], year: EraYear) -> str | None:
    """A note naming the actuals after the evaluation year (in the plan or the files given)."""
    later = [
        _("the plan file {indicator}{series} {year}").format(
            indicator=indicator.id,
            series=f" {s.label or s.key}" if s.key else "",
            year=o.year.label,
        )
        for indicator in plan.indicators
        for s in indicator.series
        for o in s.actuals
        if o.year.year > year.year
    ]
    later += [
        f"{a.place} {a.what} {a.observation.year.label}"
        for f in files
        for a in f.actuals
        if a.observation.year.year > year.year
    ]
    if not later:
        return None
    more = " …" if len(later) > 5 else ""
    return ngettext(
        "{count} actual after the evaluation year {label} ({year}) is not used: {which}",
        "{count} actuals after the evaluation year {label} ({year}) are not used: {which}",
        len(later),
    ).format(count=len(later), label=year.label, year=year.year, which=", ".join(later[:5]) + more)


def _extended(indicator: Indicator, added: dict[tuple[str, str], list[Observation]]) -> Indicator:
    series = tuple(
        replace(
            s,
            actuals=tuple(
                sorted(
                    (*s.actuals, *added.get((indicator.id, s.key), ())),
                    key=lambda o: o.year.year,
                )
            ),
        )
        for s in indicator.series
    )
    return replace(indicator, series=series)


# --- matching rows to the plan ---------------------------------------------------------------


class _Resolver:
    """Matches rows to indicators and series, and reads their years and values."""

    def __init__(self, plan: Plan, reading: FileReading) -> None:
        self.plan = plan
        self.reading = reading
        # Each indicator's id and name folded once, not once per row of a large file.
        self.keys = [(i, (fold(i.id), fold(i.name))) for i in plan.indicators]
        self.last_target = max((i.last_target_year for i in plan.indicators), default=era.LATEST)

    def resolve(self, row: WrittenRow) -> Actual | None:
        indicator = self.indicator(row)
        series = self.series(row, indicator) if indicator is not None else None
        year = self.year(row)
        value = None
        if series is not None:
            value = self.value(row, series)
        written = row.text("significance")
        tested = Significance.parse(written) if written else None
        if written and tested is None:
            row.fail(
                "significance",
                _("unknown significance '{written}' (expected {expected})").format(
                    written=written, expected=", ".join(SIGNIFICANCE_WORDS)
                ),
            )
            return None
        if indicator is None or series is None or year is None or value is None:
            return None
        as_typed = row.cells.get("value")
        places = None if isinstance(as_typed, float) else values.decimals(row.text("value"))
        observation = Observation(year, value, row.text("source"), tested, places)
        actual = Actual(indicator, series, observation, row.place("year"), row.place(""))
        return actual if plausible(actual, row, self.reading.guess) else None

    def year(self, row: WrittenRow) -> EraYear | None:
        if isinstance(date := row.cells.get("year"), DateCell):
            return self.year_of_date(row, date)
        written = row.text("year")
        if not written:
            row.fail("year", _("must not be empty"))
            return None
        notes: list[str] = []
        try:
            year = era.parse_year(written, notes)
        except era.EraError as error:
            row.fail("year", str(error))
            return None
        if (why := era.beyond_plan(year, self.last_target)) is not None:
            row.fail("year", why)
            return None
        for note in notes:
            self.reading.guess(f"{row.place('year')}: {note}")
        return year

    def year_of_date(self, row: WrittenRow, date: DateCell) -> EraYear | None:
        """The fiscal year (年度, 1 April to 31 March) a workbook's date falls in: 2025/3/31 is R6.

        A cell that shows the year alone (ggge"年度", 令和7年度 for 2025/2/1) is refused when
        the year it shows is not its date's 年度: which of the two is meant cannot be told.
        """
        day = date.day
        fiscal = day.year if day.month >= 4 else day.year - 1
        year = EraYear(_label(fiscal), fiscal)
        if date.year_only and fiscal != day.year:
            message = _(
                "the cell shows the date {date} as the year {year} ({shown}), but that date is"
                " in the fiscal year {fiscal} ({label}), which starts on 1 April: type the year"
                " meant as text, {shown} or {label}"
            )
            shown = _label(day.year)
            row.fail(
                "year",
                message.format(
                    date=date, year=day.year, shown=shown, fiscal=fiscal, label=year.label
                ),
            )
            return None
        if (why := era.beyond_plan(year, self.last_target)) is not None:
            row.fail("year", why)
            return None
        self.reading.guess(
            _("{place}: the date {date} read as the fiscal year (年度) {year}").format(
                place=row.place("year"), date=date, year=year.shown
            )
        )
        return year

    def value(self, row: WrittenRow, series: Series) -> float | None:
        unit = row.text("unit")
        if unit and values.canonical_unit(unit) != values.canonical_unit(series.unit):
            row.fail(
                "unit",
                _("unit '{unit}' contradicts the series' unit '{unit2}'").format(
                    unit=unit, unit2=series.unit
                ),
            )
            return None
        written = row.cells.get("value")
        try:
            return values.parse_number(
                written if isinstance(written, float) else row.text("value"), series.unit
            )
        except values.NumberError as error:
            row.fail("value", str(error))
            return None

    def indicator(self, row: WrittenRow) -> Indicator | None:
        by_id, by_name = row.text("indicator"), row.text("name")
        if not by_id and not by_name:
            row.fail("indicator" if "indicator" in row.cells else "name", _("must not be empty"))
            return None
        first = self.match(row, "indicator", by_id) if by_id else None
        second = self.match(row, "name", by_name) if by_name else None
        if by_id and by_name and first is not None and second is not None and first != second:
            row.fail(
                "name",
                _("'{by_id}' is {id} but '{by_name}' is {id2}: which one is meant?").format(
                    by_id=by_id, id=first.id, by_name=by_name, id2=second.id
                ),
            )
            return None
        return first or second

    def match(self, row: WrittenRow, key: str, written: str) -> Indicator | None:
        wanted = fold(written)
        exact = [i for i, keys in self.keys if wanted in keys]
        if exact:
            return exact[0]
        partial = [i for i, (_id, name) in self.keys if wanted and wanted in name]
        if len(partial) == 1:
            found = partial[0]
            self.reading.guess(
                _("{value}: '{written}' read as {id} {name}").format(
                    value=row.place(key), written=written, id=found.id, name=found.name
                )
            )
            return found
        if partial:
            names = ", ".join(f"{i.id} {i.name}" for i in partial)
            row.fail(
                key,
                _("'{written}' could be any of: {names}; give the id or the whole name").format(
                    written=written, names=names
                ),
            )
        else:
            known = ", ".join(i.id for i in self.plan.indicators)
            row.fail(
                key,
                _("unknown indicator '{written}' (expected an id {known}, or a name)").format(
                    written=written, known=known
                ),
            )
        return None

    def series(self, row: WrittenRow, indicator: Indicator) -> Series | None:
        written = row.text("component")
        compound = len(indicator.series) > 1
        if not written:
            if not compound:
                return indicator.series[0]
            row.fail(
                "component",
                _("{id} has components: give one of {value}").format(
                    id=indicator.id, value=_components(indicator)
                ),
            )
            return None
        wanted = fold(written)
        for series in indicator.series:
            if wanted in {fold(series.key), fold(series.label)} - {""}:
                return series
        if not compound:
            row.fail(
                "component",
                _("{id} has no components: leave component empty (got '{written}')").format(
                    id=indicator.id, written=written
                ),
            )
        else:
            row.fail(
                "component",
                _("unknown component '{written}' of {id} (expected {value})").format(
                    written=written, id=indicator.id, value=_components(indicator)
                ),
            )
        return None


def _label(year: int) -> str:
    """R6 for 2024, as a form writes it; the year itself before the eras kouryu reads."""
    return era.short_label(year) if year > 1925 else str(year)


def _components(indicator: Indicator) -> str:
    return ", ".join(f"{s.key} ({s.label})" if s.label else s.key for s in indicator.series)


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
