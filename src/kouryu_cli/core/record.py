"""Record: kouryu's immutable values (the plan, filters, results), built without code generation.

A record class lists its fields as annotations, with defaults after the fields without;
a default made fresh for every record is written `field(factory=dict)`:

    class Observation(Record):
        year: EraYear
        value: float
        source: str = ""

and gets what a frozen dataclass with slots gets: __init__ (positional or keyword),
__slots__, __match_args__, equality and hashing by class and fields, a repr, copy and
pickle support, and no assignment after construction. `replace(record, field=value)` is
dataclasses.replace. A class with a `cached_property` keeps a __dict__ for its values.

Why not @dataclass: it writes and compiles new functions for every class it decorates, at
every start-up; for the two dozen records a query imports that was about 6 ms of a 65 ms
run, more than half of what kouryu's own modules took to import. A record class is set up
in about 13 µs, and its one shared __init__ is no slower than a frozen dataclass's.
Mutable working state (a reader's list of problems) stays a plain @dataclass.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:  # typing has it from Python 3.11; type checkers read it from here
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[type], type]:
        return lambda cls: cls


_R = TypeVar("_R", bound="Record")


class _Factory:
    """A default made anew for each record: field(factory=list)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, factory: Callable[[], Any]) -> Any:
    """A field default made anew for every record (dataclasses' default_factory)."""
    return _Factory(factory)


class _RecordType(type):
    """Turns a class body's annotations into slots, defaults and the one __init__'s tables."""

    _setters: tuple[Callable[[Any, Any], None], ...]
    _defaults: dict[str, Any]

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _RecordType:
        inherited: tuple[str, ...] = ()
        defaults: dict[str, Any] = {}
        for base in reversed(bases):
            inherited += tuple(n for n in getattr(base, "__match_args__", ()) if n not in inherited)
            defaults.update(getattr(base, "_defaults", {}))
        own = tuple(
            n
            for n, hint in namespace.get("__annotations__", {}).items()
            if not _is_class_variable(hint) and n not in inherited
        )
        for field in own:
            if field in namespace:
                default = namespace.pop(field)
                if isinstance(default, list | dict | set):
                    raise TypeError(f"{name}.{field}: a mutable default; use field(factory=…)")
                defaults[field] = default
        fields = inherited + own
        for earlier, later in itertools.pairwise(fields):
            if earlier in defaults and later not in defaults:
                raise TypeError(f"{name}.{later}: a field without a default after defaults")
        slots = own
        if "__dict__" not in slots and any(
            isinstance(v, cached_property) for v in namespace.values()
        ):
            slots += ("__dict__",)
        namespace["__slots__"] = slots
        namespace["__match_args__"] = fields
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        # The slots' own descriptors (Point.x) store a value past the __setattr__ that refuses it.
        cls._setters = tuple(getattr(cls, f).__set__ for f in fields)
        cls._defaults = defaults
        return cls


def _is_class_variable(hint: Any) -> bool:
    if isinstance(hint, str):  # a module with `from __future__ import annotations`
        return hint.startswith(("ClassVar", "typing.ClassVar"))
    return hint is ClassVar or getattr(hint, "__origin__", None) is ClassVar


@dataclass_transform(eq_default=False, frozen_default=True, field_specifiers=(field,))
class Record(metaclass=_RecordType):
    """Base of an immutable record: fields from annotations; equal when class and fields are."""

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]]
    _setters: ClassVar[tuple[Callable[[Any, Any], None], ...]]
    _defaults: ClassVar[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        setters = self._setters
        if kwargs or len(args) != len(setters):
            args = _bind(type(self), args, kwargs)
        for put, value in zip(setters, args, strict=True):
            put(self, value)

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

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle: rebuilt through __init__ from the fields.
        return (type(self), self._fields())


def _bind(cls: type[Record], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The positional and keyword arguments of a record's __init__, in field order."""
    names = cls.__match_args__
    if len(args) > len(names):
        raise TypeError(f"{cls.__name__}() takes {len(names)} fields but {len(args)} were given")
    values = list(args)
    for name in names[len(args) :]:
        if name in kwargs:
            values.append(kwargs.pop(name))
        elif name in cls._defaults:
            default = cls._defaults[name]
            values.append(default.make() if isinstance(default, _Factory) else default)
        else:
            raise TypeError(f"{cls.__name__}() missing field {name!r}")
    for name in kwargs:
        if name in names:
            raise TypeError(f"{cls.__name__}() got field {name!r} twice")
        raise TypeError(f"{cls.__name__}() has no field {name!r}")
    return tuple(values)


def replace(record: _R, **changes: Any) -> _R:
    """A copy of record with some fields changed (dataclasses.replace)."""
    values = {name: getattr(record, name) for name in record.__match_args__}
    values.update(changes)
    return type(record)(**values)
