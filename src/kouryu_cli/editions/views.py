"""A PlanDiff as JSON, plain text, Markdown, or a coloured terminal view (Rich inside functions).

The JSON keys are a documented contract (docs/editions.md, tests/test_cli_diff.py). The text
views share one layout, `report_lines`, so that plain text, Markdown and the terminal say the
same things.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from kouryu_cli.core.model import AgeGroup, Indicator, TargetKind
from kouryu_cli.core.textnorm import JOIN, format_number, strip_controls
from kouryu_cli.editions.compare import (
    FieldChange,
    IndicatorChange,
    MeasureChange,
    MeasureEntry,
    Place,
    PlanDiff,
    Value,
)
from kouryu_cli.editions.pairing import Reason
from kouryu_cli.editions.texts import Segment, elide, inline_diff
from kouryu_cli.render.listing import markdown_literal

if TYPE_CHECKING:
    from rich.console import Console

# Characters of unchanged text kept on each side of an edit in a long text.
CONTEXT = 12
SAME = "差分なし"

MEASURE_FIELDS = {
    "id": "ID",
    "name": "事業名",
    "description": "説明",
    "departments": "所管課",
    "ages": "対象年代",
    "icons": "アイコン",
    "place": "位置",
    "order": "順序",
    "reading": "よみ",
    "aliases": "別表記",
    "notes": "注記",
}
INDICATOR_FIELDS = {
    "id": "ID",
    "name": "指標名",
    "plan": "関連計画",
    "baseline_year": "基準年",
    "baseline_written": "基準値（表記）",
    "target_year": "目標年",
    "target_kind": "目標の種類",
    "target_written": "目標値（表記）",
    "history": "見直しの経過",
}
SERIES_FIELDS = {
    "label": "名称",
    "unit": "単位",
    "baseline": "基準値",
    "target": "目標値",
    "target_change": "目標値（基準値からの増減%）",
    "baseline_year": "基準年",
    "target_year": "目標年",
    "tested": "有意差検定",
    "actuals": "実績値",
}
# Why a changed item was taken to be the same one (a score follows for the graded ones).
MATCHED_BY: dict[Reason, str] = {
    "name": "名称が一致",
    "alias": "別表記が一致",
    "description": "説明が一致",
    "similarity": "類似度",
    "id": "IDが一致・類似度",
}
# Fields whose old and new text is shown as one character diff rather than "old → new".
_PROSE = frozenset({"description"})


# --- JSON -------------------------------------------------------------------------------------


def to_record(result: PlanDiff) -> dict[str, Any]:
    """The diff as the documented JSON object."""
    return {
        "same": result.same,
        "summary": {
            "added": result.added,
            "removed": result.removed,
            "changed": result.changed,
        },
        "measures": {
            "added": [_entry_record(e) for e in result.measures_added],
            "removed": [_entry_record(e) for e in result.measures_removed],
            "changed": [
                _changed_record(
                    c, policy=c.place.policy, section=c.place.section, place=c.place.label
                )
                for c in result.measures_changed
            ],
        },
        "departments": {
            "added": [{"name": d.name, "reading": d.reading} for d in result.departments_added],
            "removed": [{"name": d.name, "reading": d.reading} for d in result.departments_removed],
            "changed": [
                {"name": d.name, "changes": [_change_record(f) for f in d.changes]}
                for d in result.departments_changed
            ],
        },
        "texts": [
            {"path": t.path, "where": t.where, "old": t.old, "new": t.new} for t in result.texts
        ],
        "indicators": {
            "added": [_indicator_record(i) for i in result.indicators_added],
            "removed": [_indicator_record(i) for i in result.indicators_removed],
            "changed": [_changed_record(c) for c in result.indicators_changed],
        },
    }


def _changed_record(change: MeasureChange | IndicatorChange, **place: Any) -> dict[str, Any]:
    """A changed measure or indicator: ids and names, its place if any, then how it was paired."""
    return {
        "id": change.new.id,
        "old_id": change.old.id,
        "name": change.new.name,
        "old_name": change.old.name,
        **place,
        "matched_by": change.matched_by,
        "score": change.score,
        "changes": [_change_record(f) for f in change.changes],
    }


def _entry_record(entry: MeasureEntry) -> dict[str, Any]:
    m = entry.measure
    return {
        "id": m.id,
        "name": m.name,
        "policy": entry.place.policy,
        "section": entry.place.section,
        "place": entry.place.label,
        "departments": list(m.departments),
        "ages": [a.value for a in m.ages],
        "icons": [i.value for i in m.icons],
        "description": m.description,
    }


def _indicator_record(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "plan": indicator.plan,
        "baseline": indicator.baseline_written,
        "target": indicator.target_written,
    }


def _change_record(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": _json_value(change.old), "new": _json_value(change.new)}


def _json_value(value: Value) -> Any:
    if isinstance(value, Place):
        return {"policy": value.policy, "section": value.section, "label": value.label}
    if isinstance(value, tuple):
        return list(value)
    return value


# --- one layout for the text views ------------------------------------------------------------

Role = Literal["text", "label", "added", "removed", "changed", "deleted", "inserted", "elided"]
Part = tuple[Role, str]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of the report: its level (summary, heading, group, item, detail) and parts."""

    level: Literal["summary", "heading", "group", "item", "detail", "blank"]
    parts: tuple[Part, ...] = ()


