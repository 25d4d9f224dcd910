"""Record: equality, hash and repr from a dataclass's fields, written once for every class.

`dataclass()` generates and compiles __eq__, __hash__ and __repr__ anew for each class it
decorates, at every start-up of kouryu; the records of the model and of the output path
share these instead (`@dataclass(frozen=True, eq=False, repr=False)` on a Record). Same
meaning: equal when of the same class with equal fields, hashed by the fields.
"""

from __future__ import annotations


class Record:
    """Base of a frozen dataclass: __eq__, __hash__ and __repr__ from its fields."""

    __slots__ = ()
    __match_args__: tuple[str, ...]

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__match_args__)
        return f"{type(self).__name__}({shown})"
