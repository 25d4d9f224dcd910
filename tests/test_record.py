"""Record: what a frozen dataclass with slots gives, without generating code per class."""

from __future__ import annotations

import copy
import pickle
from functools import cached_property
from typing import ClassVar

import pytest

from kouryu_cli.core.model import Measure, Plan
from kouryu_cli.core.record import Record, field, replace
from kouryu_cli.planfile import open_plan


class Point(Record):
    """A record with a default and a fresh default."""

    x: int
    y: int = 0
    tags: list[str] = field(factory=list)
    kind: ClassVar[str] = "point"


class Labelled(Point):
    label: str = ""


class Cached(Record):
    values: tuple[int, ...]

    @cached_property
    def total(self) -> int:
        return sum(self.values)


def test_positional_keyword_and_default_fields() -> None:
    assert Point(1, 2, ["a"]) == Point(x=1, y=2, tags=["a"])
    assert Point(1).y == 0
    assert Point.__match_args__ == ("x", "y", "tags")
    assert Point.kind == "point"  # a ClassVar is not a field


def test_a_factory_default_is_fresh_for_each_record() -> None:
    first, second = Point(1), Point(2)
    first.tags.append("a")
    assert second.tags == []


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing field 'x'"),
        ((1, 2, [], 4), {}, "takes 3 fields but 4 were given"),
        ((1,), {"x": 2}, "got field 'x' twice"),
        ((1,), {"z": 2}, "has no field 'z'"),
    ],
)
def test_wrong_arguments_are_refused(
    args: tuple[int, ...], kwargs: dict[str, int], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)  # type: ignore[arg-type, misc]


def test_records_are_immutable() -> None:
    point = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del point.y  # type: ignore[misc]
    with pytest.raises(AttributeError):
        point.other = 1  # type: ignore[attr-defined]  # slots: no new attributes either


def test_equality_hash_and_repr_follow_class_and_fields() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != Labelled(1)  # same fields, another class
    assert hash(Cached((1, 2))) == hash(Cached((1, 2)))
    assert {Cached((1,)), Cached((1,))} == {Cached((1,))}
    assert repr(Labelled(1, label="a")) == "Labelled(x=1, y=0, tags=[], label='a')"


def test_inherited_fields_come_first() -> None:
    assert Labelled.__match_args__ == ("x", "y", "tags", "label")
    assert Labelled(1, 2, [], "b").label == "b"


def test_class_definitions_are_checked() -> None:
    with pytest.raises(TypeError, match="mutable default"):

        class Bad(Record):
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="without a default after defaults"):

        class Order(Record):
            a: int = 0
            b: int


def test_replace_copy_deepcopy_and_pickle() -> None:
    point = Labelled(1, 2, ["a"], "x")
    assert replace(point, y=5) == Labelled(1, 5, ["a"], "x")
    assert point.y == 2
    assert copy.copy(point) == point
    deep = copy.deepcopy(point)
    assert deep == point
    assert deep.tags is not point.tags
    assert pickle.loads(pickle.dumps(point)) == point  # noqa: S301 - our own bytes


def test_a_cached_property_works_on_a_record() -> None:
    cached = Cached((1, 2, 3))
    assert cached.total == 6
    assert cached.total == 6
    assert "__dict__" in Cached.__slots__


def test_the_model_is_made_of_records() -> None:
    plan = open_plan(None, use_cache=False)
    assert isinstance(plan, Record)
    assert "__dict__" not in Measure.__slots__  # 49,000 measures on a large plan: no dicts
    assert copy.deepcopy(plan) == plan
    assert plan.measures is plan.measures  # cached
    measure = plan.measures[0]
    assert replace(measure, name="改名").name == "改名"
    assert replace(measure, name="改名").id == measure.id
    assert Plan.__match_args__[0] == "city"


def test_class_variables_are_not_fields_whether_annotations_are_text_or_objects() -> None:
    made = type(Record)(
        "Made", (Record,), {"__annotations__": {"shared": ClassVar[int], "own": int}, "shared": 1}
    )
    assert made.__match_args__ == ("own",)
    assert made.shared == 1
    assert made(2).own == 2
