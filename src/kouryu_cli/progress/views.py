"""Listings of a progress round: each measure's answer, counts per department or 施策, gaps.

The JSON record of each listing is a contract (docs/progress-format.md, tests/test_progress_cli.py):

- answers: id, name, policy, section, departments, status, rating, direction, activities,
  figures [{name, value, unit}], issues, next_steps, answering_departments, answered_by,
  answered_on (YYYY-MM-DD or null)
- counts: by ("dept", "policy" or "total"), key, total, answered, unanswered,
  status {value: n}, rating {value: n}
- missing: department, id, name
"""

from __future__ import annotations

from typing import Any, Literal

from kouryu_cli.core.model import Measure, Plan
from kouryu_cli.core.textnorm import JOIN
from kouryu_cli.measures import views as measure_views
from kouryu_cli.progress import book as progress
from kouryu_cli.progress.book import LABELS, Answer, AnswerFilter, AnswerTally, ProgressBook
from kouryu_cli.progress.figures import format_figures
from kouryu_cli.render.listing import Cell, Listing

_ANSWER_COLUMNS = (
    ("id", "ID"),
    ("name", "事業名"),
    ("departments", "所管課"),
    (progress.STATUS, LABELS[progress.STATUS]),
    (progress.RATING, LABELS[progress.RATING]),
    (progress.DIRECTION, LABELS[progress.DIRECTION]),
    ("activities", LABELS["activities"]),
    ("figures", LABELS["figures"]),
    ("issues", LABELS["issues"]),
    ("next_steps", LABELS["next_steps"]),
    ("answering_departments", LABELS["departments"]),
    ("answered_by", LABELS["answered_by"]),
    ("answered_on", LABELS["answered_on"]),
)
_BY_LABEL = {"dept": "所管課", "policy": "施策"}


def answers_listing(
    book: ProgressBook, chosen: list[tuple[Measure, Answer]], wanted: AnswerFilter
) -> Listing:
    """One row per answered measure: the three scales first, then the texts."""

    def cells(measure: Measure, answer: Answer) -> dict[str, Cell]:
        return {
            "id": measure.id,
            "name": measure.name,
            "departments": JOIN.join(measure.departments),
            progress.STATUS: answer.status,
            progress.RATING: answer.rating,
            progress.DIRECTION: answer.direction,
            "activities": answer.activities,
            "figures": format_figures(answer.figures),
            "issues": answer.issues,
            "next_steps": answer.next_steps,
            "answering_departments": JOIN.join(answer.departments),
            "answered_by": answer.answered_by,
            "answered_on": answer.answered_on,  # a date cell in a workbook
        }

    def rows() -> list[tuple[Cell, ...]]:
        return [tuple(cells(m, a)[key] for key, _label in _ANSWER_COLUMNS) for m, a in chosen]

    def records() -> list[dict[str, Any]]:
        return [answer_record(m, a) for m, a in chosen]

    conditions = wanted.describe()
    return Listing(
        columns=tuple(label for _key, label in _ANSWER_COLUMNS),
        make_rows=rows,
        make_records=records,
        title=f"{book.year.label}（{book.year.year}年度）取組状況"
        + (f"（{'、'.join(conditions)}）" if conditions else ""),
        sheet="取組状況",
        table_columns=(0, 1, 2, 3, 4, 5, 6),
        # Printed, one page wide at a legible size: 回答した課 differs from 所管課 only for a
        # measure of several departments, and stays on the sheet of every column.
        print_columns=tuple(
            i for i, (key, _) in enumerate(_ANSWER_COLUMNS) if key != "answering_departments"
        ),
        names=(0, 1),
    )


def answer_record(measure: Measure, answer: Answer) -> dict[str, Any]:
    """The JSON object of one answer (a documented contract)."""
    return {
        "id": measure.id,
        "name": measure.name,
        "policy": measure.policy,
        "section": measure.section,
        "departments": list(measure.departments),
        "status": answer.status,
        "rating": answer.rating,
        "direction": answer.direction,
        "activities": answer.activities,
        "figures": [{"name": f.name, "value": f.value, "unit": f.unit} for f in answer.figures],
        "issues": answer.issues,
        "next_steps": answer.next_steps,
        "answering_departments": list(answer.departments),
        "answered_by": answer.answered_by,
        "answered_on": answer.answered_on.isoformat() if answer.answered_on else None,
    }


def counts_listing(plan: Plan, book: ProgressBook, by: Literal["dept", "policy"]) -> Listing:
    """Per department (or 施策): measures, answered, unanswered, then each status and rating."""
    vocabs = progress.vocabularies(plan)
    statuses = [t.value for t in vocabs[progress.STATUS].terms]
    ratings = [t.value for t in vocabs[progress.RATING].terms]
    groups: list[tuple[str, AnswerTally]] = [(by, row) for row in progress.counts(plan, book, by)]
    groups.append(("total", progress.total_count(plan, book)))

    def rows() -> list[tuple[Cell, ...]]:
        return [
            (
                row.key,
                row.total,
                row.answered,
                row.unanswered,
                *(row.statuses[s] for s in statuses),
                *(row.ratings[r] for r in ratings),
            )
            for _by, row in groups
        ]

    def records() -> list[dict[str, Any]]:
        return [count_record(kind, row) for kind, row in groups]

    columns = (
        _BY_LABEL[by],
        "事業数",
        "回答",
        "未回答",
        *statuses,
        *(f"{LABELS[progress.RATING]}{r}" for r in ratings),
    )
    return Listing(
        columns=columns,
        make_rows=rows,
        make_records=records,
        sheet=f"{_BY_LABEL[by]}別",
        title=f"{book.year.label}（{book.year.year}年度）取組状況 {_BY_LABEL[by]}別",
        numeric=frozenset(range(1, len(columns))),
    )


def total_note(plan: Plan) -> str:
    """The footnote under counts per department: a measure of several departments counts twice."""
    return measure_views.total_note(plan)


def count_record(by: str, row: AnswerTally) -> dict[str, Any]:
    """The JSON object of one count row (a documented contract)."""
    return {
        "by": by,
        "key": row.key,
        "total": row.total,
        "answered": row.answered,
        "unanswered": row.unanswered,
        "status": dict(row.statuses),
        "rating": dict(row.ratings),
    }


def missing_listing(plan: Plan, book: ProgressBook) -> Listing:
    """未回答: one row per department and measure without an answer."""
    names = {m.id: m.name for m in plan.measures}
    pairs = [(dept, i) for dept, ids in progress.missing(plan, book) for i in ids]
    return Listing.of(
        ("所管課", "ID", "事業名"),
        [(dept, i, names[i]) for dept, i in pairs],
        [{"department": dept, "id": i, "name": names[i]} for dept, i in pairs],
        sheet="未回答",
        title=f"{book.year.label}（{book.year.year}年度）未回答の事業",
        names=(1, 2),
    )
