"""集計: how many of a group have each value of a scale, the one tally of every feature.

The plan's measures per 対象年代 and icon (``kouryu dept``, ``kouryu matrix``) and the
round's answers per 実施状況 and 評価 (``kouryu progress status --by``) are counted here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

Value = TypeVar("Value", bound=Hashable)
Item = TypeVar("Item")


@dataclass(frozen=True, slots=True, eq=False)
class Counts(Mapping[Value, int]):
    """How many items have each value of a scale, in the scale's order; read like a dict.

    Compared like a mapping (equal to a dict of the same counts); hashable, as a frozen
    record should be.
    """

    pairs: tuple[tuple[Value, int], ...]

    @classmethod
    def of(
        cls,
        scale: Iterable[Value],
        items: Iterable[Item],
        has: Callable[[Item, Value], bool],
    ) -> Counts[Value]:
        """For each value of the scale, how many of the items have it (an item may have several)."""
        kept = tuple(items)
        return cls(tuple((value, sum(has(item, value) for item in kept)) for value in scale))

    def __getitem__(self, value: Value) -> int:
        for key, count in self.pairs:
            if key == value:
                return count
        raise KeyError(value)

    def __iter__(self) -> Iterator[Value]:
        return (key for key, _count in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __hash__(self) -> int:
        return hash(frozenset(self.pairs))
