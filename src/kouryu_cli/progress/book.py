"""進行管理: each department's yearly answers on its measures, their scales, and what is missing.

The library half of ``kouryu progress``: the vocabularies (実施状況, 評価, 今後の方向性)
with their definitions, the Answer and ProgressBook model, reading a value the way a
department may have typed it, the rules of what an answer must contain, merging a year's
answers into the file, and the counts and gaps the office reports.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kouryu_cli.core import era
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import EraYear, Measure, Plan, Term, Vocabulary
from kouryu_cli.core.tally import Counts
from kouryu_cli.core.textnorm import fold
from kouryu_cli.measures.query import department_measures
from kouryu_cli.progress.figures import Figure

STATUS = "status"
RATING = "rating"
DIRECTION = "direction"
KEYS = (STATUS, RATING, DIRECTION)

# Each field of an answer: its key in files and JSON, and its label on forms and in tables.
LABELS: dict[str, str] = {
    "measure": "ID",
    STATUS: "実施状況",
    RATING: "評価",
    "activities": "取組内容・実績",
    "figures": "活動実績（数値）",
    "issues": "課題",
    DIRECTION: "今後の方向性",
    "next_steps": "今後の取組",
    "departments": "回答した課",
    "answered_by": "記入者",
    "answered_on": "回答日",
}

DEFAULT_VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary(
        STATUS,
        (
            Term("実施", "計画どおり事業を実施した", needs_activities=True),
            Term(
                "一部実施",
                "事業の一部を実施した（規模の縮小、一部の中止など）",
                needs_activities=True,
            ),
            Term("未実施", "年度内に実施しなかった"),
            Term("休止", "事業を一時的に止めている"),
            Term("終了・廃止", "事業を終了した、または廃止した"),
        ),
    ),
    Vocabulary(
        RATING,
        (
            Term("A", "計画どおり実施し成果があった"),
            Term("B", "概ね計画どおり実施した"),
            Term("C", "計画を下回った"),
            Term("D", "実施できなかった"),
        ),
    ),
    Vocabulary(
        DIRECTION,
        (
            Term("拡充", "規模や内容を広げて実施する"),
            Term("継続", "現在の内容で実施する"),
            Term("改善して継続", "内容や方法を見直して実施する"),
            Term("縮小", "規模や内容を縮めて実施する"),
            Term("休止・廃止", "事業を休止する、または廃止する"),
        ),
    ),
)


def vocabularies(plan: Plan) -> dict[str, Vocabulary]:
    """The scales this plan's progress is answered in: its own where it defines them, else ours.

    The one place every reader, form and listing takes its vocabularies from.
    """
    own = {v.key: v for v in plan.vocabularies}
    return {v.key: own.get(v.key, v) for v in DEFAULT_VOCABULARIES}


def expected(vocabulary: Vocabulary) -> str:
    """The values as a message lists them: 実施 / 一部実施 / 未実施."""
    return " / ".join(t.value for t in vocabulary.terms)


def read_term(vocabulary: Vocabulary, text: str) -> Term | None:
    """The term a typed value means, or None.

    Accepts the value in any width or case (Ａ, a, 継続) and the value followed by its
    definition, as a dropdown of "A：計画どおり…" would enter it.
    """
    wanted = fold(text)
    if not wanted:
        return None
    for term in vocabulary.terms:
        value = fold(term.value)
        if wanted == value:
            return term
        if term.definition:
            meaning = fold(term.definition)
            if wanted in (value + meaning, f"{value}:{meaning}", f"{value}({meaning})"):
                return term
    return None


# The year as a Western year or an era year (R7, 令和7, 令和元, H31.): core.era reads it.
_DATE = re.compile(
    r"(?P<year>\d{4}|(?:昭和|平成|令和|[SHR])\.?\s*(?:元|\d{1,2}))\s*[-/.年]\s*"
    r"(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?",
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime.date:
    """A date as people write it: 2025-05-12, 2025/5/12, 2025年5月12日, 令和7年5月12日, R7.5.12.

    Full-width digits and 元年 are read too, and an Excel date time's date part.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.fullmatch(folded) or _DATE.fullmatch(folded.split(" ")[0])
    if match is None:
        raise ValueError(
            _("not a date: '{text}' (write 2025-05-12 or 2025/5/12)").format(text=text)
        )
    try:
        year = era.parse_year(match["year"]).year
        return datetime.date(year, int(match["month"]), int(match["day"]))
    except ValueError:  # era.EraError is a ValueError too
        raise ValueError(_("no such date: '{text}'").format(text=text)) from None


