"""Questions people ask of the plan, as pure functions: filter, search, departments, matrix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from kouryu_cli.core.errors import UsageError
from kouryu_cli.core.i18n import _
from kouryu_cli.core.model import AGE_ORDER, AgeGroup, Department, Icon, Measure, Plan
from kouryu_cli.core.textnorm import fold

# What people type for each age group, after folding (width, tildes and dashes → "-").
_AGE_WORDS: dict[AgeGroup, tuple[str, ...]] = {
    AgeGroup.UNDER_18: (
        "0-17",
        "<18",
        "u18",
        "under18",
        "18歳未満",
        "18未満",
        "child",
        "children",
        "kids",
        "子ども",
        "子供",
        "こども",
        "0-17歳",
    ),
    AgeGroup.WORKING_AGE: ("18-64", "18-64歳", "adult", "adults", "成人", "18歳-64歳"),
    AgeGroup.SENIOR: (
        "65+",
        "65歳以上",
        "65以上",
        "65-",
        "senior",
        "seniors",
        "シニア",
        "elderly",
        "高齢者",
        "65歳-",
        ">=65",
        "65over",
    ),
}
_AGE_LOOKUP = {fold(word): group for group, words in _AGE_WORDS.items() for word in words}
AGE_HELP = "0-17 (18歳未満, child), 18-64 (18～64歳, adult), 65+ (65歳以上, senior)"
_ICON_LOOKUP = {
    **{fold(i.value): i for i in Icon},
    "知る・守る": Icon.KNOW_PROTECT,
    "know": Icon.KNOW_PROTECT,
    "chimori": Icon.KNOW_PROTECT,
    "diet": Icon.DIET,
    "food": Icon.DIET,
    "shokuji": Icon.DIET,
    "exercise": Icon.EXERCISE,
    "undo": Icon.EXERCISE,
    "undou": Icon.EXERCISE,
}
ICON_HELP = "知守, 食事, 運動"


def parse_age(text: str) -> AgeGroup:
    """An age group from what people type: 65+, 65歳以上, 18～64, 18〜64, 18ー64, u18, senior …"""
    folded = fold(text)
    # fold() keeps ー (a long vowel in katakana words); after an age an IME typed it for a dash.
    dashed = "".join(
        "-" if c == "ー" and i and folded[i - 1] in "0123456789歳" else c
        for i, c in enumerate(folded)
    )
    group = _AGE_LOOKUP.get(dashed)
    if group is None:
        raise ValueError(
            _("unknown age group '{text}' (expected {expected})").format(
                text=text, expected=AGE_HELP
            )
        )
    return group


def parse_icon(text: str) -> Icon:
    """An icon (知守 / 食事 / 運動) from its name or an English word."""
    icon = _ICON_LOOKUP.get(fold(text))
    if icon is None:
        raise ValueError(
            _("unknown icon '{text}' (expected {expected})").format(text=text, expected=ICON_HELP)
        )
    return icon


def split_terms(text: str) -> tuple[str, ...]:
    """Folded search terms; spaces (half or full width) separate terms."""
    return tuple(t for t in (fold(part) for part in re.split(r"[\s\u3000]+", text)) if t)


@dataclass(frozen=True, slots=True)
class MeasureFilter:
    """Filters for measures: AND across kinds, OR within one kind."""

    ages: tuple[AgeGroup, ...] = ()
    only_ages: bool = False
    departments: tuple[str, ...] = ()
    policies: tuple[int, ...] = ()
    icons: tuple[Icon, ...] = ()
    # Each --query as typed: a measure has every word of one of them.
    queries: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        """The conditions in words, for the 「条件: …」 line."""
        parts = []
        if self.ages:
            ages = "・".join(a.label for a in AGE_ORDER if a in self.ages)
            parts.append(f"{ages}{'のみ' if self.only_ages else ''}")
        if self.departments:
            parts.append("所管課「" + "・".join(self.departments) + "」")
        if self.policies:
            parts.append("施策" + "・".join(str(p) for p in self.policies))
        if self.icons:
            parts.append("アイコン " + "・".join(i.value for i in self.icons))
        if self.queries:
            parts.append("語" + "・".join(f"「{' '.join(q.split())}」" for q in self.queries))
        return parts


class MeasureIndex:
    """One filter made ready for one plan: the departments it names, the measures' folded text.

    Each is computed once, when first needed, from the plan and the filter alone: no answer
    depends on what was asked before.
    """

    def __init__(self, plan: Plan, wanted: MeasureFilter) -> None:
        self.plan = plan
        self.wanted = wanted

    # Folding every measure's text is most of a filter's cost on a large plan:
    # done only when a filter needs it (words), once.
    @cached_property
    def keys(self) -> dict[str, str]:
        """Folded text of each measure (id, name, description, readings …) by id."""
        plan = self.plan
        readings = {d.name: d.reading for d in plan.departments}
        return {
            m.id: fold(
                "\n".join(
                    (
                        m.id,
                        m.name,
                        m.description,
                        m.reading,
                        *m.aliases,
                        *m.departments,
                        *(readings.get(d, "") for d in m.departments),
                    )
                )
            )
            for m in plan.measures
        }

    @cached_property
    def words(self) -> tuple[tuple[str, ...], ...]:
        """The folded words of each query that has any."""
        return tuple(words for words in map(split_terms, self.wanted.queries) if words)

    @cached_property
    def departments(self) -> frozenset[str]:
        """The departments the filter names: by part of the name or of the reading."""
        return frozenset(
            d.name
            for text in self.wanted.departments
            for d in departments_matching(self.plan, text)
        )

    def matches(self, measure: Measure) -> bool:
        """Whether a measure passes every filter."""
        wanted = self.wanted
        if wanted.ages:
            if wanted.only_ages:
                if set(measure.ages) != set(wanted.ages):
                    return False
            elif not any(a in measure.ages for a in wanted.ages):
                return False
        if wanted.policies and measure.policy not in wanted.policies:
            return False
        if wanted.icons and not any(i in measure.icons for i in wanted.icons):
            return False
        if wanted.departments and self.departments.isdisjoint(measure.departments):
            return False
        return not self.words or self.has_words(measure)

    def has_words(self, measure: Measure) -> bool:
        """Whether a measure has every word of one --query."""
        key = self.keys[measure.id]
        return any(all(word in key for word in words) for words in self.words)

    def select(self) -> list[Measure]:
        """The measures that pass, in plan order."""
        return [m for m in self.plan.measures if self.matches(m)]


def filter_measures(plan: Plan, wanted: MeasureFilter) -> list[Measure]:
    """Measures that pass every filter, in plan order."""
    return MeasureIndex(plan, wanted).select()


def resolve_department(plan: Plan, text: str) -> Department:
    """One department from a full or partial, folded name or reading.

    Raises UsageError naming the candidates when the name is ambiguous, or the
    closest names when nothing matches.
    """
    if not fold(text):
        raise UsageError(_("empty department name"))
    found = departments_matching(plan, text)
    if len(found) == 1:
        return found[0]
    if found:
        names = "、".join(d.name for d in found)
        raise UsageError(
            _("'{text}' matches {count} departments: {names}").format(
                text=text, count=len(found), names=names
            )
        )
    raise UsageError(
        _("no department '{text}'.{value}").format(
            text=text, value=did_you_mean(text, [d.name for d in plan.departments])
        )
    )


def departments_matching(plan: Plan, text: str) -> list[Department]:
    """The departments text names: the one whose folded name or reading it is, or else each
    whose name or reading contains it (高齢, こうれい, こそだて).

    A full name names its department alone, also when another name contains it (福祉課 and
    高齢福祉課).
    """
    wanted = fold(text)
    if not wanted:
        return []
    exact = [d for d in plan.departments if wanted in (fold(d.name), fold(d.reading))]
    return exact or [
        d
        for d in plan.departments
        if wanted in fold(d.name) or (d.reading and wanted in fold(d.reading))
    ]


def check_department_filter(plan: Plan, text: str) -> None:
    """Raise UsageError when a department filter can match no department at all."""
    if not fold(text):
        raise UsageError(_("empty department name"))
    if not departments_matching(plan, text):
        names = [d.name for d in plan.departments]
        raise UsageError(
            _("no department matches '{text}'.{value}").format(
                text=text, value=did_you_mean(text, names)
            )
        )


def did_you_mean(text: str, names: Iterable[str]) -> str:
    """' Did you mean X?' for the closest names, or ''."""
    names = list(names)
    folded = {fold(n): n for n in names}
    import difflib  # only for a miss: importing it costs 1.5 ms of every start-up

    close = difflib.get_close_matches(fold(text), list(folded), n=3, cutoff=0.4)
    if not close:
        return " " + _("Known: {names}").format(names="、".join(names)) if len(names) <= 15 else ""
    return " " + _("Did you mean {names}?").format(names=_(" or ").join(folded[c] for c in close))


def id_key(text: str) -> tuple[str, ...]:
    """An id as people type it, for comparing: 2-1-7, ２ー１ー０７ and 2-1-07 are one id.

    Dashes and their look-alikes (ー typed by an IME, −, ‐, –, —) fold to '-', and each
    number loses its leading zeros.
    """
    folded = fold(text).translate(_ID_DASHES)
    return tuple(part.lstrip("0") or "0" if part.isdigit() else part for part in folded.split("-"))


# fold() keeps ー (a long vowel in katakana words); in an id it can only be a dash.
_ID_DASHES = str.maketrans(dict.fromkeys("ーｰ", "-"))


def find_measure(plan: Plan, text: str) -> Measure:
    """A measure by id (2-1-07, also 2-1-7), exact name or alias, or a unique partial name."""
    wanted = fold(text)
    key = id_key(text)
    for measure in plan.measures:
        if id_key(measure.id) == key:
            return measure
    for measure in plan.measures:
        if wanted in (fold(measure.name), *(fold(a) for a in measure.aliases)):
            return measure
    partial = [m for m in plan.measures if wanted and wanted in fold(m.name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        listed = "\n".join(f"  {m.id}  {m.name}" for m in partial)
        raise UsageError(
            _("'{text}' matches {count} measures; give one id:\n{listed}").format(
                text=text, count=len(partial), listed=listed
            )
        )
    if _looks_like_id(text):
        ids = [m.id for m in plan.measures]
        raise UsageError(
            _("no measure '{text}'.{value}").format(
                text=text, value=did_you_mean("-".join(key), ids)
            )
        )
    names = [m.name for m in plan.measures]
    raise UsageError(
        _("no measure '{text}'.{value}").format(
            text=text, value=did_you_mean(text, names) if len(names) > 15 else ""
        )
    )


def _looks_like_id(text: str) -> bool:
    key = id_key(text)
    return len(key) > 1 and all(part.isascii() and part.isalnum() for part in key)


def neighbours(plan: Plan, measure: Measure) -> list[Measure]:
    """Other measures of the same department(s), in plan order."""
    return [
        m
        for m in plan.measures
        if m.id != measure.id and set(m.departments) & set(measure.departments)
    ]


def department_measures(plan: Plan, department: Department) -> list[Measure]:
    """A department's measures in plan order."""
    return [m for m in plan.measures if department.name in m.departments]
