"""Compare two editions of the plan (令和5年度版 → 令和6年度版): what was added, removed, changed.

Pure library: two Plans in, one frozen PlanDiff out. Rendering lives in editions/views.py.

Measures and indicators are paired by pairing.pair over the whole plan at once: the same name
or a recorded alias, then the same description, then the best one-to-one assignment on
similar names and descriptions, departments, section and id. What is left is added (only in
the new edition) or removed (only in the old). A split (one measure becomes two) therefore
reads as the part most like the old measure changed plus the other part added; a merge as
the measure most like the result changed plus the other removed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from kouryu_cli.core.model import Department, EraYear, Indicator, Measure, Plan, Revision, Series
from kouryu_cli.core.textnorm import fold, format_number
from kouryu_cli.editions import pairing
from kouryu_cli.editions.pairing import Reason
from kouryu_cli.editions.texts import TextChange, aligned, text_changes


@dataclass(frozen=True, slots=True)
class Place:
    """Where a measure stands: 施策 number, section number, and the two as the plan prints them.

    The label joins them with ＞, which Shift_JIS (cp932) holds: a council's CSV of the
    changes is often written in it (›, which ``show`` prints, is not there).
    """

    policy: int
    section: int
    label: str
    policy_label: str = ""
    section_label: str = ""


SEPARATOR = "＞"

Value = str | int | float | tuple[str, ...] | Place | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field whose value differs between the editions."""

    field: str
    old: Value
    new: Value


@dataclass(frozen=True, slots=True)
class MeasureEntry:
    """A measure found in only one edition, with its place there."""

    measure: Measure
    place: Place


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """A measure present in both editions with at least one field changed."""

    old: Measure
    new: Measure
    place: Place  # in the new edition; a move is one of the changes
    matched_by: Reason
    changes: tuple[FieldChange, ...]
    # The evidence (0 … 1) when matched by similarity or id; None for an exact match.
    score: float | None = None

    @property
    def renamed(self) -> bool:
        """Whether the name changed."""
        return self.old.name != self.new.name


@dataclass(frozen=True, slots=True)
class DepartmentChange:
    """A 所管課 in both editions whose reading (よみ) changed."""

    name: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """An indicator in both editions with a changed name, plan, baseline, target or series."""

    old: Indicator
    new: Indicator
    changes: tuple[FieldChange, ...]
    matched_by: Reason = "name"
    score: float | None = None


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """Everything that differs between two editions of the plan."""

    measures_added: tuple[MeasureEntry, ...] = ()
    measures_removed: tuple[MeasureEntry, ...] = ()
    measures_changed: tuple[MeasureChange, ...] = ()
    departments_added: tuple[Department, ...] = ()
    departments_removed: tuple[Department, ...] = ()
    departments_changed: tuple[DepartmentChange, ...] = ()
    texts: tuple[TextChange, ...] = ()
    indicators_added: tuple[Indicator, ...] = ()
    indicators_removed: tuple[Indicator, ...] = ()
    indicators_changed: tuple[IndicatorChange, ...] = ()

    @property
    def added(self) -> int:
        """Measures, departments and indicators only in the new edition."""
        return _count(self.measures_added, self.departments_added, self.indicators_added)

    @property
    def removed(self) -> int:
        """Measures, departments and indicators only in the old edition."""
        return _count(self.measures_removed, self.departments_removed, self.indicators_removed)

    @property
    def changed(self) -> int:
        """Changed measures, department readings, chapter texts and indicators."""
        changes = (self.measures_changed, self.departments_changed, self.indicators_changed)
        return _count(*changes, self.texts)

    @property
    def same(self) -> bool:
        """Whether the two editions say the same thing."""
        return self.added == self.removed == self.changed == 0


def _count(*groups: tuple[object, ...]) -> int:
    return sum(map(len, groups))


def compare(old: Plan, new: Plan) -> PlanDiff:
    """Every difference between the old and the new edition."""
    measures = match_measures(old.measures, new.measures)
    reordered = _reordered(measures.pairs)
    before, after = places(old), places(new)
    renumbered = same_sections(old, new)
    changed = []
    for found in measures.pairs:
        if found.old == found.new and found.new.id not in reordered:
            continue  # the same measure, field for field, in the same place
        change = _measure_change(before, after, found, found.new.id in reordered, renumbered)
        if change is not None:
            changed.append(change)
    dept_added, dept_removed, dept_changed = _departments(old.departments, new.departments)
    indicators = match_indicators(old.indicators, new.indicators)
    ind_changed = tuple(
        IndicatorChange(p.old, p.new, changes, p.reason, p.score)
        for p in indicators.pairs
        if (changes := indicator_changes(p.old, p.new))
    )
    return PlanDiff(
        measures_added=tuple(MeasureEntry(m, after[m.policy, m.section]) for m in measures.added),
        measures_removed=tuple(
            MeasureEntry(m, before[m.policy, m.section]) for m in measures.removed
        ),
        measures_changed=tuple(changed),
        departments_added=dept_added,
        departments_removed=dept_removed,
        departments_changed=dept_changed,
        texts=tuple(text_changes(old, new)),
        indicators_added=indicators.added,
        indicators_removed=indicators.removed,
        indicators_changed=ind_changed,
    )