def summary_line(result: PlanDiff) -> str:
    """「追加 2・削除 1・変更 5」, or 「差分なし」."""
    if result.same:
        return SAME
    return f"追加 {result.added}・削除 {result.removed}・変更 {result.changed}"


def report_lines(result: PlanDiff) -> list[DiffLine]:
    """The report: summary, measures by 施策 and section, departments, texts, indicators."""
    lines = [DiffLine("summary", (("label", summary_line(result)),))]
    if result.measures_added or result.measures_removed or result.measures_changed:
        lines += _section_heading("事務事業")
        lines += _measure_lines(result)
    if result.departments_added or result.departments_removed or result.departments_changed:
        lines += _section_heading("所管課")
        for d in result.departments_added:
            lines.append(_item("added", d.name, f"（{d.reading}）" if d.reading else ""))
        for d in result.departments_removed:
            lines.append(_item("removed", d.name))
        for change in result.departments_changed:
            lines.append(_item("changed", change.name))
            lines += [_detail("よみ", f) for f in change.changes]
    if result.texts:
        lines += _section_heading("本文")
        for t in result.texts:
            lines.append(_item(t.kind, t.where))
            lines.append(DiffLine("detail", _prose(t.old, t.new)))
    if result.indicators_added or result.indicators_removed or result.indicators_changed:
        lines += _section_heading("指標")
        for i in result.indicators_added:
            lines.append(_item("added", f"{i.id} {i.name}", f"（{i.target_written}）"))
        for i in result.indicators_removed:
            lines.append(_item("removed", f"{i.id} {i.name}"))
        for c in result.indicators_changed:
            head = c.new.id if c.old.id == c.new.id else f"{c.old.id} → {c.new.id}"
            lines.append(
                _item("changed", f"{head} {c.new.name}", matched_by(c.matched_by, c.score))
            )
            lines += [_detail(indicator_label(f.field), f) for f in c.changes]
    return lines


def _section_heading(title: str) -> list[DiffLine]:
    return [DiffLine("blank"), DiffLine("heading", (("label", title),))]


def _item(kind: Role, text: str, extra: str = "") -> DiffLine:
    parts: list[Part] = [(kind, ""), ("text", text)]
    if extra:
        parts.append(("text", extra))
    return DiffLine("item", tuple(parts))


