"""Full-text search over the whole chapter: where every term matches, and a snippet to show."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kouryu_cli.core.model import Measure, Plan
from kouryu_cli.core.textnorm import JOIN, find_spans, fold


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: what kind of record, which one, and where the terms matched."""

    kind: str
    id: str
    title: str
    where: str
    text: str
    spans: tuple[tuple[int, int], ...] = ()
    measure: Measure | None = None


KIND_LABELS = {
    "chapter": "分野",
    "vision": "目指す市民の姿",
    "challenge": "チャレンジ目標",
    "policy": "施策",
    "section": "取組",
    "measure": "事務事業",
    "department": "所管課",
    "indicator": "指標",
}
CHALLENGES_HEADING = "市民のチャレンジ目標"


def _records(plan: Plan) -> Iterator[_Record]:
    """Everything search looks at, in plan order."""
    chapter = plan.chapter
    yield _Record("chapter", str(chapter.number), chapter.title, (("intro", chapter.intro),))
    yield _Record(
        "vision",
        "vision",
        plan.vision_slogan,
        (("slogan", plan.vision_slogan), ("text", plan.vision_text)),
    )
    if plan.challenges_lead:
        # The sentence that leads into the goals, heading and all, as outline shows it.
        lead = (("lead", plan.challenges_lead),)
        yield _Record("challenge", "challenges", CHALLENGES_HEADING, lead)
    for number, challenge in enumerate(plan.challenges, 1):
        yield _Record(
            "challenge",
            f"C{number}",
            challenge.title,
            (("title", challenge.title), ("text", challenge.text)),
        )
    for policy in plan.policies:
        yield _Record(
            "policy",
            str(policy.number),
            policy.title,
            (("title", policy.title), ("text", policy.text)),
        )
        for section in policy.sections:
            yield _Record(
                "section",
                f"{section.policy}-{section.number}",
                section.title,
                (("title", section.title), ("lead", section.lead)),
            )
    readings = {d.name: d.reading for d in plan.departments}
    for measure in plan.measures:
        fields = [("name", measure.name), ("description", measure.description)]
        fields += [("alias", alias) for alias in measure.aliases]
        fields.append(("departments", JOIN.join(measure.departments)))
        spoken = [measure.reading] if measure.reading else []
        spoken += [f"{d}（{readings[d]}）" for d in measure.departments if readings.get(d)]
        if spoken:
            fields.append(("reading", JOIN.join(spoken)))
        yield _Record("measure", measure.id, measure.name, tuple(fields), measure)
    for department in plan.departments:
        fields = [("name", department.name)]
        if department.reading:
            fields.append(("reading", department.reading))
        yield _Record("department", department.name, department.name, tuple(fields))
    for indicator in plan.indicators:
        yield _Record(
            "indicator",
            indicator.id,
            indicator.name,
            (("name", indicator.name), ("plan", indicator.plan)),
        )


@dataclass(frozen=True, slots=True)
class _Record:
    kind: str
    id: str
    title: str
    fields: tuple[tuple[str, str], ...]
    measure: Measure | None = None


def search(plan: Plan, terms: tuple[str, ...]) -> list[Hit]:
    """Records where every folded term matches, each with the first field that matched."""
    if not terms:
        return []
    hits = []
    for record in _records(plan):
        folded = [fold(text) for _, text in record.fields]
        if not all(any(term in f for f in folded) for term in terms):
            continue
        where, text = record.fields[0]
        spans: list[tuple[int, int]] = []
        for name, value in record.fields:
            spans = find_spans(value, terms)
            if spans:
                where, text = name, value
                break
        hits.append(
            Hit(record.kind, record.id, record.title, where, text, tuple(spans), record.measure)
        )
    return hits


def snippet(
    text: str, spans: Sequence[tuple[int, int]], width: int = 40
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of text around the first match, and the spans shifted into it."""
    if not spans or len(text) <= width:
        return text, tuple(spans)
    first = spans[0][0]
    start = max(0, min(first - width // 3, len(text) - width))
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shifted = tuple(
        (max(s, start) - start + len(prefix), min(e, end) - start + len(prefix))
        for s, e in spans
        if e > start and s < end
    )
    return prefix + text[start:end] + suffix, shifted
