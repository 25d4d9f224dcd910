"""Measures counted: per department and for the whole plan, by age group and icon (dept, matrix)."""

from __future__ import annotations

from dataclasses import dataclass

from kouryu_cli.core.model import AGE_ORDER, AgeGroup, Icon, Measure, Plan
from kouryu_cli.core.tally import Counts
from kouryu_cli.measures.query import department_measures


@dataclass(frozen=True, slots=True)
class Tally:
    """A group of measures (a department's, or the whole plan's) counted by age group and icon."""

    name: str
    reading: str
    measures: int
    ages: Counts[AgeGroup]
    icons: Counts[Icon]

    @classmethod
    def of(cls, name: str, reading: str, measures: list[Measure]) -> Tally:
        """Count measures."""
        return cls(
            name,
            reading,
            len(measures),
            Counts.of(AGE_ORDER, measures, lambda m, age: age in m.ages),
            Counts.of(Icon, measures, lambda m, icon: icon in m.icons),
        )


def department_tallies(plan: Plan) -> list[Tally]:
    """Every department with its number of measures per age group and icon."""
    return [Tally.of(d.name, d.reading, department_measures(plan, d)) for d in plan.departments]


TOTAL = "合計（事業数）"


def matrix(plan: Plan) -> list[Tally]:
    """所管課 × 対象年代 (and icons) counts, with a 合計 row last."""
    return [*department_tallies(plan), Tally.of(TOTAL, "", list(plan.measures))]