def same_sections(old: Plan, new: Plan) -> dict[tuple[int, int], tuple[int, int]]:
    """Each old section's key (policy, number) in the new edition, where its 施策 has one of
    the same title: a section renumbered by one inserted before it is the same section."""
    new_policies = {p.number: p for p in new.policies}
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for p in old.policies:
        q = new_policies.get(p.number)
        if q is None:
            continue
        for i, j in aligned([s.title for s in p.sections], [s.title for s in q.sections]):
            if i is not None and j is not None:
                found[p.number, p.sections[i].number] = (q.number, q.sections[j].number)
    return found


def places(plan: Plan) -> dict[tuple[int, int], Place]:
    """Every section's Place, by (policy, section): labels made once, not once a measure."""
    return {
        (s.policy, s.number): Place(
            s.policy, s.number, f"{p.label} {SEPARATOR} {s.label}", p.label, s.label
        )
        for p in plan.policies
        for s in p.sections
    }


# --- matching ---------------------------------------------------------------------------------


def measure_traits(measure: Measure) -> pairing.Traits:
    """What pairing compares of a measure."""
    aliases = measure.aliases
    return pairing.Traits(
        measure.id,
        fold(measure.name),
        tuple(map(fold, aliases)) if aliases else (),
        measure.description,
        (measure.policy, measure.section),
        measure.order,
        measure.departments,
    )


def indicator_traits(indicator: Indicator) -> pairing.Traits:
    """What pairing compares of an indicator: its name and id (it has no description)."""
    return pairing.Traits(id=indicator.id, name=fold(indicator.name))


def match_measures(old: tuple[Measure, ...], new: tuple[Measure, ...]) -> pairing.Pairing[Measure]:
    """The same measures in both editions, then the removed, then the added ones."""
    return pairing.pair(old, new, measure_traits)


def match_indicators(
    old: tuple[Indicator, ...], new: tuple[Indicator, ...]
) -> pairing.Pairing[Indicator]:
    """The same indicators in both editions, by the same evidence as measures."""
    return pairing.pair(old, new, indicator_traits)


def _reordered(pairs: tuple[pairing.Pair[Measure], ...]) -> set[str]:
    """New ids of measures that changed their order among the measures that stayed in a section.

    Inserting or dropping a measure shifts its neighbours' numbers without moving them;
    only measures outside the longest common order count as moved.
    """
    by_section: dict[tuple[int, int], list[tuple[Measure, Measure]]] = {}
    for a, b in ((p.old, p.new) for p in pairs):
        if (a.policy, a.section) == (b.policy, b.section):
            by_section.setdefault((b.policy, b.section), []).append((a, b))
    moved: set[str] = set()
    for members in by_section.values():
        before = [b.id for a, b in sorted(members, key=lambda p: p[0].order)]
        after = [b.id for a, b in sorted(members, key=lambda p: p[1].order)]
        kept = set()
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for block in matcher.get_matching_blocks():
            kept.update(after[block.b : block.b + block.size])
        moved.update(set(after) - kept)
    return moved


# --- field comparison -------------------------------------------------------------------------


def _measure_change(
    before: dict[tuple[int, int], Place],
    after: dict[tuple[int, int], Place],
    found: pairing.Pair[Measure],
    reordered: bool,
    renumbered: dict[tuple[int, int], tuple[int, int]],
) -> MeasureChange | None:
    a, b = found.old, found.new
    old_place = before[a.policy, a.section]
    place = after[b.policy, b.section]
    candidates: list[FieldChange] = [
        FieldChange("id", a.id, b.id),
        FieldChange("name", a.name, b.name),
        FieldChange("description", a.description, b.description),
        FieldChange("departments", a.departments, b.departments),
        FieldChange("ages", tuple(x.value for x in a.ages), tuple(x.value for x in b.ages)),
        FieldChange("icons", tuple(x.value for x in a.icons), tuple(x.value for x in b.icons)),
    ]
    was = (a.policy, a.section)
    if renumbered.get(was, was) != (b.policy, b.section):
        candidates.append(FieldChange("place", old_place, place))
    elif reordered:
        candidates.append(FieldChange("order", a.order, b.order))
    candidates += [
        FieldChange("reading", a.reading, b.reading),
        FieldChange("aliases", a.aliases, b.aliases),
        FieldChange("notes", a.notes, b.notes),
    ]
    changes = tuple(
        c for c in candidates if c.field in ("place", "order") or _differs(c.old, c.new)
    )
    if not changes:
        return None
    return MeasureChange(a, b, place, found.reason, changes, found.score)


