"""One measure (show) and the whole chapter (outline) as a document and as JSON."""

from __future__ import annotations

from typing import Any

from kouryu_cli.core.model import Measure, Plan
from kouryu_cli.core.textnorm import JOIN
from kouryu_cli.measures.fulltext import CHALLENGES_HEADING
from kouryu_cli.measures.views import LABELS
from kouryu_cli.render.document import Document, Line


def measure_document(plan: Plan, measure: Measure, others: list[Measure]) -> Document:
    """One measure: its place, departments, ages, icons, description, neighbours."""
    section = plan.section_of(measure)
    policy = plan.policy(measure.policy)
    lines = [
        Line("heading", f"{measure.id} {measure.name}", 2),
        Line("fact", f"{policy.label} › {section.label}", label=LABELS["place"]),
        Line("fact", JOIN.join(measure.departments), label=LABELS["departments"]),
        Line("fact", JOIN.join(a.label for a in measure.ages), label=LABELS["ages"]),
        Line("fact", JOIN.join(i.value for i in measure.icons) or "なし", label=LABELS["icons"]),
    ]
    if measure.aliases:
        lines.append(Line("fact", JOIN.join(measure.aliases), label=LABELS["aliases"]))
    lines.append(Line("text", measure.description))
    if measure.notes:
        lines.append(Line("caption", f"{LABELS['notes']}:"))
        lines += [Line("item", n) for n in measure.notes]
    if others:
        lines.append(Line("caption", f"同じ所管課の事業 ({len(others)}):"))
        lines += [Line("item", f"{m.id} {m.name}") for m in others]
    return lines


def outline_record(plan: Plan) -> dict[str, Any]:
    """The chapter as nested JSON."""
    return {
        "city": plan.city,
        "program": plan.program,
        "chapter": {
            "number": plan.chapter.number,
            "title": plan.chapter.title,
            "intro": plan.chapter.intro,
        },
        "vision": {"slogan": plan.vision_slogan, "text": plan.vision_text},
        "challenges": {
            "lead": plan.challenges_lead,
            "items": [{"title": c.title, "text": c.text} for c in plan.challenges],
        },
        "policies": [
            {
                "number": p.number,
                "title": p.title,
                "text": p.text,
                "sections": [
                    {
                        "number": s.number,
                        "title": s.title,
                        "lead": s.lead,
                        "measures": [{"id": m.id, "name": m.name} for m in s.measures],
                    }
                    for s in p.sections
                ],
            }
            for p in plan.policies
        ],
        "indicators": [{"id": i.id, "name": i.name} for i in plan.indicators],
    }


def outline_document(plan: Plan) -> Document:
    """The chapter: vision, challenges, each 施策 and 取組 with its own sentence and measures."""
    lines = [Line("heading", f"{plan.chapter.number} {plan.chapter.title}", 1)]
    if plan.chapter.intro:
        lines.append(Line("text", plan.chapter.intro))
    lines += [
        Line("heading", f"目指す市民の姿: {plan.vision_slogan}", 2),
        Line("text", plan.vision_text),
        Line("heading", CHALLENGES_HEADING, 2),
    ]
    if plan.challenges_lead:
        lines.append(Line("text", plan.challenges_lead))
    lines += [Line("item", f"{c.title}: {c.text}") for c in plan.challenges]
    # Each 施策 and 取組 with its own sentence, as the plan prints them: a report quotes them.
    for policy in plan.policies:
        lines.append(Line("heading", policy.label, 2))
        if policy.text:
            lines.append(Line("text", policy.text))
        for section in policy.sections:
            lines.append(Line("heading", section.label, 3))
            if section.lead:
                lines.append(Line("text", section.lead, 3))
            lines += [Line("item", f"{m.id} {m.name}", 3) for m in section.measures]
    if plan.indicators:
        lines.append(Line("heading", "関連計画における参考となる指標", 2))
        lines += [Line("item", f"{i.id} {i.name}") for i in plan.indicators]
    return lines
