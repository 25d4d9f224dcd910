"""A PlanDiff as one row per change, for a council's spreadsheet (CSV, TSV, .xlsx).

Columns: 区分 (追加・削除・変更・移動), 施策, 取組, ID, 事業名, 項目, 変更前, 変更後.
A changed measure gives one row per changed field (a move is 移動); an added or removed
measure one row with its description; departments, chapter texts and indicators follow,
with 項目 saying which they are. Values read as in the text report, texts whole.
"""

from __future__ import annotations

from typing import Any

from kouryu_cli.editions.compare import FieldChange, MeasureChange, MeasureEntry, Place, PlanDiff
from kouryu_cli.editions.views import MEASURE_FIELDS, indicator_label, shown
from kouryu_cli.render.listing import Cell, Listing

COLUMNS = ("区分", "施策", "取組", "ID", "事業名", "項目", "変更前", "変更後")
KEYS = ("kind", "policy", "section", "id", "name", "field", "old", "new")
ADDED, REMOVED, CHANGED, MOVED = "追加", "削除", "変更", "移動"
SHEET = "変更点"

Row = tuple[Cell, ...]


def to_listing(result: PlanDiff, old: str, new: str) -> Listing:
    """The changes as a listing titled with both files, for the shared CSV/TSV/.xlsx writers."""
    rows = change_rows(result)
    return Listing.of(
        COLUMNS,
        rows,
        [dict(zip(KEYS, row, strict=True)) for row in rows],
        sheet=SHEET,
        # A workbook of the same editions says so, rather than looking like a lost table.
        title=f"{SHEET}: {old} → {new}" + ("" if rows else "（差分なし）"),
    )


def change_rows(result: PlanDiff) -> list[Row]:
    """Every change, measures in plan order first."""
    rows = _measure_rows(result)
    for d in result.departments_added:
        rows.append((ADDED, "", "", "", "", "所管課", "", d.name))
    for d in result.departments_removed:
        rows.append((REMOVED, "", "", "", "", "所管課", d.name, ""))
    for change in result.departments_changed:
        for f in change.changes:
            rows.append((CHANGED, "", "", "", "", f"所管課 {change.name} のよみ", *_values(f)))
    kinds = {"added": ADDED, "removed": REMOVED, "changed": CHANGED}
    for t in result.texts:
        rows.append((kinds[t.kind], "", "", "", "", t.where, t.old, t.new))
    for i in result.indicators_added:
        rows.append((ADDED, "", "", i.id, i.name, "指標", "", i.target_written))
    for i in result.indicators_removed:
        rows.append((REMOVED, "", "", i.id, i.name, "指標", i.target_written, ""))
    for c in result.indicators_changed:
        for f in c.changes:
            label = f"指標 {indicator_label(f.field)}"
            rows.append((CHANGED, "", "", c.new.id, c.new.name, label, *_values(f)))
    return rows


def _measure_rows(result: PlanDiff) -> list[Row]:
    # (policy, section, order, rank) keeps the rows in the order of the text report.
    keyed: list[tuple[tuple[int, int, int, int], list[Row]]] = []
    for entry in result.measures_removed:
        keyed.append((_key(entry, 0), [_entry_row(REMOVED, entry)]))
    for entry in result.measures_added:
        keyed.append((_key(entry, 1), [_entry_row(ADDED, entry)]))
    for change in result.measures_changed:
        key = (change.place.policy, change.place.section, change.new.order, 2)
        keyed.append((key, _change_rows(change)))
    keyed.sort(key=lambda item: item[0])
    return [row for _, rows in keyed for row in rows]


def _key(entry: MeasureEntry, rank: int) -> tuple[int, int, int, int]:
    return (entry.place.policy, entry.place.section, entry.measure.order, rank)


def _entry_row(kind: str, entry: MeasureEntry) -> Row:
    m = entry.measure
    before, after = (m.description, "") if kind == REMOVED else ("", m.description)
    return (kind, *_place(entry.place), m.id, m.name, "説明", before, after)


def _change_rows(change: MeasureChange) -> list[Row]:
    head = (*_place(change.place), change.new.id, change.new.name)
    rows: list[Row] = []
    for f in change.changes:
        kind = MOVED if f.field in ("place", "order") else CHANGED
        rows.append((kind, *head, MEASURE_FIELDS[f.field], *_values(f)))
    return rows


def _place(place: Place) -> tuple[str, str]:
    return place.policy_label, place.section_label


def _values(change: FieldChange) -> tuple[Cell, Cell]:
    return _cell(change.field, change.old), _cell(change.field, change.new)


def _cell(field: str, value: Any) -> Cell:
    """A value as the report shows it; a number stays a number (a workbook's cell sums it)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return "" if value is None or value in ("", ()) else shown(field, value)