def _differs(old: Value, new: Value) -> bool:
    if isinstance(old, tuple) and isinstance(new, tuple) and sorted(old) == sorted(new):
        # A department list in another order is the same set of departments; ages and icons
        # are already in a fixed order.
        return False
    return old != new


def _departments(
    old: tuple[Department, ...], new: tuple[Department, ...]
) -> tuple[tuple[Department, ...], tuple[Department, ...], tuple[DepartmentChange, ...]]:
    before = {d.name: d for d in old}
    after = {d.name: d for d in new}
    changed = tuple(
        DepartmentChange(d.name, (FieldChange("reading", before[d.name].reading, d.reading),))
        for d in new
        if d.name in before and before[d.name].reading != d.reading
    )
    return (
        tuple(d for d in new if d.name not in before),
        tuple(d for d in old if d.name not in after),
        changed,
    )


def indicator_changes(a: Indicator, b: Indicator) -> tuple[FieldChange, ...]:
    """The fields of an indicator that differ, series by series (series matched by id)."""
    candidates = [
        FieldChange("id", a.id, b.id),
        FieldChange("name", a.name, b.name),
        FieldChange("plan", a.plan, b.plan),
        FieldChange("baseline_year", a.baseline_year.label, b.baseline_year.label),
        FieldChange("baseline_written", a.baseline_written, b.baseline_written),
        FieldChange("target_year", a.target_year.label, b.target_year.label),
        FieldChange("target_kind", a.target_kind.value, b.target_kind.value),
        FieldChange("target_written", a.target_written, b.target_written),
        FieldChange("history", _history(a), _history(b)),
    ]
    before = {s.key: s for s in a.series}
    after = {s.key: s for s in b.series}
    for s in b.series:
        if s.key not in before:
            candidates.append(FieldChange(f"series[{s.key}]", None, _series_label(s)))
    for s in a.series:
        if s.key not in after:
            candidates.append(FieldChange(f"series[{s.key}]", _series_label(s), None))
        else:
            t = after[s.key]
            name = f"series[{s.key}]" if s.key else "series"
            candidates += [
                FieldChange(f"{name}.label", s.label, t.label),
                FieldChange(f"{name}.unit", s.unit, t.unit),
                FieldChange(f"{name}.baseline", s.baseline, t.baseline),
                FieldChange(f"{name}.target", s.target, t.target),
                FieldChange(f"{name}.target_change", s.target_change, t.target_change),
                FieldChange(
                    f"{name}.baseline_year", _label(s.baseline_year), _label(t.baseline_year)
                ),
                FieldChange(f"{name}.target_year", _label(s.target_year), _label(t.target_year)),
                FieldChange(f"{name}.tested", s.tested, t.tested),
                FieldChange(f"{name}.actuals", _actuals(s), _actuals(t)),
            ]
    return tuple(c for c in candidates if c.old != c.new)


def _series_label(series: Series) -> str:
    return series.label or series.key or series.unit


def _label(year: EraYear | None) -> str | None:
    """A series' own year as written; None where it takes the indicator's."""
    return None if year is None else year.label


def _history(indicator: Indicator) -> tuple[str, ...]:
    """Each revision on one line: when, which series, what stood before it, and why."""
    return tuple(_revision(r) for r in indicator.history)


def _revision(revision: Revision) -> str:
    before = (
        ("系列", revision.series),
        ("基準値", revision.baseline),
        ("基準年", revision.baseline_year),
        ("目標値", revision.target),
        ("目標年", revision.target_year),
    )
    text = f"{revision.revised.label}: " + "、".join(f"{k} {v}" for k, v in before if v)
    return f"{text}（{revision.note}）" if revision.note else text


def _actuals(series: Series) -> tuple[str, ...]:
    return tuple(f"{o.year.label}: {format_number(o.value)}" for o in series.actuals)