@dataclass(frozen=True, slots=True)
class Answer:
    """回答: one department's answer on one measure for one year."""

    measure_id: str
    departments: tuple[str, ...]
    status: str
    rating: str
    direction: str
    activities: str = ""
    figures: tuple[Figure, ...] = ()
    issues: str = ""
    next_steps: str = ""
    answered_by: str = ""
    answered_on: datetime.date | None = None
    note: str = ""  # メモ: the office's own note in the progress file, never on a form

    def content(self) -> tuple[object, ...]:
        """What the answer says, without who said it and when: what two answers are compared by."""
        return (
            self.status,
            self.rating,
            self.direction,
            self.activities.strip(),
            self.figures,
            self.issues.strip(),
            self.next_steps.strip(),
        )

    def shown(self, key: str) -> str:
        """One field as text, for conflict messages and listings."""
        if key == "figures":
            return "; ".join(str(f) for f in self.figures)
        if key == "departments":
            return "・".join(self.departments)
        if key == "answered_on":
            return self.answered_on.isoformat() if self.answered_on else ""
        value = getattr(self, key)
        return value if isinstance(value, str) else str(value)


ANSWER_FIELDS = (STATUS, RATING, "activities", "figures", "issues", DIRECTION, "next_steps")


@dataclass(frozen=True, slots=True)
class ProgressBook:
    """進行管理表: every answer of one fiscal year, one per measure, and the files it came from."""

    year: EraYear
    answers: tuple[Answer, ...] = ()
    sources: tuple[Path, ...] = ()

    def answer(self, measure_id: str) -> Answer | None:
        """The answer on a measure, or None."""
        return next((a for a in self.answers if a.measure_id == measure_id), None)

    def by_measure(self) -> dict[str, Answer]:
        """The answers by measure id, for looking many up."""
        return {a.measure_id: a for a in self.answers}


def answer_problems(answer: Answer, vocabs: dict[str, Vocabulary]) -> list[tuple[str, str]]:
    """(field, message) for each thing an answer must contain and does not.

    評価 and 今後の方向性 for every answer; 取組内容・実績 when the status asks for it
    (実施, 一部実施 in the default scale).
    """
    out: list[tuple[str, str]] = []
    if not answer.status:
        out.append(
            (
                STATUS,
                _("{value} is required ({value2})").format(
                    value=LABELS[STATUS], value2=expected(vocabs[STATUS])
                ),
            )
        )
    for key in (RATING, DIRECTION):
        if not getattr(answer, key):
            out.append(
                (
                    key,
                    _("{value} is required ({value2})").format(
                        value=LABELS[key], value2=expected(vocabs[key])
                    ),
                )
            )
    term = next((t for t in vocabs[STATUS].terms if t.value == answer.status), None)
    if term is not None and term.needs_activities and not answer.activities.strip():
        out.append(
            (
                "activities",
                _("{value} is required when {value2} is {value3}").format(
                    value=LABELS["activities"], value2=LABELS[STATUS], value3=term.value
                ),
            )
        )
    return out


def owners(plan: Plan) -> dict[str, Measure]:
    """Measures by id."""
    return {m.id: m for m in plan.measures}


# ------------------------------------------------------------------ merging a year's answers


@dataclass(frozen=True, slots=True)
class Conflict:
    """An answer already kept that a new one would change, field by field."""

    measure_id: str
    changes: tuple[tuple[str, str, str], ...]  # (field, kept value, new value)
    # Who gave the kept answer, where another department did (a shared measure: 3-1-14).
    kept_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Merge:
    """What merging new answers into a book did (or, with conflicts, would do)."""

    book: ProgressBook
    added: tuple[Answer, ...]
    changed: tuple[Answer, ...]
    unchanged: tuple[Answer, ...]
    conflicts: tuple[Conflict, ...]
    # Answers of another department of a shared measure that --replace took the place of.
    replaced: tuple[Conflict, ...] = ()


def differences(old: Answer, new: Answer) -> tuple[tuple[str, str, str], ...]:
    """(field, old, new) for each field two answers give differently."""
    return tuple(
        (key, old.shown(key), new.shown(key))
        for key in ANSWER_FIELDS
        if old.shown(key).strip() != new.shown(key).strip()
    )


def merge(book: ProgressBook, answers: Iterable[Answer], *, replace: bool) -> Merge:
    """The book with these answers in; a kept answer that differs conflicts unless replace.

    The same answer from another department of a shared measure (3-1-14) adds that
    department to the kept answer: a change, so that the result is the same whether the
    departments' forms came in one collect or in several. The office's note is kept.
    """
    kept = book.by_measure()
    added: list[Answer] = []
    changed: list[Answer] = []
    unchanged: list[Answer] = []
    conflicts: list[Conflict] = []
    replaced: list[Conflict] = []
    for new in answers:
        old = kept.get(new.measure_id)
        if old is None:
            taken = new
            added.append(taken)
        elif old.content() == new.content():
            departments = tuple(dict.fromkeys((*old.departments, *new.departments)))
            if departments == old.departments:
                unchanged.append(new)
                continue
            taken = dataclasses.replace(old, departments=departments)
            changed.append(taken)
        elif replace:
            taken = dataclasses.replace(new, note=old.note)
            changed.append(taken)
            if not set(old.departments) <= set(new.departments):
                replaced.append(Conflict(new.measure_id, differences(old, new), old.departments))
        else:
            other = () if set(old.departments) <= set(new.departments) else old.departments
            conflicts.append(Conflict(new.measure_id, differences(old, new), other))
            continue
        kept[new.measure_id] = taken
    return Merge(
        ProgressBook(book.year, tuple(kept.values()), book.sources),
        tuple(added),
        tuple(changed),
        tuple(unchanged),
        tuple(conflicts),
        tuple(replaced),
    )


