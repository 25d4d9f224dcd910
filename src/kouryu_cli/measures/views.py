"""Query results shaped as listings and records (documents.py shapes show and outline).

The JSON keys made here are a documented contract. Each field label (所管課, 対象年代 …) is
defined once, in LABELS, and every format (table, text, Markdown, CSV, xlsx) takes it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kouryu_cli.core.i18n import _, ngettext
from kouryu_cli.core.model import AGE_ORDER, Measure, Plan
from kouryu_cli.core.textnorm import JOIN
from kouryu_cli.render.listing import Cell, Listing

if TYPE_CHECKING:
    from kouryu_cli.measures.fulltext import Hit
    from kouryu_cli.measures.tallies import Tally

MARK = "○"
# Each label once for the measure listings: the table headings and the facts of `show`.
LABELS = {
    "id": "ID",
    "name": "事業名",
    "departments": "所管課",
    "ages": "対象年代",
    "icons": "アイコン",
    "policy": "施策",
    "section": "取組",
    "description": "説明",
    "place": "位置",
    "aliases": "別表記",
    "notes": "注記",
    "reading": "よみ",
    "measures": "事業数",
}
MEASURE_COLUMNS = (
    LABELS["id"],
    LABELS["name"],
    LABELS["departments"],
    *(a.label for a in AGE_ORDER),
    LABELS["icons"],
    LABELS["policy"],
    LABELS["section"],
    LABELS["description"],
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
        section = self.plan.section(*key)
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
        # Tuples are JSON arrays as they are: no list is copied for them.
        "departments": measure.departments,
        "ages": [a.value for a in measure.ages],
        "tags": [i.value for i in measure.icons],
        "aliases": measure.aliases,
        "notes": measure.notes,
    }


def measure_row(plan: Plan, measure: Measure, places: _Places | None = None) -> tuple[Cell, ...]:
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
        sheet="事務事業",
        title=title,
        table_columns=(0, 1, 2, 3, 4, 5, 6),
        names=(0, 1),
    )


def _tally_counts(tally: Tally) -> tuple[int, ...]:
    return (tally.measures, *(tally.ages[a] for a in AGE_ORDER), *tally.icons.values())


def _counts_record(tally: Tally) -> dict[str, Any]:
    return {
        "measures": tally.measures,
        "ages": {a.value: tally.ages[a] for a in AGE_ORDER},
        "tags": {i.value: n for i, n in tally.icons.items()},
    }


def departments_listing(tallies: list[Tally], title: str = "") -> Listing:
    """The department view: measures per department, per age group and per icon."""
    icons = list(tallies[0].icons) if tallies else []
    columns = (
        LABELS["departments"],
        LABELS["reading"],
        LABELS["measures"],
        *(a.label for a in AGE_ORDER),
        *(i.value for i in icons),
    )
    return Listing.of(
        columns=columns,
        rows=[(t.name, t.reading, *_tally_counts(t)) for t in tallies],
        records=[
            {"department": t.name, "reading": t.reading, **_counts_record(t)} for t in tallies
        ],
        sheet="所管課別",
        title=title,
        numeric=frozenset(range(2, len(columns))),
    )


def matrix_listing(tallies: list[Tally], title: str = "") -> Listing:
    """所管課 × 対象年代 (and icons) as a plain grid."""
    icons = list(tallies[0].icons) if tallies else []
    columns = (LABELS["departments"], LABELS["measures"], *(a.label for a in AGE_ORDER))
    columns += tuple(i.value for i in icons)
    return Listing.of(
        columns=columns,
        rows=[(t.name, *_tally_counts(t)) for t in tallies],
        records=[{"department": t.name, **_counts_record(t)} for t in tallies],
        sheet="所管課×対象年代",
        title=title,
        numeric=frozenset(range(1, len(columns))),
    )


def total_note(plan: Plan) -> str:
    """Why the department rows add up to more than 合計（事業数）, or '' when they do not.

    A measure of several departments (3-1-14: 社会福祉課・市民窓口課) is counted in each of
    their rows but once in the total: 50 against 49.
    """
    shared = [m for m in plan.measures if len(m.departments) > 1]
    if not shared:
        return ""
    return ngettext(
        "Note: {measures} belongs to more than one department and is counted in each of their "
        "rows; the department rows add up to {rows}, the total counts each measure once ({total}).",
        "Note: {measures} belong to more than one department and are counted in each of their "
        "rows; the department rows add up to {rows}, the total counts each measure once ({total}).",
        len(shared),
    ).format(
        measures=_(", ").join(
            _("{id} ({departments})").format(id=m.id, departments=JOIN.join(m.departments))
            for m in shared
        ),
        rows=sum(len(m.departments) for m in plan.measures),
        total=len(plan.measures),
    )


# The search's field names: the measure's own labels, and those of the chapter's texts.
FIELD_LABELS = {
    "intro": "前文",
    "slogan": "スローガン",
    "text": "内容",
    "title": "名称",
    "lead": "リード文",
    "name": "名称",
    "description": LABELS["description"],
    "alias": LABELS["aliases"],
    "departments": LABELS["departments"],
    "reading": LABELS["reading"],
    "plan": "計画名",
}


def hits_listing(plan: Plan, hits: list[Hit], title: str = "") -> Listing:
    """Search results: kind, id, title, where it matched, a snippet with the match marked."""
    from kouryu_cli.measures.fulltext import KIND_LABELS, snippet

    rows: list[tuple[Cell, ...]] = []
    highlights: list[tuple[tuple[int, int], tuple[tuple[int, int], ...]]] = []
    records = []
    for index, hit in enumerate(hits):
        text, spans = snippet(hit.text, hit.spans)
        rows.append((KIND_LABELS[hit.kind], hit.id, hit.title, FIELD_LABELS[hit.where], text))
        highlights.append(((index, 4), spans))
        if hit.where in ("name", "title", "slogan") and hit.text == hit.title:
            highlights.append(((index, 2), hit.spans))
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
        sheet="検索結果",
        title=title,
        highlights=tuple(highlights),
        names=(1, 2),
    )
