"""Pair the items of two editions (measures, indicators) as a person reading both would.

Evidence, strongest first:
1. the same name, or a name equal to a recorded alias (names are identities: the loader
   refuses two measures of one name), paired at once;
2. the same description word for word, when no other item of either edition has it;
3. everything left is scored pair by pair: similar names (characters in common, in order:
   twice the longest common subsequence over both lengths), similar descriptions (shared
   two-character pieces, which unrelated Japanese sentences share few of, unlike single
   characters such as を and ます), the same departments, the same section, and last the same
   id (weak: inserting a measure shifts the ids after it). The best one-to-one assignment by
   total score is found exactly (assignment.assign); a pair scoring below THRESHOLD is no
   pair, and its items are removed or added.

Large leftovers are split into blocks of at most BLOCK items a side (grouped by section, then
by the start of the description, then of the name, then all together, each group cut in plan
order) so that a thousand-fold plan is never one enormous matrix. Up to BLOCK a side, which
covers any edition of the shipped plan, the assignment is over all leftovers at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, NamedTuple, TypeVar

from kouryu_cli.editions.assignment import assign

T = TypeVar("T")
Reason = Literal["name", "alias", "description", "similarity", "id"]

# Weights of the evidence, in thousandths of a full score (integers keep the assignment exact).
NAME = 400
DESCRIPTION = 400
DEPARTMENTS = 100
SECTION = 50
ID = 50
# Below this total a pair of leftovers is not the same item. No two distinct measures of the
# shipped plan reach it (tests/test_pairing.py checks); a rename that keeps half the name, with
# half the description rewritten, in the same section under the same departments does.
THRESHOLD = 500
# The most items a side in one assignment problem.
BLOCK = 60


class Traits(NamedTuple):
    """What the matcher compares of one item; names folded (textnorm.fold) by the caller.

    A NamedTuple rather than a frozen dataclass: one is made for every measure of both
    editions, and a tuple is built several times faster.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    # (policy, section) for a measure; None for items without a place.
    place: tuple[int, int] | None = None
    order: int = 0
    departments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pair(Generic[T]):
    """The same item in both editions, and why they were paired.

    score: the total evidence (0 … 1) for a pair found by similarity or id; None for a pair
    made on an exact name, alias or description.
    """

    old: T
    new: T
    reason: Reason
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Pairing(Generic[T]):
    """Pairs in the new edition's order, then the old items left (removed), the new (added)."""

    pairs: tuple[Pair[T], ...]
    removed: tuple[T, ...]
    added: tuple[T, ...]


@dataclass(slots=True)
class _Item:
    index: int
    traits: Traits
    grams: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    # For each name and alias: its length and its characters' bit masks (see common_length).
    masks: tuple[tuple[int, dict[str, int]], ...] = ()


def pair(old: Sequence[T], new: Sequence[T], traits: Callable[[T], Traits]) -> Pairing[T]:
    """The best pairing of old and new items on the evidence of their traits."""
    left = [_Item(i, traits(x)) for i, x in enumerate(old)]
    right = [_Item(i, traits(x)) for i, x in enumerate(new)]
    found: list[tuple[int, int, Reason, float | None]] = []
    for exact in (_same_name, _same_alias, _same_description):
        made = exact(left, right)
        found += [(a, b, reason, None) for a, b, reason in made]
        paired_old = {a for a, _, _ in made}
        paired_new = {b for _, b, _ in made}
        left = [x for x in left if x.index not in paired_old]
        right = [x for x in right if x.index not in paired_new]
    for item in (*left, *right):
        _prepare(item)
    for a, b, total, without_id in _similar(left, right):
        reason: Reason = "similarity" if without_id >= THRESHOLD else "id"
        found.append((a, b, reason, total / 1000))
    found.sort(key=lambda f: f[1])
    paired_old = {f[0] for f in found}
    paired_new = {f[1] for f in found}
    return Pairing(
        pairs=tuple(Pair(old[a], new[b], reason, score) for a, b, reason, score in found),
        removed=tuple(x for i, x in enumerate(old) if i not in paired_old),
        added=tuple(x for i, x in enumerate(new) if i not in paired_new),
    )


# --- exact evidence ---------------------------------------------------------------------------


def _same_name(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, Reason]]:
    by_name = {x.traits.name: x.index for x in reversed(right)}
    out: list[tuple[int, int, Reason]] = []
    taken: set[int] = set()
    for a in left:
        b = by_name.get(a.traits.name)
        if b is not None and b not in taken:
            taken.add(b)
            out.append((a.index, b, "name"))
    return out


def _same_alias(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, Reason]]:
    by_key: dict[str, int] = {}
    for x in reversed(right):
        for key in (x.traits.name, *x.traits.aliases):
            by_key[key] = x.index
    out: list[tuple[int, int, Reason]] = []
    taken: set[int] = set()
    for a in left:
        for key in (a.traits.name, *a.traits.aliases):
            b = by_key.get(key)
            if b is not None and b not in taken:
                taken.add(b)
                out.append((a.index, b, "alias"))
                break
    return out


def _same_description(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, Reason]]:
    # Only a description that one item of each edition has: a shared boilerplate sentence
    # says nothing about which of its items is which.
    before = Counter(x.traits.description for x in left)
    after = Counter(x.traits.description for x in right)
    by_text = {x.traits.description: x.index for x in right}
    return [
        (a.index, by_text[text], "description")
        for a in left
        if (text := a.traits.description) and before[text] == 1 and after[text] == 1
    ]


