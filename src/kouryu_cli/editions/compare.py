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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kouryu_cli.core.model import Department, EraYear, Indicator, Measure, Plan, Revision, Series
from kouryu_cli.core.textnorm import fold, format_number, fullwidth_digits
from kouryu_cli.editions import pairing
from kouryu_cli.editions.pairing import Reason

# An unchanged run this short between two changes is folded into them: 「[-社会教育-]{+生涯学習+}」
# reads better than 「[-社-]{+生+}会[-教-]{+涯学+}…」 in a language without spaces.
_SHORT_EQUAL = 2
# Below this similarity a text is shown as wholly replaced rather than as scattered edits.
_REWRITE = 0.3


@dataclass(frozen=True, slots=True)
class Place:
    """Where a measure stands: 施策 number, section number, and the two as the plan prints them."""

    policy: int
    section: int
    label: str
    policy_label: str = ""
    section_label: str = ""


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
class TextChange:
    """A chapter text that changed: `path` for programs, `where` for people; '' when absent."""

    path: str
    where: str
    old: str
    new: str

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        """Added (a new challenge or section), removed, or changed: how its line is marked."""
        return "added" if not self.old else "removed" if not self.new else "changed"


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


def aligned(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Index pairs of two lists of titles as a person lines them up (difflib's opcodes).

    Equal titles pair in order; a run replaced by another pairs one to one; the rest are
    removed (old, None) or added (None, new): a challenge inserted in the middle is added,
    not every one after it rewritten.
    """
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        both = min(i2 - i1, j2 - j1)
        pairs += [(i1 + k, j1 + k) for k in range(both)]
        pairs += [(i, None) for i in range(i1 + both, i2)]
        pairs += [(None, j) for j in range(j1 + both, j2)]
    return pairs


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


def place_of(plan: Plan, measure: Measure) -> Place:
    """The measure's 施策 and section, labelled 「1.生きがいづくりの推進 › （１）講座…」."""
    return places(plan)[measure.policy, measure.section]


def places(plan: Plan) -> dict[tuple[int, int], Place]:
    """Every section's Place, by (policy, section): labels made once, not once a measure."""
    return {
        (s.policy, s.number): Place(s.policy, s.number, f"{p.label} › {s.label}", p.label, s.label)
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


def text_changes(old: Plan, new: Plan) -> list[TextChange]:
    """Chapter texts that differ: program, chapter, vision, challenges, 施策 and sections."""
    out: list[TextChange] = []

    def check(path: str, where: str, before: str, after: str) -> None:
        if before != after:
            out.append(TextChange(path, where, before, after))

    check("program.city", "市", old.city, new.city)
    check("program.title", "プログラム名", old.program, new.program)
    check("chapter.number", "分野番号", str(old.chapter.number), str(new.chapter.number))
    check("chapter.title", "分野名", old.chapter.title, new.chapter.title)
    check("chapter.intro", "分野の説明", old.chapter.intro, new.chapter.intro)
    check("vision.slogan", "目指す市民の姿", old.vision_slogan, new.vision_slogan)
    check("vision.text", "目指す市民の姿（本文）", old.vision_text, new.vision_text)
    check(
        "challenges.lead", "市民のチャレンジ目標（前文）", old.challenges_lead, new.challenges_lead
    )
    titles = [c.title for c in old.challenges], [c.title for c in new.challenges]
    for i, j in aligned(*titles):
        a = old.challenges[i] if i is not None else None
        b = new.challenges[j] if j is not None else None
        index = j if j is not None else i
        assert index is not None  # aligned never pairs two absences
        path, where = f"challenges.items.{index + 1}", f"チャレンジ目標{index + 1}"
        check(f"{path}.title", where, a.title if a else "", b.title if b else "")
        check(f"{path}.text", f"{where}（本文）", a.text if a else "", b.text if b else "")
    old_policies = {p.number: p for p in old.policies}
    new_policies = {p.number: p for p in new.policies}
    for number in sorted(old_policies.keys() | new_policies.keys()):
        p = old_policies.get(number)
        q = new_policies.get(number)
        path, where = f"policies.{number}", f"施策{number}"
        check(f"{path}.title", f"{where} 見出し", p.title if p else "", q.title if q else "")
        check(f"{path}.text", f"{where} 内容", p.text if p else "", q.text if q else "")
        old_sections = p.sections if p else ()
        new_sections = q.sections if q else ()
        titles = [x.title for x in old_sections], [x.title for x in new_sections]
        for i, j in aligned(*titles):
            s = old_sections[i] if i is not None else None
            t = new_sections[j] if j is not None else None
            either = t if t is not None else s
            assert either is not None  # aligned never pairs two absences
            section = either.number
            spath = f"{path}.sections.{section}"
            swhere = f"{where}（{fullwidth_digits(section)}）"
            check(f"{spath}.title", f"{swhere} 見出し", s.title if s else "", t.title if t else "")
            check(f"{spath}.lead", f"{swhere} 前文", s.lead if s else "", t.lead if t else "")
    return out


# --- text diffs -------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """How alike two texts are, character by character (0 … 1)."""
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a character diff: kept, deleted (only in the old text) or inserted (new)."""

    kind: Literal["same", "deleted", "inserted", "elided"]
    text: str


def inline_diff(old: str, new: str) -> tuple[Segment, ...]:
    """A character-level diff that reads well in Japanese: short kept runs between edits merge."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if old and new and matcher.ratio() < _REWRITE:
        return (Segment("deleted", old), Segment("inserted", new))
    # Runs as (kept?, old start, old end, new start, new end); short kept runs between
    # edits become part of the edit around them.
    runs: list[tuple[bool, int, int, int, int]] = []
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        kept = tag == "equal" and not (0 < index < len(opcodes) - 1 and i2 - i1 <= _SHORT_EQUAL)
        if runs and not kept and not runs[-1][0]:
            runs[-1] = (False, runs[-1][1], i2, runs[-1][3], j2)
        else:
            runs.append((kept, i1, i2, j1, j2))
    out: list[Segment] = []
    for kept, i1, i2, j1, j2 in runs:
        if kept:
            out.append(Segment("same", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(Segment("deleted", old[i1:i2]))
        if j2 > j1:
            out.append(Segment("inserted", new[j1:j2]))
    return tuple(out)


def elide(segments: tuple[Segment, ...], context: int) -> tuple[Segment, ...]:
    """Long kept runs shortened to `context` characters beside each edit, the rest as 'elided'."""
    out: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        text = segment.text
        # The first and last runs need context on one side only.
        room = context * (int(index > 0) + int(index < last))
        if segment.kind != "same" or room == 0 or len(text) <= room + 1:
            out.append(segment)
            continue
        head = text[:context] if index > 0 else ""
        tail = text[len(text) - context :] if index < last else ""
        if head:
            out.append(Segment("same", head))
        out.append(Segment("elided", "…"))
        if tail:
            out.append(Segment("same", tail))
    return tuple(out)