# ------------------------------------------------------------------ queries


@dataclass(frozen=True, slots=True)
class AnswerTally:
    """集計: how many measures a department (or 施策) has, how many are answered, and how."""

    key: str
    total: int
    answered: int
    statuses: Counts[str]
    ratings: Counts[str]

    @property
    def unanswered(self) -> int:
        """Measures without an answer."""
        return self.total - self.answered

    @property
    def cells(self) -> tuple[int, ...]:
        """The counts of each 実施状況, then of each 評価, in their scales' order."""
        return (*self.statuses.values(), *self.ratings.values())


def _count(plan: Plan, key: str, measures: Sequence[Measure], book: ProgressBook) -> AnswerTally:
    vocabs = vocabularies(plan)
    by_measure = book.by_measure()
    answers = [by_measure[m.id] for m in measures if m.id in by_measure]
    return AnswerTally(
        key,
        len(measures),
        len(answers),
        Counts.of(_values(vocabs[STATUS]), answers, lambda a, value: a.status == value),
        Counts.of(_values(vocabs[RATING]), answers, lambda a, value: a.rating == value),
    )


def _values(vocabulary: Vocabulary) -> tuple[str, ...]:
    return tuple(t.value for t in vocabulary.terms)


def counts(plan: Plan, book: ProgressBook, by: Literal["dept", "policy"]) -> list[AnswerTally]:
    """Counts per department (a shared measure counts for each) or per 施策, in plan order.

    Rows with no measures are left out; totals over all measures are total_count().
    """
    if by == "dept":
        groups = [(d.name, department_measures(plan, d)) for d in plan.departments]
    elif by == "policy":
        groups = [(p.label, [m for s in p.sections for m in s.measures]) for p in plan.policies]
    else:
        raise ValueError(_("counts by 'dept' or 'policy', not {by!r}").format(by=by))
    return [_count(plan, key, measures, book) for key, measures in groups if measures]


def total_count(plan: Plan, book: ProgressBook) -> AnswerTally:
    """The counts over every measure of the plan, each once (合計)."""
    return _count(plan, "合計", plan.measures, book)


def missing(plan: Plan, book: ProgressBook) -> list[tuple[str, tuple[str, ...]]]:
    """未回答: each department with the ids of its measures that have no answer, in plan order."""
    out = []
    answered = book.by_measure()
    for department in plan.departments:
        ids = tuple(
            m.id for m in plan.measures if department.name in m.departments and m.id not in answered
        )
        if ids:
            out.append((department.name, ids))
    return out


@dataclass(frozen=True, slots=True)
class AnswerFilter:
    """Which answers a listing shows: by department, 実施状況 and 評価 (values as in the scale)."""

    departments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        """The conditions in words, for the listing's note: 所管課: 高齢福祉課、評価: C."""
        given = (
            ("所管課", self.departments),
            (LABELS[STATUS], self.statuses),
            (LABELS[RATING], self.ratings),
        )
        return [f"{label}: " + "、".join(values) for label, values in given if values]


def select(plan: Plan, book: ProgressBook, wanted: AnswerFilter) -> list[tuple[Measure, Answer]]:
    """Answered measures that pass every filter, in plan order."""
    out = []
    answers = book.by_measure()
    for measure in plan.measures:
        answer = answers.get(measure.id)
        if answer is None:
            continue
        if wanted.departments and not set(wanted.departments) & set(measure.departments):
            continue
        if wanted.statuses and answer.status not in wanted.statuses:
            continue
        if wanted.ratings and answer.rating not in wanted.ratings:
            continue
        out.append((measure, answer))
    return out


def read_terms(vocabulary: Vocabulary, text: str) -> tuple[str, ...]:
    """Values given on the command line, comma-separated (C,D or Ｃ、Ｄ); ValueError for others."""
    out: list[str] = []
    for piece in re.split(r"[,、，]", text):
        if not piece.strip():
            continue
        term = read_term(vocabulary, piece)
        if term is None:
            raise ValueError(
                _("unknown value '{value}' (expected {value2})").format(
                    value=piece.strip(), value2=expected(vocabulary)
                )
            )
        if term.value not in out:
            out.append(term.value)
    return tuple(out)


def plan_digest(plan: Plan) -> str:
    """A short fingerprint of what a form shows of the plan: ids, names, departments, overviews.

    Recorded in each form, so that a form written from another edition of the plan is noticed.
    """
    import hashlib

    hasher = hashlib.sha256()
    for m in plan.measures:
        for part in (m.id, m.name, m.description, *m.departments):
            hasher.update(part.encode("utf-8"))
            hasher.update(b"\x1f")
        hasher.update(b"\x1e")
    return hasher.hexdigest()[:16]
