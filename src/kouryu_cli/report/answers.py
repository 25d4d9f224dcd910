"""施策・事業と取組状況: the plan's measures in the report, with the yearly round's answers.

The departments' answers (進行管理) come from the round's book; they are laid beside each
measure, counted per department and per 施策, and the departments yet to answer are named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kouryu_cli.core.model import AGE_ORDER, Measure, Plan
from kouryu_cli.render import textwidth

if TYPE_CHECKING:
    from kouryu_cli.progress.book import AnswerTally, ProgressBook


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """A measure as the 施策事業一覧 shows it, with the year's answer when there is one."""

    id: str
    policy: int
    section: int  # its 取組's number within the 施策
    name: str
    departments: str  # 社会福祉課・市民窓口課
    ages: tuple[bool, ...]
    icons: str
    status: str = ""
    rating: str = ""
    direction: str = ""
    answered: bool = False
    department_names: tuple[str, ...] = ()  # each department, for a line to break between


@dataclass(frozen=True, slots=True)
class ProgressPart:
    """The departments' answers, counted; who has not answered."""

    year: str
    sources: tuple[str, ...]
    count_columns: tuple[str, ...]  # the 実施状況 counted, then the 評価
    by_department: tuple[AnswerTally, ...]
    by_policy: tuple[AnswerTally, ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...]  # department, measure "id 名前"
    answered: int
    total: int
    # Why the department rows add up to more than the measures, when they do.
    department_note: str = ""
    # Column widths (em) that hold the longest term of each scale on one line.
    widths: tuple[tuple[str, float], ...] = ()


# Room beside a cell's text (padding and border), in em of the table's type.
CELL_ROOM = 1.2


def width(words: Iterable[str]) -> float:
    """The width in em that sets the longest of words on one line (a wide character is 1 em)."""
    return max((textwidth.width(w, ambiguous=2) for w in words), default=2) / 2 + CELL_ROOM


def department_width(plan: Plan) -> float:
    """The department column's width: the longest department name stays on one line."""
    return width(d.name for d in plan.departments)


def measure_rows(plan: Plan, book: ProgressBook | None) -> tuple[MeasureRow, ...]:
    """The plan's measures in its order, each with its answer when given."""
    answers = {} if book is None else book.by_measure()

    def row(measure: Measure) -> MeasureRow:
        answer = answers.get(measure.id)
        base = MeasureRow(
            id=measure.id,
            policy=measure.policy,
            section=measure.section,
            name=measure.name,
            departments="・".join(measure.departments),
            department_names=measure.departments,
            ages=tuple(a in measure.ages for a in AGE_ORDER),
            icons="・".join(i.value for i in measure.icons),
        )
        if answer is None:
            return base
        return replace(
            base,
            status=answer.status,
            rating=answer.rating,
            direction=answer.direction,
            answered=True,
        )

    return tuple(map(row, plan.measures))


def progress_part(plan: Plan, book: ProgressBook, year: str) -> ProgressPart:
    """The answers counted per department and per 施策, and the departments yet to answer.

    year: the fiscal year of the answers as the report writes it.
    """
    from kouryu_cli.progress import book as progress

    vocabs = progress.vocabularies(plan)
    statuses = [t.value for t in vocabs[progress.STATUS].terms]
    ratings = [t.value for t in vocabs[progress.RATING].terms]
    # The same order as each tally's counts: AnswerTally.cells.
    columns = (*statuses, *(f"{progress.LABELS[progress.RATING]} {r}" for r in ratings))
    widths = tuple(
        (key, width([progress.LABELS[key], *(t.value for t in vocabs[key].terms)]))
        for key in progress.KEYS
    )

    names = {m.id: m.name for m in plan.measures}
    total = progress.total_count(plan, book)
    return ProgressPart(
        year=year,
        sources=tuple(p.name for p in book.sources),  # names, as the cover lists them
        count_columns=columns,
        by_department=tuple(progress.counts(plan, book, "dept")),
        by_policy=tuple(progress.counts(plan, book, "policy")),
        missing=tuple(
            (dept, tuple(f"{i} {names[i]}" for i in ids))
            for dept, ids in progress.missing(plan, book)
        ),
        answered=total.answered,
        total=total.total,
        department_note=shared_note(plan),
        widths=widths,
    )


def shared_note(plan: Plan) -> str:
    """A footnote when a measure has several departments: each department counts it.

    The department rows then add up to more than the number of measures (50 against 49).
    """
    shared = [m for m in plan.measures if len(m.departments) > 1]
    if not shared:
        return ""
    rows = sum(len(m.departments) for m in plan.measures)
    names = "、".join(f"{m.id}（{'・'.join(m.departments)}）" for m in shared)
    return (
        f"※ {names}は複数の所管課の事業のため、それぞれの所管課の行に数えています。"
        f"所管課ごとの事業数を足すと {rows} で、"
        f"事業数の合計 {len(plan.measures)} より多くなります。"
    )