# --- graded evidence --------------------------------------------------------------------------


def _grams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset((text,) if text else ())
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _prepare(item: _Item) -> None:
    t = item.traits
    item.grams = _grams(t.description)
    item.departments = frozenset(t.departments)
    item.masks = tuple((len(n), _masks(n)) for n in (t.name, *t.aliases))


def _masks(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for position, char in enumerate(text):
        out[char] = out.get(char, 0) | (1 << position)
    return out


def common_length(a: str, b: str) -> int:
    """The length of the longest common subsequence of a and b."""
    return _common(len(a), _masks(a), b)


def _common(length: int, masks: dict[str, int], b: str) -> int:
    # Bit-parallel LCS (Allison and Dix 1986, as Hyyrö 2004 writes it): one big-integer step
    # per character of b instead of a row of the len(a) × len(b) table. Bit i of row is
    # cleared once a[: i + 1] has gained a character of the common subsequence.
    full = row = (1 << length) - 1
    for char in b:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
    return length - row.bit_count()


def name_similarity(a: Traits, b: Traits) -> float:
    """Characters in common, in order, between any name or alias of a and any of b (0 … 1)."""
    x, y = _Item(0, a), _Item(0, b)
    _prepare(x)
    _prepare(y)
    return _name_similarity(x, y)


def _name_similarity(a: _Item, b: _Item) -> float:
    best = 0.0
    for length, masks in a.masks:
        for other in (b.traits.name, *b.traits.aliases):
            total = length + len(other)
            if total:
                best = max(best, 2 * _common(length, masks, other) / total)
    return best


def description_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient over two-character pieces (0 … 1)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def score(a: Traits, b: Traits) -> tuple[int, int]:
    """The evidence that a and b are one item, in thousandths: with and without the same id."""
    x, y = _Item(0, a), _Item(0, b)
    _prepare(x)
    _prepare(y)
    return _score(x, y)


def _score(a: _Item, b: _Item) -> tuple[int, int]:
    s, t = a.traits, b.traits
    name = _name_similarity(a, b)
    if a.grams and b.grams:
        text = NAME * name + DESCRIPTION * description_similarity(a.grams, b.grams)
    else:
        # Without a description on both sides the name is all the text there is.
        text = (NAME + DESCRIPTION) * name
    context = 0.0
    if a.departments or b.departments:
        shared = len(a.departments & b.departments) / len(a.departments | b.departments)
        context += DEPARTMENTS * shared
    if s.place is not None and s.place == t.place:
        context += SECTION
    without_id = round(text + context)
    return without_id + (ID if s.id == t.id else 0), without_id


def _similar(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, int, int]]:
    """(old index, new index, total, total without the id) for the pairs worth making."""
    if not left or not right:
        return []
    if len(left) <= BLOCK and len(right) <= BLOCK:
        return _solve(left, right)
    out: list[tuple[int, int, int, int]] = []
    for key in _GROUPS:
        paired_old = {f[0] for f in out}
        paired_new = {f[1] for f in out}
        groups: dict[object, tuple[list[_Item], list[_Item]]] = {}
        for side, items, paired in ((0, left, paired_old), (1, right, paired_new)):
            for x in items:
                if x.index not in paired:
                    groups.setdefault(key(x.traits), ([], []))[side].append(x)
        for olds, news in groups.values():
            out += _in_blocks(olds, news)
    return out


# How large leftovers are grouped before they are cut into blocks, one round each over what
# the rounds before left: the same section; the same start of the description (a measure
# moved to another section, lightly edited); the same start of the name; then everything.
_GROUPS: tuple[Callable[[Traits], object], ...] = (
    lambda t: t.place,
    lambda t: t.description[:8],
    lambda t: t.name[:3],
    lambda _: None,
)


def _in_blocks(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, int, int]]:
    """Assignments over consecutive runs of at most BLOCK items a side, in plan order."""
    blocks = max(-(-len(left) // BLOCK), -(-len(right) // BLOCK))
    if blocks == 0:
        return []
    ordered_left = sorted(left, key=_plan_order)
    ordered_right = sorted(right, key=_plan_order)
    out: list[tuple[int, int, int, int]] = []
    for k in range(blocks):
        out += _solve(
            ordered_left[k * len(left) // blocks : (k + 1) * len(left) // blocks],
            ordered_right[k * len(right) // blocks : (k + 1) * len(right) // blocks],
        )
    return out


def _plan_order(item: _Item) -> tuple[tuple[int, int], int, int]:
    return (item.traits.place or (0, 0), item.traits.order, item.index)


def _solve(left: list[_Item], right: list[_Item]) -> list[tuple[int, int, int, int]]:
    if not left or not right:
        return []
    scores = [[_score(a, b) for b in right] for a in left]
    # Least cost = most evidence; a pair below the threshold costs nothing, like no pair.
    cost = [[-total if total >= THRESHOLD else 0 for total, _ in row] for row in scores]
    out = []
    for i, j in enumerate(assign(cost)):
        if j >= 0 and cost[i][j] < 0:
            total, without_id = scores[i][j]
            out.append((left[i].index, right[j].index, total, without_id))
    return out
