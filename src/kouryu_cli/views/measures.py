"""Query results shaped as listings and records: the JSON keys here are a documented contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kouryu_cli.model import AGE_ORDER, Measure, Plan
from kouryu_cli.query import Facet, MatrixRow
from kouryu_cli.textnorm import strip_controls
from kouryu_cli.views.formats import JOIN, Listing

if TYPE_CHECKING:
    from kouryu_cli.fulltext import Hit

MARK = "○"
MEASURE_COLUMNS = (
    "ID",
    "事業名",
    "所管課",
    *(a.label for a in AGE_ORDER),
    "アイコン",
    "施策",
    "取組",
    "説明",
)


class _Places(dict[tuple[int, int], tuple[str, str, str, str, int]]):
    """(policy, section) → the labels and titles a measure shows, each worked out once.

    A listing of 40,000 measures would otherwise look each policy up and format each
    section label 80,000 times (a tenth of a large query's time).
    """

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def __missing__(self, key: tuple[int, int]) -> tuple[str, str, str, str, int]:
        policy = self.plan.policy(key[0])
        section = self.plan.sections[key]
        place = (policy.label, section.label, policy.title, section.title, section.number)
        self[key] = place
        return place


def measure_record(plan: Plan, measure: Measure, places: _Places | None = None) -> dict[str, Any]:
    """The JSON object of one measure."""
    _, _, policy_title, section_title, section_number = (
        _Places(plan) if places is None else places
    )[(measure.policy, measure.section)]
    return {
        "id": measure.id,
        "name": measure.name,
        "description": measure.description,
        "policy": measure.policy,
        "policy_title": policy_title,
        "section": section_title,
        "section_number": section_number,
        "order": measure.order,
        "departments": list(measure.departments),
        "ages": [a.value for a in measure.ages],
        "tags": [i.value for i in measure.icons],
        "aliases": list(measure.aliases),
        "notes": list(measure.notes),
    }


def measure_row(plan: Plan, measure: Measure, places: _Places | None = None) -> tuple[str, ...]:
    """One measure as a row of MEASURE_COLUMNS."""
    policy_label, section_label, *_ = (_Places(plan) if places is None else places)[
        (measure.policy, measure.section)
    ]
    return (
        measure.id,
        measure.name,
        JOIN.join(measure.departments),
        *(MARK if a in measure.ages else "" for a in AGE_ORDER),
        JOIN.join(i.value for i in measure.icons),
        policy_label,
        section_label,
        measure.description,
    )


def measures_listing(plan: Plan, measures: list[Measure], title: str = "") -> Listing:
    """Measures as a listing (terminal table: id, name, departments, ages, icons)."""
    places = _Places(plan)
    return Listing(
        columns=MEASURE_COLUMNS,
        make_rows=lambda: [measure_row(plan, m, places) for m in measures],
        make_records=lambda: [measure_record(plan, m, places) for m in measures],
        title=title,
        table_columns=(0, 1, 2, 3, 4, 5, 6),
    )


def facets_listing(facets: list[Facet]) -> Listing:
    """The department facet view: measures per department and per age group."""
    columns = ("所管課", "よみ", "事業数", *(a.label for a in AGE_ORDER))
    return Listing.of(
        columns=columns,
        rows=[
            (
                f.department.name,
                f.department.reading,
                str(f.measures),
                *(str(f.ages[a]) for a in AGE_ORDER),
            )
            for f in facets
        ],
        records=[
            {
                "department": f.department.name,
                "reading": f.department.reading,
                "measures": f.measures,
                "ages": {a.value: f.ages[a] for a in AGE_ORDER},
                "tags": {i.value: n for i, n in f.icons.items()},
            }
            for f in facets
        ],
        numeric=frozenset({2, 3, 4, 5}),
    )


def matrix_listing(rows: list[MatrixRow]) -> Listing:
    """所管課 × 対象年代 (and icons) as a plain grid."""
    icons = list(rows[0].icons) if rows else []
    columns = ("所管課", "事業数", *(a.label for a in AGE_ORDER), *(i.value for i in icons))
    return Listing.of(
        columns=columns,
        rows=[
            (
                r.department,
                str(r.total),
                *(str(r.ages[a]) for a in AGE_ORDER),
                *(str(r.icons[i]) for i in icons),
            )
            for r in rows
        ],
        records=[
            {
                "department": r.department,
                "measures": r.total,
                "ages": {a.value: r.ages[a] for a in AGE_ORDER},
                "tags": {i.value: r.icons[i] for i in icons},
            }
            for r in rows
        ],
        numeric=frozenset(range(1, len(columns))),
    )


FIELD_LABELS = {
    "intro": "前文",
    "slogan": "スローガン",
    "text": "内容",
    "title": "名称",
    "lead": "リード文",
    "name": "名称",
    "description": "説明",
    "alias": "別表記",
    "departments": "所管課",
    "reading": "よみ",
    "plan": "計画名",
}


def hits_listing(plan: Plan, hits: list[Hit]) -> Listing:
    """Search results: kind, id, title, where it matched, a snippet with the match marked."""
    from kouryu_cli.fulltext import KIND_LABELS, snippet

    rows: list[tuple[str, ...]] = []
    highlights = {}
    records = []
    for index, hit in enumerate(hits):
        text, spans = snippet(hit.text, hit.spans)
        rows.append((KIND_LABELS[hit.kind], hit.id, hit.title, FIELD_LABELS[hit.where], text))
        highlights[(index, 4)] = spans
        if hit.where in ("name", "title", "slogan") and hit.text == hit.title:
            highlights[(index, 2)] = hit.spans
        record: dict[str, Any] = {
            "kind": hit.kind,
            "id": hit.id,
            "title": hit.title,
            "field": hit.where,
            "text": hit.text,
            "matches": [list(s) for s in hit.spans],
        }
        if hit.measure is not None:
            record["measure"] = measure_record(plan, hit.measure)
        records.append(record)
    return Listing.of(
        columns=("種類", "ID", "名称", "一致した欄", "該当箇所"),
        rows=rows,
        records=records,
        highlights=highlights,
    )


def measure_text(plan: Plan, measure: Measure, others: list[Measure], *, markdown: bool) -> str:
    """One measure as Markdown (or plain text)."""
    section = plan.section_of(measure)
    policy = plan.policy(measure.policy)
    ages = JOIN.join(a.label for a in measure.ages)
    head = "## " if markdown else ""
    item = "- " if markdown else ""
    lines = [
        f"{head}{measure.id} {measure.name}",
        "",
        f"{item}位置: {policy.label} › {section.label}",
        f"{item}所管課: {JOIN.join(measure.departments)}",
        f"{item}対象年代: {ages}",
        f"{item}アイコン: {JOIN.join(i.value for i in measure.icons) or 'なし'}",
        "",
        measure.description,
    ]
    if measure.aliases:
        lines += ["", f"{item}別表記: {JOIN.join(measure.aliases)}"]
    if measure.notes:
        lines += ["", "注記:", *(f"{item or '  '}{n}" for n in measure.notes)]
    if others:
        lines += [
            "",
            f"同じ所管課の事業 ({len(others)}):",
            *(f"{item or '  '}{m.id} {m.name}" for m in others),
        ]
    return _visible(lines) + "\n"


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


def outline_text(plan: Plan, *, markdown: bool) -> str:
    """The chapter as an indented list (Markdown headings when asked)."""
    h1, h2, h3, bullet = ("# ", "## ", "### ", "- ") if markdown else ("", "", "  ", "    ")
    lines = [f"{h1}{plan.chapter.number} {plan.chapter.title}", ""]
    if plan.chapter.intro:
        lines += [plan.chapter.intro, ""]
    lines += [f"{h2}目指す市民の姿: {plan.vision_slogan}", "", plan.vision_text, ""]
    lines += [f"{h2}市民のチャレンジ目標", ""]
    if plan.challenges_lead:
        lines += [plan.challenges_lead, ""]
    lines += [f"{'- ' if markdown else '  '}{c.title}: {c.text}" for c in plan.challenges]
    lines.append("")
    # Each 施策 and 取組 with its own sentence, as the plan prints them: a report quotes them.
    for policy in plan.policies:
        lines += [f"{h2}{policy.label}", ""]
        if policy.text:
            lines += [policy.text, ""]
        for section in policy.sections:
            lines += [f"{h3}{section.label}", ""]
            if section.lead:
                lines += [f"{'' if markdown else '  '}{section.lead}", ""]
            lines += [f"{bullet}{m.id} {m.name}" for m in section.measures]
            lines.append("")
    if plan.indicators:
        lines += [f"{h2}関連計画における参考となる指標", ""]
        lines += [f"{'- ' if markdown else '  '}{i.id} {i.name}" for i in plan.indicators]
    return _visible(lines).rstrip("\n") + "\n"


def _visible(lines: list[str]) -> str:
    """Lines joined, control characters from the data shown escaped (line breaks kept)."""
    return "\n".join(strip_controls(part) for line in lines for part in line.split("\n"))