def _measure_lines(result: PlanDiff) -> list[DiffLine]:
    # (policy, section, order, kind rank) → line group, so that items read in plan order.
    groups: dict[tuple[int, int], tuple[Place, list[tuple[int, int, list[DiffLine]]]]] = {}

    def add(place: Place, order: int, rank: int, lines: list[DiffLine]) -> None:
        groups.setdefault((place.policy, place.section), (place, []))[1].append(
            (order, rank, lines)
        )

    for entry in result.measures_added:
        m = entry.measure
        add(entry.place, m.order, 1, [_item("added", f"{m.id} {m.name}", _owners(m.departments))])
    for entry in result.measures_removed:
        m = entry.measure
        add(entry.place, m.order, 0, [_item("removed", f"{m.id} {m.name}")])
    for change in result.measures_changed:
        head = (
            change.new.id
            if change.old.id == change.new.id
            else (f"{change.old.id} → {change.new.id}")
        )
        name = f"{change.old.name} → {change.new.name}" if change.renamed else change.new.name
        lines = [_item("changed", f"{head} {name}", matched_by(change.matched_by, change.score))]
        lines += [
            _detail(MEASURE_FIELDS[f.field], f)
            for f in change.changes
            if f.field not in ("id", "name")
        ]
        add(change.place, change.new.order, 2, lines)
    out: list[DiffLine] = []
    for key in sorted(groups):
        place, items = groups[key]
        out.append(DiffLine("group", (("label", place.label),)))
        for _, _, lines in sorted(items, key=lambda item: (item[0], item[1])):
            out += lines
    return out


def matched_by(reason: Reason, score: float | None) -> str:
    """Why a pair was made, unless it kept its name: 「（対応: 説明が一致）」."""
    if reason == "name":
        return ""
    label = MATCHED_BY[reason]
    if score is not None:
        label += f" {score:.2f}"
    return f"（対応: {label}）"


def _owners(departments: tuple[str, ...]) -> str:
    return f"（{JOIN.join(departments)}）" if departments else ""


def indicator_label(name: str) -> str:
    """The Japanese label of an indicator field: 目標値, 系列 people 基準値 …"""
    if name in INDICATOR_FIELDS:
        return INDICATOR_FIELDS[name]
    series, _, part = name.partition(".")
    key = series.removeprefix("series").strip("[]")
    if not part:
        return f"系列 {key}"
    field = SERIES_FIELDS.get(part, part)
    # A single-series indicator has no series id: its target is simply the target.
    return f"系列 {key} {field}" if key else field


def _detail(label: str, change: FieldChange) -> DiffLine:
    parts: list[Part] = [("label", f"{label}: ")]
    if change.field in _PROSE and isinstance(change.old, str) and isinstance(change.new, str):
        return DiffLine("detail", (*parts, *_prose(change.old, change.new)))
    parts += [
        ("deleted", shown(change.field, change.old)),
        ("label", " → "),
        ("inserted", shown(change.field, change.new)),
    ]
    if change.field == "departments" and isinstance(change.old, tuple):
        assert isinstance(change.new, tuple)
        gained = [d for d in change.new if d not in change.old]
        lost = [d for d in change.old if d not in change.new]
        moves = [f"+{d}" for d in gained] + [f"-{d}" for d in lost]
        if moves:
            parts.append(("label", f"（{' '.join(moves)}）"))
    return DiffLine("detail", tuple(parts))


def shown(field: str, value: Value) -> str:
    """A field's value as the report prints it: （なし）, labels joined with ・, 5,480."""
    if isinstance(value, bool):
        shown = "あり" if value else "なし"
    elif value is None or value in ("", ()):
        shown = "（なし）"
    elif isinstance(value, Place):
        shown = value.label
    elif isinstance(value, tuple):
        labels = (AgeGroup.of(v).label for v in value) if field == "ages" else value
        shown = JOIN.join(labels)
    elif field == "target_kind" and isinstance(value, str):
        shown = TargetKind.of(value).label or "数値"
    elif isinstance(value, float):
        shown = format_number(value)
    else:
        shown = str(value)
    return shown


def _prose(old: str, new: str) -> tuple[Part, ...]:
    """Old and new text as one character diff in 「」, long unchanged runs elided."""
    roles: dict[str, Role] = {
        "same": "text",
        "deleted": "deleted",
        "inserted": "inserted",
        "elided": "elided",
    }
    segments: tuple[Segment, ...] = elide(inline_diff(old, new), CONTEXT)
    return (("label", "「"), *((roles[s.kind], s.text) for s in segments), ("label", "」"))


# --- emitters ---------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return strip_controls(text.replace("\r\n", " ").replace("\n", " "))


_PLAIN_MARKS = {"added": "+ ", "removed": "- ", "changed": "~ "}
_PLAIN_INDENT = {"summary": "", "heading": "", "group": "  ", "item": "  ", "detail": "      "}


def to_text(result: PlanDiff) -> str:
    """Plain text lines: + added, - removed, ~ changed; edits as [-old-]{+new+}."""
    out: list[str] = []
    grouped = False
    for line in report_lines(result):
        if line.level == "blank":
            out.append("")
            continue
        if line.level == "heading":
            grouped = False
        if line.level == "group":
            grouped = True
        indent = _PLAIN_INDENT[line.level]
        if grouped and line.level in ("item", "detail"):
            indent = "  " + indent
        out.append(indent + "".join(_plain_part(role, text) for role, text in line.parts))
    return "\n".join(out) + "\n"


def _part(role: Role, text: str, marks: dict[str, str], escape: Callable[[str], str]) -> str:
    """One part of a line: a mark, an edit as [-old-]{+new+}, or text, escaped for the format."""
    if role in marks:
        return marks[role]
    if role == "deleted":
        return f"[-{escape(text)}-]"
    if role == "inserted":
        return f"{{+{escape(text)}+}}"
    if role == "label":
        return _clean(text)
    return escape(text)


def _plain_part(role: Role, text: str) -> str:
    return _part(role, text, _PLAIN_MARKS, _clean)


_MD_MARKS = {"added": "**追加** ", "removed": "**削除** ", "changed": "**変更** "}
_MD_PREFIX = {"summary": "", "heading": "## ", "group": "### ", "item": "- ", "detail": "  - "}


def to_markdown(result: PlanDiff) -> str:
    """Markdown for a council report: headings by kind and section, one bullet per change."""
    out: list[str] = []
    for line in report_lines(result):
        if line.level == "blank":
            out.append("")
            continue
        if line.level == "group" and out and out[-1] != "":
            out.append("")
        text = _MD_PREFIX[line.level] + "".join(_md_part(r, t) for r, t in line.parts)
        out.append(text)
        if line.level in ("heading", "group"):
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_part(role: Role, text: str) -> str:
    return _part(role, text, _MD_MARKS, markdown_literal)


_RICH_STYLES: dict[Role, str] = {
    "text": "",
    "label": "",
    "added": "bold green",
    "removed": "bold red",
    "changed": "bold yellow",
    "deleted": "red strike",
    "inserted": "green underline",
    "elided": "dim",
}
_RICH_LEVEL = {"summary": "bold", "heading": "bold underline", "group": "bold"}


def draw(result: PlanDiff, console: Console) -> None:
    """The report on the terminal: the same lines as plain text, edits in colour."""
    from kouryu_cli.render import terminal as richview

    grouped = False
    for line in report_lines(result):
        if line.level == "blank":
            console.print()
            continue
        grouped = line.level == "group" or (grouped and line.level != "heading")
        indent = _PLAIN_INDENT[line.level] + (
            "  " if grouped and line.level in ("item", "detail") else ""
        )
        out = richview.text(indent)
        for role, value in line.parts:
            if role in _PLAIN_MARKS:
                out.append_text(richview.text(_PLAIN_MARKS[role], _RICH_STYLES[role]))
                continue
            style = _RICH_LEVEL.get(line.level, _RICH_STYLES[role])
            # The markers stay beside the colours: NO_COLOR, -o FILE and colour blindness.
            if role == "deleted":
                out.append_text(richview.text("[-", "dim"))
            elif role == "inserted":
                out.append_text(richview.text("{+", "dim"))
            out.append_text(richview.text(_clean(value), style))
            if role == "deleted":
                out.append_text(richview.text("-]", "dim"))
            elif role == "inserted":
                out.append_text(richview.text("+}", "dim"))
        # Within the screen, an item's later lines under its text (after its + - ~ mark).
        richview.paragraph(console, out)
